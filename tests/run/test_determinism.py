"""Determinism profiles take effect: xspec's start-up hook switches the framework on when the
job imports it, the record says what the framework had at exit, and verify reports a job
whose program switched it off again (RUN022).

Runs against stand-ins for torch and tensorflow (tests/run/fakes, always) and against the
real torch when it is importable (a CPU build is enough: the switches are the same)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.run.conftest import record, run_dir_of, xspec

FAKES = Path(__file__).with_name("fakes")

JOB = """\
import json, sys
framework, mode, out = sys.argv[1:4]
state = {}
if framework == "torch":
    import torch
    import torch.backends.cudnn as cudnn
    if mode == "off":
        torch.use_deterministic_algorithms(False)
        cudnn.benchmark = True
    if mode == "put":
        torch.zeros(5).put_(torch.tensor([0, 0]), torch.tensor([1.0, 2.0]))
    state = {"algorithms": torch.are_deterministic_algorithms_enabled(),
             "warn_only": torch.is_deterministic_algorithms_warn_only_enabled(),
             "benchmark": bool(cudnn.benchmark), "cudnn_deterministic": bool(cudnn.deterministic)}
elif framework == "tensorflow":
    import tensorflow as tf
    state = {"op_determinism": tf.config.experimental.is_op_determinism_enabled()}
import os
os.makedirs(os.path.dirname(out), exist_ok=True)
with open(out, "w") as f:
    json.dump(state, f)
"""

SPEC = """\
xspec 1
import "std/determinism" as det

env py {{ python = "{python}" }}

profile torch_warn {{
  framework = "pytorch"
  deterministic_algorithms = true
  cudnn_benchmark = false
  enforce = "warn"
}}
profile torch_off {{
  framework = "pytorch"
  deterministic_algorithms = true
  cudnn_benchmark = false
  enforce = "off"
}}

experiment {name} {{
  env = py
  seed = 1
  determinism = {profile}
  param mode: str = "plain" "What the job does after importing the framework"
  sweep grid {{ mode = [{modes}] }}
  vars = {{ {vars} }}
  run = ["{interpreter}", "job.py", "{framework}", mode, "out/${{job_index}}.json"]
  outputs = ["out/${{job_index}}.json"]
  target local {{ max_parallel = 2 }}
}}
"""


def make_project(tmp_path: Path, interpreter: str, profile: str, modes: list[str], framework="torch",
                 fakes=True, name="x") -> Path:
    project = tmp_path / "project"
    project.mkdir(parents=True, exist_ok=True)
    (project / "xspec.toml").write_text("")
    (project / "job.py").write_text(JOB)
    if fakes:
        shutil.copytree(FAKES, project / "fakes", dirs_exist_ok=True)
    version = subprocess.run([interpreter, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (project / "s.xspec").write_text(SPEC.format(
        python=version, name=name, profile=profile, modes=", ".join(f'"{m}"' for m in modes),
        interpreter=interpreter, framework=framework, vars='PYTHONPATH = "fakes"' if fakes else ""))
    return project


def run(project: Path) -> Path:
    result = xspec(["run", "s.xspec"], cwd=project)
    return run_dir_of(result)


def output(run_dir: Path, index: int) -> dict:
    return json.loads((run_dir / str(index) / "out" / f"{index}.json").read_text())


def frameworks(run_dir: Path, index: int) -> dict:
    processes = record(run_dir, index)["determinism"]["processes"]
    assert len(processes) == 1, processes
    return processes[0]["frameworks"]


def verify_codes(run_dir: Path) -> tuple[int, list[str]]:
    result = xspec(["verify", run_dir], cwd=run_dir)
    return result.returncode, [line.split()[0] for line in result.stdout.splitlines()
                               if line.strip().startswith("RUN0")]


# ---- with the stand-ins: always ---------------------------------------------------------------

def test_pytorch_strict_is_switched_on_without_changing_the_program(tmp_path):
    project = make_project(tmp_path, "python3", "det.pytorch_strict", ["plain", "off"])
    run_dir = run(project)
    assert output(run_dir, 0) == {"algorithms": True, "warn_only": False, "benchmark": False,
                                  "cudnn_deterministic": True}
    state = frameworks(run_dir, 0)["pytorch"]
    assert state["hook"] == {"applied": True, "deterministic_algorithms": True, "warn_only": False,
                             "cudnn_deterministic": True, "cudnn_benchmark": False}
    assert (state["deterministic_algorithms"], state["cudnn_benchmark"]) == (True, False)
    # job 1 switched determinism off again: the record shows it and verify reports it
    assert frameworks(run_dir, 1)["pytorch"]["deterministic_algorithms"] is False
    status, codes = verify_codes(run_dir)
    assert status == 1 and codes == ["RUN022", "RUN022"]      # algorithms and cudnn.benchmark


def test_the_users_own_sitecustomize_still_runs(tmp_path):
    project = make_project(tmp_path, "python3", "det.pytorch_strict", ["plain"])
    run_dir = run(project)
    assert (run_dir / "0" / "user-sitecustomize-ran.txt").read_text() == "yes\n"
    assert output(run_dir, 0)["algorithms"] is True


def test_warn_mode_and_off(tmp_path):
    warn = run(make_project(tmp_path, "python3", "torch_warn", ["plain"]))
    assert output(warn, 0)["warn_only"] is True and output(warn, 0)["algorithms"] is True
    assert verify_codes(warn) == (0, [])
    off = run(make_project(tmp_path / "b", "python3", "torch_off", ["plain"]))
    assert output(off, 0) == {"algorithms": False, "warn_only": False, "benchmark": True,
                              "cudnn_deterministic": False}
    assert frameworks(off, 0)["pytorch"]["hook"] == {"applied": False}
    assert verify_codes(off) == (0, [])


def test_tensorflow_op_determinism(tmp_path):
    project = make_project(tmp_path, "python3", "det.tensorflow", ["plain"], framework="tensorflow")
    run_dir = run(project)
    assert output(run_dir, 0) == {"op_determinism": True}
    state = frameworks(run_dir, 0)["tensorflow"]
    assert (state["op_determinism"], state["cuda"], state["cudnn"]) == (True, "12.fake", "9.fake")


def test_a_job_that_imports_no_framework_records_no_process(tmp_path):
    project = make_project(tmp_path, "python3", "det.pytorch_strict", ["plain"], framework="none")
    run_dir = run(project)
    assert record(run_dir, 0)["determinism"]["processes"] == []
    assert record(run_dir, 0)["determinism"]["profile"]["name"] == "pytorch_strict"


def test_the_hook_costs_nothing_measurable_without_a_framework(tmp_path):
    """The hook's own import time at start-up (`-X importtime`, its self time), with its bytecode
    cached as Python does by default: a fraction of a millisecond, against a start of 10-50 ms.
    bench/startup_hook.py compares whole `python -c pass` starts."""
    from xspec.run.startup import HOOK

    (tmp_path / "hook").mkdir()
    shutil.copy(HOOK, tmp_path / "hook" / "sitecustomize.py")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(tmp_path / "hook")
    times = sorted(_hook_self_time(env) for _ in range(7))
    assert times[0] < 0.002, times
    modules = subprocess.run([sys.executable, "-c", "import sys; print(sorted(sys.modules))"], env=env,
                             capture_output=True, text=True, check=True).stdout
    assert "torch" not in modules and "json" not in modules and "xspec_frameworks" not in modules


def _hook_self_time(env: dict) -> float:
    """Seconds spent in the outermost `sitecustomize` import itself (not in what it imports)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", "pass"], env=env, capture_output=True,
                          text=True, check=True)
    lines = [line.split("|") for line in done.stderr.splitlines() if line.rstrip().endswith("sitecustomize")]
    outer = min(lines, key=lambda parts: len(parts[2]) - len(parts[2].lstrip()))
    return int(outer[0].split(":")[1]) / 1e6


# ---- with the real torch (a CPU build), when it is importable ------------------------------------

def _torch_python() -> str:
    found = subprocess.run([sys.executable, "-c", "import torch"], capture_output=True)
    if found.returncode != 0:
        pytest.skip("torch is not importable here")
    return sys.executable


def test_real_torch_strict_is_switched_on_and_a_nondeterministic_op_raises(tmp_path):
    python = _torch_python()
    project = make_project(tmp_path, python, "det.pytorch_strict", ["plain", "put"], fakes=False)
    run_dir = run(project)
    assert output(run_dir, 0) == {"algorithms": True, "warn_only": False, "benchmark": False,
                                  "cudnn_deterministic": True}
    state = frameworks(run_dir, 0)["pytorch"]
    assert state["version"].startswith("2.") and state["deterministic_algorithms"] is True
    assert record(run_dir, 1)["exit_code"] == 1
    assert "put_ does not have a deterministic implementation" in (run_dir / "logs" / "1.out").read_text()


def test_real_torch_warn_mode_lists_the_ops_that_warned(tmp_path):
    python = _torch_python()
    project = make_project(tmp_path, python, "torch_warn", ["put"], fakes=False)
    run_dir = run(project)
    assert output(run_dir, 0)["warn_only"] is True
    assert frameworks(run_dir, 0)["pytorch"]["warned_ops"] == ["put_"]


# ---- every target's runner carries the hook ----------------------------------------------------

TARGET_SPEC = """\
xspec 1
import "std/determinism" as det
env py {
  python = "3.11.7"
  image = "docker.io/library/python:3.11.7-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000"
  nixpkgs = "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567"
}
experiment x {
  env = py
  seed = 1
  determinism = det.pytorch_strict
  vars = { PYTHONPATH = "fakes" }
  run = ["python3", "job.py", "torch", "plain", "out/0.json"]
  outputs = ["out/0.json"]
}
"""


@pytest.mark.parametrize("target", ["slurm", "docker", "apptainer", "nix", "k8s"])
def test_every_targets_runner_switches_determinism_on(tmp_path, target):
    """The hook travels inside the runner each target embeds (sbatch, image, ConfigMap, flake):
    run that runner with bash, as the scheduler or the container would."""
    import yaml

    project = tmp_path / "project"
    project.mkdir()
    (project / "xspec.toml").write_text("")
    (project / "job.py").write_text(JOB)
    shutil.copytree(FAKES, project / "fakes")
    (project / "s.xspec").write_text(TARGET_SPEC)
    built = xspec(["build", "s.xspec", "--target", target, "-o", tmp_path / "out", "--allow-unlocked"],
                  cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    out = tmp_path / "out" / target
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "XSPEC_PROJECT_ROOT": str(project),
           "XSPEC_RUNS_DIR": str(tmp_path / "runs"), "XSPEC_RUN_ID": "r1", "JOB_COMPLETION_INDEX": "0",
           "SLURM_SUBMIT_DIR": str(project), "SLURM_ARRAY_JOB_ID": "r1", "SLURM_ARRAY_TASK_ID": "0"}
    if target == "slurm":               # Slurm's ids are numbers (the script refuses others)
        env.update(XSPEC_RUN_ID="41", SLURM_ARRAY_JOB_ID="41")
        script, job_dir = out / "x.sbatch", project / "runs" / "x" / "41" / "0"
    elif target == "k8s":
        script = tmp_path / "xspec-job.sh"
        script.write_text(next(yaml.safe_load_all((out / "x.yaml").read_text()))["data"]["xspec-job.sh"])
        job_dir = tmp_path / "runs" / "x" / "r1" / "0"
    else:
        script, job_dir = out / "x" / "xspec-job.sh", tmp_path / "runs" / "x" / "r1" / "0"
    done = subprocess.run(["bash", str(script), "0"], cwd=project, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads((job_dir / "out" / "0.json").read_text())["algorithms"] is True
    state = json.loads((job_dir / "xspec-provenance.json").read_text())["determinism"]["processes"]
    assert state[0]["frameworks"]["pytorch"]["deterministic_algorithms"] is True
