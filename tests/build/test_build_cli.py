"""`xspec build` as a user runs it: targets, -o, --check, --locked, --allow-unlocked, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.build.support import copy_project, run_xspec, write_test_lock
from tests.conftest import SPECS


@pytest.fixture
def sklearn(tmp_path) -> Path:
    return copy_project(tmp_path, SPECS / "sklearn_kfold.xspec")


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ir_goes_to_stdout(sklearn):
    result = run_xspec(["build", str(sklearn), "--target", "ir"])
    assert result.returncode == 0, result.stderr
    ir = json.loads(result.stdout)
    assert ir["experiments"][0]["job_count"] == 15 and ir["lock"] is None


def test_without_a_lock_installs_are_refused_and_nothing_is_written(sklearn):
    result = run_xspec(["build", str(sklearn), "--target", "docker", "-o", str(sklearn.parent / "out")])
    assert result.returncode == 1
    assert "error[BLD004]" in result.stderr and "xspec lock" in result.stderr
    assert "nothing was written" in result.stderr and not (sklearn.parent / "out").exists()


def test_allow_unlocked_says_so(sklearn):
    out = sklearn.parent / "out"
    result = run_xspec(["build", str(sklearn), "-t", "docker", "-t", "nix", "-o", str(out), "--allow-unlocked"])
    assert result.returncode == 0, result.stderr
    assert "UNLOCKED (--allow-unlocked)" in (out / "docker" / "housing_kfold" / "Dockerfile").read_text()
    assert "--require-hashes" not in (out / "docker" / "housing_kfold" / "Dockerfile").read_text()
    assert not (out / "nix" / "housing_kfold" / "flake.lock").exists()


def test_lock_target_needs_the_lock(sklearn):
    result = run_xspec(["build", str(sklearn), "-t", "lock", "--allow-unlocked", "-o", str(sklearn.parent / "o")])
    assert result.returncode == 1 and "BLD004" in result.stderr


def test_write_then_check(sklearn):
    write_test_lock(sklearn)
    out = sklearn.parent / "out"
    first = run_xspec(["build", str(sklearn), "--target", "all", "-o", str(out)])
    assert first.returncode == 0, first.stderr
    assert sorted(tree(out)) == [
        ".xspec-output",            # the build-folder marker: no command reads it as sources
        "apptainer/housing_kfold/housing_kfold.def", "apptainer/housing_kfold/requirements.lock",
        "apptainer/housing_kfold/xspec-job.sh", "docker/housing_kfold/Dockerfile",
        "docker/housing_kfold/requirements.lock", "docker/housing_kfold/xspec-job.sh",
        "ir/sklearn_kfold.json", "lock/sklearn/requirements.lock", "nix/housing_kfold/flake.lock",
        "nix/housing_kfold/flake.nix", "nix/housing_kfold/requirements.lock", "nix/housing_kfold/xspec-job.sh",
        "nix/housing_kfold/xspec-venv.sh", "slurm/housing_kfold.sbatch"]
    again = run_xspec(["build", str(sklearn), "--target", "all", "-o", str(out)])
    assert "wrote 0 files (14 unchanged)" in again.stderr
    assert run_xspec(["build", str(sklearn), "--target", "all", "-o", str(out), "--check"]).returncode == 0
    (out / "slurm" / "housing_kfold.sbatch").write_text("#!/bin/bash\n")
    (out / "ir" / "sklearn_kfold.json").unlink()
    stale = run_xspec(["build", str(sklearn), "--target", "all", "-o", str(out), "--check"])
    assert stale.returncode == 1
    assert "out of date:" in stale.stderr and "housing_kfold.sbatch" in stale.stderr
    assert "missing:" in stale.stderr and "2 of 14 files would change" in stale.stderr
    assert (out / "slurm" / "housing_kfold.sbatch").read_text() == "#!/bin/bash\n"   # --check writes nothing


def test_spec_errors_stop_the_build(tmp_path):
    spec = tmp_path / "bad.xspec"
    spec.write_text('xspec 1\nexperiment x {\n  run = ["p", nope]\n}\n')
    result = run_xspec(["build", str(spec), "-t", "slurm", "-o", str(tmp_path / "out")])
    assert result.returncode == 1 and "error[E120]" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_corrupt_lock_is_a_one_line_error(sklearn):
    (sklearn.parents[1] / "xspec.lock").write_text("version = [\n")
    result = run_xspec(["build", str(sklearn), "-t", "slurm"])
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_locked_fails_when_spec_and_lock_disagree(sklearn):
    assert run_xspec(["build", str(sklearn), "-t", "ir", "--locked"]).returncode == 1
    write_test_lock(sklearn)
    assert run_xspec(["build", str(sklearn), "-t", "ir", "--locked"]).returncode == 0
    envs = sklearn.parent / "envs.xspec"
    changed = re.sub(r'(scipy\s*=\s*)"==1\.13\.1"', r'\1"==1.14.0"', envs.read_text())
    assert changed != envs.read_text()
    envs.write_text(changed)
    result = run_xspec(["build", str(sklearn), "-t", "ir", "--locked"])
    assert result.returncode == 1 and "BLD008" in result.stderr and "xspec lock" in result.stderr


def test_unknown_target_is_a_usage_error(sklearn):
    result = run_xspec(["build", str(sklearn), "-t", "pbs"])
    assert result.returncode == 2 and "pbs" in result.stderr


def test_output_is_byte_identical_across_hash_seeds_and_working_directories(tmp_path):
    spec = copy_project(tmp_path, SPECS / "pytorch_cifar10.xspec")    # slurm embeds the build folder
    write_test_lock(spec)
    root = spec.parents[1]
    runs = [({"PYTHONHASHSEED": "0"}, root, "build"), ({"PYTHONHASHSEED": "4242"}, Path("/"), str(root / "build")),
            ({"PYTHONHASHSEED": "random"}, spec.parent, "../build")]
    trees = []
    for env, cwd, out in runs:
        result = run_xspec(["build", str(spec), "-t", "all", "-o", out], cwd=cwd, env=env)
        assert result.returncode == 0, result.stderr
        trees.append(tree(root / "build"))
        for path in (root / "build").rglob("*"):
            if path.is_file():
                path.unlink()
    assert trees[0] == trees[1] == trees[2] and len(trees[0]) > 10
    assert b"build/apptainer/resnet18_cifar10/resnet18_cifar10.sif" in trees[0]["slurm/resnet18_cifar10.sbatch"]
    stdout = {run_xspec(["build", str(spec), "-t", "ir"], env={"PYTHONHASHSEED": s}).stdout for s in ("1", "2")}
    assert len(stdout) == 1


def test_two_experiments_give_two_of_each(tmp_path):
    spec = tmp_path / "two.xspec"
    (tmp_path / "xspec.toml").write_text("")
    spec.write_text('xspec 1\nenv e { python = "3.11.9" }\n'
                    'experiment a {\n  env = e\n  run = ["p"]\n}\n'
                    'experiment b {\n  env = e\n  replicates = 3\n  run = ["q", replicate]\n}\n')
    result = run_xspec(["build", str(spec), "-t", "slurm", "-t", "ir", "-o", str(tmp_path / "out")])
    assert result.returncode == 0, result.stderr
    assert sorted(tree(tmp_path / "out")) == [".xspec-output", "ir/two.json", "slurm/a.sbatch", "slurm/b.sbatch"]
    assert "#SBATCH --array=0-2\n" in (tmp_path / "out" / "slurm" / "b.sbatch").read_text()
