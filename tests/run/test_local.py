"""`xspec run`: the jobs run through the compiled job runner, on this machine."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, SPECS, require_tool
from tests.run.conftest import (compiled_jobs, record, run_dir_of, sha256, tree_hashes,
                                xspec)

WAIT_SECONDS = 60      # a guard against hanging, not a timing assertion


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny") / "tiny"
    shutil.copytree(SPECS / "tiny", root, ignore=shutil.ignore_patterns(".xspec-cache", "runs"))
    result = xspec(["run", "tiny.xspec"], cwd=root)
    assert result.returncode == 0, result.stderr
    return root, run_dir_of(result), result


def test_every_job_runs_with_its_compiled_params_seed_argv_and_env(tiny_run):
    root, run, _ = tiny_run
    jobs = compiled_jobs(root / "tiny.xspec")
    assert len(jobs) == 6
    for index, job in jobs.items():
        found = record(run, index)
        assert found["scheduler"] == {"name": "local", "ids": {"XSPEC_RUN_ID": run.name}}
        assert (found["params"], found["job"]["seed"], found["argv"], found["env"]) == \
            (job["params"], job["seed"], job["argv"], job["env"])
        output = job["outputs"][0]
        assert found["exit_code"] == 0
        assert found["outputs"] == {output: sha256(run / str(index) / output)}
        assert json.loads((run / str(index) / output).read_text())["seed"] == job["seed"]


def test_the_run_folder_holds_the_bundle_manifest_logs_and_crate(tiny_run):
    root, run, result = tiny_run
    assert run.parent == root / "runs" / "tiny_sgd" and run.name.startswith("local-")
    for name in ("tiny.xspec", "xspec.lock", "xspec.toml"):
        assert (run / "bundle" / "project" / name).read_bytes() == (root / name).read_bytes()
    assert (run / "bundle" / "xspec-job.sh").read_text().startswith("#!/bin/bash\n")
    assert json.loads((run / "bundle" / "ir.json").read_text())["spec"]["path"] == "tiny.xspec"
    manifest = json.loads((run / "xspec-run.json").read_text())
    assert (manifest["executor"], manifest["jobs"], manifest["project"]) == ("local", list(range(6)), str(root))
    assert manifest["inputs"]["data/points.csv"]["sha256"] == sha256(root / "data" / "points.csv")
    assert manifest["inputs"]["train.py"] == {"kind": "program", "word": "train.py",
                                              "size": (root / "train.py").stat().st_size,
                                              "sha256": sha256(root / "train.py")}
    assert sorted(p.name for p in (run / "logs").iterdir()) == [f"{i}.out" for i in range(6)]
    assert (run / "ro-crate-metadata.json").is_file()
    assert "6 jobs: 6 ok, 0 failed" in result.stderr


def test_the_bundled_runner_is_the_one_every_target_embeds(tiny_run):
    """Local and Slurm scripts differ only where the index, project and run id come from."""
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    root, run, _ = tiny_run
    local = (run / "bundle" / "xspec-job.sh").read_text()
    sbatch = compile_spec(root / "tiny.xspec", ["slurm"], Options()).files["slurm/tiny_sgd.sbatch"]
    assert _body(local) == _body(sbatch)
    assert len(_body(local)) > 100


def _body(script: str) -> list[str]:
    """The runner from its job table on, without the lines that name the scheduler."""
    tail = script[script.index("xspec_select() {"):]
    return [line for line in tail.splitlines()
            if not any(word in line for word in ("scheduler", "SLURM_", "XSPEC_RUN_ID"))]


def test_a_failing_job_is_summarised_with_its_log(project):
    result = xspec(["run", "run.xspec", "--experiment", "exits"], cwd=project)
    assert result.returncode == 1
    run = run_dir_of(result)
    assert [record(run, i)["exit_code"] for i in range(3)] == [0, 3, 0]
    assert "3 jobs: 2 ok, 1 failed" in result.stderr
    failed = result.stderr[result.stderr.index("failed:"):]
    assert "job 1 (exit 3)" in failed and "logs/1.out" in failed
    assert "failing on purpose with status 3" in failed
    crate = json.loads((run / "ro-crate-metadata.json").read_text())
    action = next(e for e in crate["@graph"] if e["@id"] == "#job-1")
    assert action["actionStatus"] == {"@id": "http://schema.org/FailedActionStatus"}
    assert action["error"] == "exit code 3"


def test_a_job_or_a_list_of_jobs(project):
    one = run_dir_of(xspec(["run", "run.xspec", "-e", "exits", "--job", "2"], cwd=project))
    some = run_dir_of(xspec(["run", "run.xspec", "-e", "exits", "--jobs", "0,2"], cwd=project))
    assert sorted(p.name for p in one.iterdir() if p.name.isdigit()) == ["2"]
    assert sorted(p.name for p in some.iterdir() if p.name.isdigit()) == ["0", "2"]
    assert json.loads((some / "xspec-run.json").read_text())["jobs"] == [0, 2]


def test_a_later_run_never_touches_an_earlier_one(tiny):
    first = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    before = tree_hashes(first)
    second = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    assert first != second and first.parent == second.parent
    assert tree_hashes(first) == before
    assert record(first, 0)["outputs"] == record(second, 0)["outputs"]


@pytest.mark.parametrize("args, message", [
    (["--job", "9"], "the experiment has jobs 0-5"),
    (["--jobs", "x"], "--jobs 'x'"),
    (["--job", "1", "--jobs", "2"], "not both"),
])
def test_bad_job_choices_are_one_line_errors(tiny, args, message):
    result = xspec(["run", "tiny.xspec", *args], cwd=tiny)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr and not (tiny / "runs").exists()


def test_a_spec_with_errors_runs_nothing(tiny):
    (tiny / "tiny.xspec").write_text((tiny / "tiny.xspec").read_text().replace("seed = 42", "seed = \"x\""))
    result = xspec(["run", "tiny.xspec"], cwd=tiny)
    assert result.returncode == 1 and "error[" in result.stderr and "nothing was run" in result.stderr
    assert not (tiny / "runs").exists()


def test_ctrl_c_stops_the_running_job_on_the_record_and_starts_no_more(project):
    process = subprocess.Popen([sys.executable, "-m", "xspec", "run", "run.xspec", "-e", "sleepy"], cwd=project,
                               env={**os.environ, "PYTHONPATH": str(REPO / "compiler")},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + WAIT_SECONDS
    while not list(project.glob("runs/sleepy/*/0/out/0.txt")):     # job 0 is sleeping now
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    during = json.loads(xspec(["jobs", "--format", "json"], cwd=project).stdout)[0]
    assert (during["state"], during["collected"]) == ("running", False)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 130, err
    run = Path(out.strip())
    assert record(run, 0)["exit_code"] == 128 + signal.SIGTERM
    assert not (run / "1").exists() and not (run / "2").exists()
    assert "1 failed, 2 not started" in err and "interrupted" in err
    crate = json.loads((run / "ro-crate-metadata.json").read_text())
    assert [e["@id"] for e in crate["@graph"] if e["@type"] == "CreateAction"] == ["#job-0"]
    after = json.loads(xspec(["jobs", "--format", "json"], cwd=project).stdout)[0]
    assert [j["state"] for j in after["jobs"]] == ["failed", "not run", "not run"]
    as_status = json.loads(xspec(["status", "--runs", "--format", "json"], cwd=project).stdout)[0]
    assert as_status == after


@pytest.mark.parametrize("which", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_the_jobs_like_ctrl_c_and_the_run_still_verifies(project, which):
    process = subprocess.Popen([sys.executable, "-m", "xspec", "run", "run.xspec", "-e", "sleepy"], cwd=project,
                               env={**os.environ, "PYTHONPATH": str(REPO / "compiler")},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + WAIT_SECONDS
    while not list(project.glob("runs/sleepy/*/0/out/0.txt")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    job_pid = _pid_of_sleeping_job(project)
    process.send_signal(which)
    out, err = process.communicate(timeout=WAIT_SECONDS)
    assert process.returncode == 128 + which, err
    assert not _alive(job_pid), "the job was left running as an orphan"
    run = Path(out.strip())
    assert record(run, 0)["exit_code"] == 128 + signal.SIGTERM
    assert (run / "ro-crate-metadata.json").is_file()
    after = json.loads(xspec(["jobs", "--format", "json"], cwd=project).stdout)[0]
    assert [j["state"] for j in after["jobs"]] == ["failed", "not run", "not run"]
    verified = xspec(["verify", run], cwd=project)
    assert verified.returncode == 0, verified.stdout + verified.stderr


def _pid_of_sleeping_job(project: Path) -> int:
    """The python3 process of job 0 (tool.py --sleep), found through /proc."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--sleep" in argv and any(a.endswith(b"tool.py") for a in argv) and \
                    str(project).encode() in (entry / "environ").read_bytes():
                return int(entry.name)
    raise AssertionError("job 0 is not running")


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            return False
        if state == "Z":
            return False
        time.sleep(0.05)
    return True


def test_isolated_runs_in_a_venv_made_by_uv(project, tmp_path):
    require_tool("uv")
    version = sys.version.split()[0]
    spec = project / "run.xspec"
    spec.write_text(spec.read_text().replace('python = "3.11.7"', f'python = "{version}"'))
    venv = tmp_path / "venv"
    result = xspec(["run", "run.xspec", "-e", "exits", "--job", "0", "--isolated"], cwd=project,
                   env={"XSPEC_VENV": str(venv), "UV_PYTHON_DOWNLOADS": "never"})
    assert result.returncode == 0, result.stderr
    assert (venv / ".xspec-synced").is_file()
    run = run_dir_of(result)
    manifest = json.loads((run / "xspec-run.json").read_text())
    assert manifest["isolated"]["venv"] == str(venv)
    assert f"python {venv}" in (run / "logs" / "0.out").read_text()


def test_isolated_refuses_packages_without_a_lock(project):
    spec = project / "run.xspec"
    spec.write_text(spec.read_text().replace('  description = "The python3 on PATH;',
                                             '  packages = { alpha = "==1.0" }\n  description = "The python3 on PATH;'))
    result = xspec(["run", "run.xspec", "-e", "exits", "--isolated"], cwd=project)
    assert result.returncode == 2
    assert "env `system_python` has no entry in xspec.lock" in result.stderr
    assert not list(project.glob("runs/exits/*"))


def test_the_local_runner_passes_shellcheck(tiny_run):
    shellcheck = require_tool("shellcheck")
    _, run, _ = tiny_run
    result = subprocess.run([shellcheck, "-S", "style", str(run / "bundle" / "xspec-job.sh")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
