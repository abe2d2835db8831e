"""Secrets reach a job through the environment only, never through an argv.

Every argv on Linux is world-readable (/proc/PID/cmdline). The job runner starts the
program through `env`; a shim named `env` first on PATH records the argv it was given
(its own /proc/self/cmdline) before it hands over to the real one, and the program
records its own and its ancestors' argvs and its environment. The secret's value must
be in the program's environment and in no argv.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.build.lowering import write_spec
from tests.build.support import compile_files

SECRET = "s3cr3t-value-8e1f"
PROGRAM = r"""
import json, os
def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().decode(errors="replace")
def parent(pid):
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[1])
chain, pid = [], os.getpid()
while pid > 1:
    chain.append(cmdline(pid))
    pid = parent(pid)
json.dump({"token": os.environ.get("TOKEN"), "argvs": chain}, open("got.json", "w"))
"""
BODY = f"""
  secret tok from env("XSPEC_TEST_TOKEN_SOURCE")
  vars = {{ TOKEN = tok }}
  run = ["python3", "-c", {json.dumps(PROGRAM)}]
"""


@pytest.fixture
def shim(tmp_path) -> tuple[Path, Path]:
    """A folder holding an `env` that logs its argv (NULs as newlines) and runs the real env."""
    folder, log = tmp_path / "shim", tmp_path / "env-argv.log"
    folder.mkdir()
    real = shutil.which("env")
    (folder / "env").write_text(f"#!/bin/sh\ntr '\\0' '\\n' < /proc/$$/cmdline >> {log}\nexec {real} \"$@\"\n")
    (folder / "env").chmod(0o755)
    return folder, log


def job_env(shim_folder: Path, **extra) -> dict:
    return {"PATH": f"{shim_folder}:{os.environ['PATH']}", "HOME": os.environ.get("HOME", "/tmp"),
            "LC_ALL": "C.UTF-8", "XSPEC_TEST_TOKEN_SOURCE": SECRET, **extra}


def assert_environment_only(got_file: Path, log: Path) -> None:
    got = json.loads(got_file.read_text())
    assert got["token"] == SECRET                      # the program has it ...
    assert log.read_text().count("\n") >= 3            # (the shim ran) ...
    assert SECRET not in log.read_text()               # ... `env` was not given it as a word ...
    assert not [argv for argv in got["argvs"] if SECRET in argv]   # ... nor any ancestor


def test_the_slurm_runner_passes_secrets_in_the_environment(tmp_path, shim):
    spec = write_spec(tmp_path / "p", BODY)
    compiled = compile_files(spec, ["slurm"])
    assert not compiled.failed, [d.message for d in compiled.diagnostics]
    script = tmp_path / "x.sbatch"
    script.write_text(compiled.files["slurm/x.sbatch"])
    env = job_env(shim[0], SLURM_SUBMIT_DIR=str(spec.parent), SLURM_ARRAY_JOB_ID="1", SLURM_ARRAY_TASK_ID="0")
    result = subprocess.run(["bash", str(script)], cwd=spec.parent, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert_environment_only(spec.parent / "runs" / "x" / "1" / "0" / "got.json", shim[1])


@pytest.mark.parametrize("target", ["docker", "apptainer"])
def test_the_image_runners_pass_secrets_in_the_environment(tmp_path, shim, target):
    spec = write_spec(tmp_path / "p", BODY)
    compiled = compile_files(spec, [target], allow_unlocked=True)
    assert not compiled.failed, [d.message for d in compiled.diagnostics]
    script = tmp_path / "xspec-job.sh"
    script.write_text(compiled.files[f"{target}/x/xspec-job.sh"])
    env = job_env(shim[0], XSPEC_PROJECT_ROOT=str(spec.parent), XSPEC_RUN_ID="r")
    result = subprocess.run(["bash", str(script), "0"], cwd=spec.parent, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert_environment_only(spec.parent / "runs" / "x" / "r" / "0" / "got.json", shim[1])


def test_xspec_run_passes_secrets_in_the_environment(tmp_path, shim):
    spec = write_spec(tmp_path / "p", BODY)
    result = subprocess.run([sys.executable, "-m", "xspec", "run", "--allow-other-python", str(spec)], cwd=spec.parent,
                            env={**job_env(shim[0]), "PYTHONPATH": os.environ.get("PYTHONPATH", "")},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    [got] = (spec.parent / "runs" / "x").glob("*/0/got.json")
    assert_environment_only(got, shim[1])
