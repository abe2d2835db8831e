"""sbatch scripts: #SBATCH options to resources and `target slurm`, arrays to sweeps."""

from __future__ import annotations

import pytest

from tests.init.support import argv, errors, project, run_init
from xspec.init.slurmopts import array_indices, options, seconds


def test_resources_target_and_array(tmp_path):
    run = run_init(project(tmp_path, "sbatch"), "--from", "train_array.sbatch")
    assert run.code == 0, run.stdout + run.stderr
    assert errors(run.result) == []
    experiment = run.module.experiments["cv-folds"]          # --job-name
    r = experiment.resources
    assert (r.nodes, r.tasks_per_node, r.cpus, r.gpus, r.gpu_type) == (1, 1, 8, 1, "a100")
    assert (r.memory, r.time, r.scratch) == (64 * 2**30, 12 * 3600 + 30 * 60, 100 * 2**30)
    slurm = experiment.targets["slurm"].settings
    assert slurm == {"partition": "gpu", "account": "ml-lab", "qos": "normal", "max_parallel": 2,
                     "constraint": "a100", "modules": ["cuda/12.1", "cudnn/8.9"],
                     "extra_args": ["--mail-type=END,FAIL", "--mail-user=alice@example.org"]}
    assert [(s.kind, s.axes) for s in experiment.sweeps] == [("grid", {"array_task": [0, 1, 2, 3, 4]})]


def test_the_command_uses_the_array_param(tmp_path):
    run = run_init(project(tmp_path, "sbatch"), "--from", "train_array.sbatch")
    experiment = run.module.experiments["cv-folds"]
    assert argv(experiment) == ["srun", "python", "train.py", "--fold", "${array_task}",
                                "--folds", "5", "--epochs", "30", "--out", "results/fold-${array_task}"]
    assert experiment.vars == {"OMP_NUM_THREADS": "8", "WANDB_PROJECT": "cv-folds"}
    assert experiment.workdir == "experiments/cv"


def test_every_line_not_carried_is_reported(tmp_path):
    run = run_init(project(tmp_path, "sbatch"), "--from", "train_array.sbatch")
    assert run.notes("INI100") == {("train_array.sbatch", n) for n in (
        14, 15,    # --output, --error: the backend writes its own
        21,        # set -euo pipefail
        22,        # module purge
        24,        # source .../activate
        27,        # export DATA_ROOT=$SCRATCH/data: computed at run time
        30,        # echo
        33,        # #SBATCH after the first command
    )}


def test_a_shell_command_stays_a_string(tmp_path):
    run = run_init(project(tmp_path, "sbatch"), "--from", "mpi.sh")
    experiment = run.module.experiments["heat3d"]
    assert str(experiment.run) == ("srun --cpu-bind=cores python -m heat3d.solve --grid-size 512 "
                                   "--steps 20000 > solve.log 2>&1")
    r = experiment.resources
    assert (r.nodes, r.tasks_per_node, r.cpus, r.memory, r.time) == (4, 64, 1, 240000 * 2**20, 12 * 3600)
    assert experiment.targets["slurm"].settings == {
        "partition": "compute", "exclusive": True, "extra_args": ["--switches=1@00:10:00"],
        "modules": ["gcc/12.2.0", "openmpi/4.1.5"]}


def test_bad_options_are_errors_with_their_lines(tmp_path):
    root = project(tmp_path)
    (root / "job.sbatch").write_text("#!/bin/bash\n#SBATCH --time=soon\n#SBATCH --mem=12X\n"
                                     "#SBATCH --array=1-x\n#SBATCH -Z\n#SBATCH --gpus=many\n"
                                     "python x.py\n")
    run = run_init(root, "--from", "job.sbatch")
    assert run.code == 1
    found = {(line.split(":")[1], line.split()[1]) for line in run.stdout.splitlines() if "INI004" in line}
    assert found == {(str(n), "INI004") for n in (2, 3, 4, 5, 6)}
    assert not run.spec.exists()


def test_a_script_without_sbatch_lines_is_an_error(tmp_path):
    root = project(tmp_path)
    (root / "run.sh").write_text("#!/bin/bash\npython train.py\n")
    run = run_init(root, "--from", "run.sh")
    assert run.code == 1
    assert "run.sh:1:1: INI004 run.sh has no #SBATCH lines" in run.stdout


@pytest.mark.parametrize("text, expected", [
    ("90", 90 * 60), ("5:30", 5 * 60 + 30), ("04:00:00", 4 * 3600), ("2-12", 2 * 86400 + 12 * 3600),
    ("1-02:30", 86400 + 2 * 3600 + 30 * 60), ("0-00:00:45", 45), ("soon", None), ("1:2:3:4", None),
])
def test_slurm_time_formats(text, expected):
    assert seconds(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("0-4", ([0, 1, 2, 3, 4], None)), ("1,3,5", ([1, 3, 5], None)),
    ("0-20:5%3", ([0, 5, 10, 15, 20], 3)), ("0-2,10", ([0, 1, 2, 10], None)),
])
def test_array_specs(text, expected):
    assert array_indices(text) == expected


@pytest.mark.parametrize("text", ["", "a-b", "1-3%x", "1-"])
def test_bad_array_specs(text):
    with pytest.raises(ValueError):
        array_indices(text)


def test_option_spellings():
    assert options("-p gpu --qos=high -c8 --exclusive -J name  # comment") == [
        ("partition", "gpu"), ("qos", "high"), ("cpus-per-task", "8"), ("exclusive", None),
        ("job-name", "name")]


def test_fixed_shell_variables_are_written_into_the_run(tmp_path):
    run = run_init(project(tmp_path, "sbatch_vars"), "--from", "ddp.sbatch")
    assert run.code == 0, run.stdout + run.stderr
    experiment = run.module.experiments["ddp"]
    text = run.spec.read_text()
    assert "--config configs/ddp.yaml --epochs 40 --out" in text     # CONFIG=..., ${EPOCHS}
    assert "$CONFIG" not in text and "EPOCHS" not in text
    assert experiment.vars == {"MASTER_PORT": "29500"}


def test_variables_set_by_lines_not_carried_are_reported_where_the_run_uses_them(tmp_path):
    run = run_init(project(tmp_path, "sbatch_vars"), "--from", "ddp.sbatch")
    assert run.notes("INI100") == {("ddp.sbatch", 12), ("ddp.sbatch", 14), ("ddp.sbatch", 16),
                                   ("ddp.sbatch", 17)}
    assert "`$HOSTS` in the command: line 16 (`HOSTS=$(scontrol show hostnames)`)" in run.stdout
    assert "`$RUN_DIR` in the command: line 12 (`RUN_DIR=$SCRATCH/runs/$SLURM_JOB_ID`) sets it" \
        in run.stdout
    assert "command `HOSTS" not in run.stdout          # an assignment, not a second command


def test_per_task_options_become_per_node_resources(tmp_path):
    run = run_init(project(tmp_path, "sbatch_vars"), "--from", "ddp.sbatch")
    text = run.spec.read_text()
    for line in ("nodes = 2", "tasks_per_node = 4", "gpus = 4", "cpus = 6", "memory = 96GiB"):
        assert line in text
    assert "extra_args" not in text
    assert run.notes("INI102") == {("ddp.sbatch", 4), ("ddp.sbatch", 5), ("ddp.sbatch", 7)}
