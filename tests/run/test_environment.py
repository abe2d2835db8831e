"""The record captures the environment that really ran; run, diff and reproduce use it."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time

from tests.run.conftest import record, run_dir_of, xspec

NVIDIA_SMI = """\
#!/bin/sh
# A stand-in for nvidia-smi: `nvidia-smi -q` as a driver 550 machine with one H200 prints it.
cat <<'END'

==============NVSMI LOG==============

Timestamp                                 : Thu Dec  3 10:00:00 2026
Driver Version                            : 550.54.15
CUDA Version                              : 12.4

Attached GPUs                             : 1
GPU 00000000:00:1E.0
    Product Name                          : NVIDIA H200
    Product Brand                         : NVIDIA
END
"""


def test_the_record_says_which_interpreter_os_cpu_and_packages_ran(tiny):
    run = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    env = record(run, 0)["environment"]
    python3 = shutil.which("python3")
    expected = subprocess.run([python3, "-c", "import sys; print(sys.executable)"], capture_output=True,
                              text=True, check=True).stdout.strip()
    assert env["interpreter"]["path"] == expected
    assert env["interpreter"]["version"] == platform.python_version()
    assert env["interpreter"]["implementation"] == "CPython"
    assert (env["os"]["system"], env["os"]["kernel"]) == ("Linux", platform.release())
    assert env["cpu"]["count"] == os.cpu_count() and env["cpu"]["model"]
    assert env["packages"]["count"] == len(env["packages"]["installed"]) > 0
    assert env["packages"]["digest"].startswith("sha256:")
    assert env["packages"]["lock"]["matches"] is True          # tiny's env locks no packages
    assert env["gpus"] is None                                  # no nvidia-smi here


def test_a_local_run_collects_git_and_the_environment_once_and_every_record_holds_them(tiny):
    """The jobs of a local run share one machine and interpreter: the first job leaves the git
    state and the environment in the run's shared/ folder and the others read them there."""
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run(["git", "init", "-q"], cwd=tiny, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tiny, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "spec"], cwd=tiny, check=True)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tiny, capture_output=True, text=True,
                            check=True).stdout.strip()
    run = run_dir_of(xspec(["run", "tiny.xspec", "-j", "1"], cwd=tiny))
    [collected] = (run / "shared").glob("environment-*.json")
    jobs = sorted(int(p.name) for p in run.iterdir() if p.name.isdigit())
    assert len(jobs) == 6
    for index in jobs:
        found = record(run, index)
        assert found["environment"] == json.loads(collected.read_text())
        assert found["git"] == {"commit": commit, "dirty": False}
    collectors = [i for i in jobs if (run / str(i) / ".xspec" / "environment.json").exists()]
    assert collectors == [0]


def test_the_packages_are_compared_with_the_lock(tmp_path):
    """The collector on its own: a locked version that differs, one that is missing, one that matches."""
    from importlib import metadata

    from xspec.run.startup import ENVIRONMENT

    pytest_version = metadata.version("pytest")
    locked = tmp_path / "locked.txt"
    locked.write_text(f"pytest=={pytest_version}\nclick==0.0.1\nnot-installed-anywhere==1.0\n")
    out = tmp_path / "environment.json"
    subprocess.run([sys.executable, str(ENVIRONMENT), str(out), str(locked), str(tmp_path / "none.txt")],
                   check=True)
    lock = json.loads(out.read_text())["packages"]["lock"]
    assert lock["matches"] is False and lock["missing"] == ["not-installed-anywhere"]
    assert lock["different"] == [{"name": "click", "locked": "0.0.1", "installed": metadata.version("click")}]


def test_the_collector_is_cheap(tmp_path):
    """Measured as the runner runs it (a fresh interpreter); the bound leaves room for a busy machine."""
    from xspec.run.startup import ENVIRONMENT

    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ENVIRONMENT), str(tmp_path / "e.json")], check=True)
        best = min(best, time.perf_counter() - start)
    assert best < 0.5, best


def test_gpus_come_from_nvidia_smi_and_diff_shows_what_differed(tiny, tmp_path):
    plain = run_dir_of(xspec(["run", "tiny.xspec", "--jobs", "0-1"], cwd=tiny))
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "nvidia-smi").write_text(NVIDIA_SMI)
    (tools / "nvidia-smi").chmod(0o755)
    gpu = run_dir_of(xspec(["run", "tiny.xspec", "--jobs", "0-1"], cwd=tiny,
                           env={"PATH": f"{tools}:{os.environ['PATH']}"}))
    assert record(gpu, 0)["environment"]["gpus"] == {"count": 1, "models": ["NVIDIA H200"],
                                                     "driver": "550.54.15", "cuda_driver": "12.4"}
    result = xspec(["diff", plain, gpu], cwd=tiny)
    assert "environment\n" in result.stdout
    assert "GPU model: (unknown) -> NVIDIA H200 (jobs 0-1)" in result.stdout, result.stdout
    assert "GPU driver: (unknown) -> 550.54.15 (jobs 0-1)" in result.stdout


def test_diff_of_two_runs_compares_the_output_files_too(tiny):
    a = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    b = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    clean = xspec(["diff", a, b], cwd=tiny)
    assert "outputs" not in clean.stdout, clean.stdout
    output = next((b / "0").glob("results/0/*"))
    output.write_text("tampered\n")
    tampered = xspec(["diff", a, b], cwd=tiny)
    assert tampered.returncode == 1, tampered.stdout
    assert "(changed after the run)" in tampered.stdout and "(files now)" in tampered.stdout


def test_a_job_on_another_python_than_the_spec_says_is_refused(tiny):
    spec = tiny / "tiny.xspec"
    spec.write_text(spec.read_text().replace('python = "3.11.7"', 'python = "3.9.1"'))
    (tiny / "xspec.lock").unlink()
    refused = xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny)
    assert refused.returncode == 2 and not (tiny / "runs").exists()
    assert f"(Python {platform.python_version()})" in refused.stderr and 'python = "3.9.1"' in refused.stderr
    assert "--isolated" in refused.stderr and "--allow-other-python" in refused.stderr
    allowed = xspec(["run", "tiny.xspec", "--job", "0", "--allow-other-python"], cwd=tiny)
    assert allowed.returncode == 0, allowed.stderr
    assert record(run_dir_of(allowed), 0)["environment"]["interpreter"]["version"] == platform.python_version()


def test_a_short_version_in_the_spec_matches_every_patch_release():
    from xspec.run.interpreter import matches

    assert matches("3.11", "3.11.7") and matches("3.11.7", "3.11.7") and matches("3", "3.11.7")
    assert not matches("3.11.6", "3.11.7") and not matches("3.1", "3.11.7")
