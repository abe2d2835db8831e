"""End to end on a real single-node Slurm (CI starts one with .ci/slurm/start.sh).

The tiny example's 6-job sweep is submitted with `xspec submit`, runs as an array, and
every task's outputs and provenance are collected into a crate and verified; the same
sweep run with `xspec run` must agree with it field by field and byte by byte.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import SPECS
from tests.run.conftest import compiled_jobs, record, run_dir_of, sha256, xspec

WAIT_SECONDS = 120     # a guard against a stuck queue, not a timing assertion
SCHEDULER_FIELDS = ("scheduler", "host", "started", "finished")
# What Slurm changes in the environment a task sees: the CPUs it may use (its allocation),
# and the packages: a local job inherits the test's PYTHONPATH, which shows the in-tree
# xspec distribution (compiler/xspec.egg-info); a Slurm task starts with --export=NONE.
SCHEDULER_ENVIRONMENT = ("cpu", "packages")


@pytest.fixture(scope="module")
def tiny_on_both(slurm, tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny") / "tiny"
    shutil.copytree(SPECS / "tiny", root, ignore=shutil.ignore_patterns(".xspec-cache", "runs"))
    submitted = xspec(["submit", "tiny.xspec", "--target", "slurm", "--wait"], cwd=root, timeout=300)
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip()
    local = xspec(["run", "tiny.xspec"], cwd=root)
    assert local.returncode == 0, local.stderr
    return root, job_id, root / "runs" / "tiny_sgd" / job_id, run_dir_of(local), submitted


def test_the_sweep_runs_as_an_array_and_every_task_is_recorded(tiny_on_both):
    root, job_id, run, _, submitted = tiny_on_both
    assert job_id.isdigit() and f"as Slurm job {job_id} (6 tasks)" in submitted.stderr
    manifest = json.loads((run / "xspec-run.json").read_text())
    assert (manifest["executor"], manifest["slurm"]["job_id"], manifest["jobs"]) == ("slurm", job_id, list(range(6)))
    for index, job in compiled_jobs(root / "tiny.xspec").items():
        found = record(run, index)
        ids = found["scheduler"]["ids"]
        assert (ids["SLURM_ARRAY_JOB_ID"], ids["SLURM_ARRAY_TASK_ID"]) == (job_id, str(index))
        assert (found["exit_code"], found["params"], found["job"]["seed"]) == (0, job["params"], job["seed"])
        assert found["outputs"] == {job["outputs"][0]: sha256(run / str(index) / job["outputs"][0])}
        assert (run / "logs" / f"{index}.out").is_file()
    crate = json.loads((run / "ro-crate-metadata.json").read_text())
    actions = [e for e in crate["@graph"] if e["@type"] == "CreateAction"]
    assert len(actions) == 6 and {a["instrument"]["@id"] for a in actions} == {"bundle/tiny_sgd.sbatch"}
    verified = xspec(["verify", run], cwd=root)
    assert verified.returncode == 0, verified.stdout
    assert "everything matches the record" in verified.stdout


def test_local_and_slurm_records_agree_field_by_field(tiny_on_both):
    root, _, slurm_run, local_run, _ = tiny_on_both
    for index in range(6):
        on_slurm, here = record(slurm_run, index), record(local_run, index)
        assert on_slurm["scheduler"]["name"] == "slurm" and here["scheduler"]["name"] == "local"
        differing = sorted(k for k in on_slurm.keys() | here.keys() if on_slurm.get(k) != here.get(k))
        assert set(differing) <= {*SCHEDULER_FIELDS, "environment"}, differing
        environments = on_slurm["environment"], here["environment"]
        changed = {k for k in environments[0].keys() | environments[1].keys()
                   if environments[0].get(k) != environments[1].get(k)}
        assert changed <= set(SCHEDULER_ENVIRONMENT), (changed, environments)
        for key in ("params", "job", "argv", "env", "outputs", "exit_code", "spec"):
            assert on_slurm[key] == here[key]
        output = next(iter(here["outputs"]))
        assert (slurm_run / str(index) / output).read_bytes() == (local_run / str(index) / output).read_bytes()
    compared = xspec(["diff", slurm_run, local_run, "--format", "json"], cwd=root)
    differences = json.loads(compared.stdout)["differences"]
    assert set(differences) <= {"run", "environment"}                      # executor (and host) only
    assert all(line.startswith(("CPU count", "package xspec:")) for line in differences.get("environment", [])), \
        differences


def test_a_slurm_job_reproduces_locally_bit_for_bit(tiny_on_both, tmp_path):
    root, _, run, _, _ = tiny_on_both
    result = xspec(["reproduce", run, "--job", "4", "--into", tmp_path / "ws"], cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "job 4: bitwise identical (1 output)" in result.stdout


def test_a_failing_task_is_reported_with_its_exit_code(slurm, project):
    submitted = xspec(["submit", "run.xspec", "-e", "exits", "--wait"], cwd=project, timeout=300)
    assert submitted.returncode == 1
    assert "job 1 (exit 3)" in submitted.stderr and "failing on purpose with status 3" in submitted.stderr
    run = project / "runs" / "exits" / submitted.stdout.strip()
    states = json.loads(xspec(["jobs", "--format", "json"], cwd=project).stdout)
    assert [(j["state"], j["exit_code"]) for j in states[0]["jobs"]] == [("done", 0), ("failed", 3), ("done", 0)]
    crate = json.loads((run / "ro-crate-metadata.json").read_text())
    failed = next(e for e in crate["@graph"] if e["@id"] == "#job-1")
    assert failed["error"] == "exit code 3"


def test_jobs_shows_a_queued_run_and_collects_it_once_it_has_ended(slurm, project):
    later = xspec(["submit", "run.xspec", "-e", "exits", "--jobs", "0,2", "--sbatch-arg=--begin=now+3600"],
                  cwd=project)
    assert later.returncode == 0, later.stderr
    job_id = later.stdout.strip()
    run = project / "runs" / "exits" / job_id
    queued = json.loads(xspec(["jobs", "--format", "json"], cwd=project).stdout)[0]
    assert queued["state"] == "running" and {j["state"] for j in queued["jobs"]} == {"pending"}
    assert [j["index"] for j in queued["jobs"]] == [0, 2] and not (run / "ro-crate-metadata.json").exists()
    subprocess.run(["scancel", job_id], check=True, timeout=60)
    _wait_until_gone(job_id)
    table = xspec(["jobs"], cwd=project)
    assert f"exits/{job_id}" in table.stdout and "incomplete" in table.stdout
    assert f"collected exits/{job_id}" in table.stderr
    detail = xspec(["jobs", run], cwd=project)
    assert "job 0    cancelled" in detail.stdout
    assert (run / "ro-crate-metadata.json").is_file()


def _wait_until_gone(job_id: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while subprocess.run(["squeue", "-h", "-j", job_id], capture_output=True, text=True).stdout.strip():
        assert time.monotonic() < deadline, f"job {job_id} still queued"
        time.sleep(0.5)


def test_sbatch_refusing_a_job_is_a_one_line_error(slurm, project):
    result = xspec(["submit", "run.xspec", "-e", "exits", "--sbatch-arg=--partition=nosuch"], cwd=project)
    assert result.returncode == 2 and result.stderr.startswith("error: `sbatch exits.sbatch` failed")
    assert not Path(project / "runs").exists() or not list((project / "runs").rglob("xspec-run.json"))


# ---- requeue ---------------------------------------------------------------------------------

REQUEUE_SPEC = """xspec 1

env system_python {
  python = "3.11.2"
}

experiment requeued {
  env  = system_python
  seed = 1
  param hold: int = 0
  sweep grid { hold = [1, 0] }
  resources { cpus = 1, memory = 64MiB, time = 2m }
  # Task 0's first attempt waits (to be requeued); every other attempt finishes at once.
  run = ["python3", "-c", "import pathlib, sys, time; flag = pathlib.Path(sys.argv[1]); first = not flag.exists(); flag.touch(); time.sleep(600 if first and sys.argv[2] == '1' else 0); open('out.txt', 'w').write('done')", "FLAGS/flag-${job_index}", hold]
  outputs = ["out.txt"]
  target slurm { partition = "debug", extra_args = ["--requeue"] }
}
"""


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.3)


def _task_state(job_id: str, task: int) -> str:
    shown = subprocess.run(["squeue", "-h", "-r", "-j", job_id, "-o", "%K %T"], capture_output=True, text=True)
    return dict(line.split() for line in shown.stdout.splitlines()).get(str(task), "")


def test_a_requeued_task_is_judged_by_its_last_attempt(slurm, tmp_path):
    root = tmp_path / "requeue"
    root.mkdir()
    (root / "xspec.toml").write_text("")
    (root / "rq.xspec").write_text(REQUEUE_SPEC.replace("FLAGS", str(tmp_path)))
    submitted = xspec(["submit", "rq.xspec"], cwd=root)
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.strip()
    run = root / "runs" / "requeued" / job_id
    _until(lambda: (tmp_path / "flag-0").exists() and _task_state(job_id, 0) == "RUNNING", "task 0 never started")
    subprocess.run(["scontrol", "requeue", f"{job_id}_0"], check=True, timeout=60)
    _until(lambda: (run / "0" / "xspec-provenance.json").is_file(), "the first attempt wrote no record")
    assert json.loads((run / "0" / "xspec-provenance.json").read_text())["exit_code"] == 143

    # Requeued, pending again: not failed, and the run is not collected.
    pending = json.loads(xspec(["jobs", "--format", "json"], cwd=root).stdout)[0]
    assert pending["state"] == "running" and not pending["collected"]
    assert pending["jobs"][0]["state"] in ("pending", "running") and pending["jobs"][0]["exit_code"] is None
    assert not (run / "ro-crate-metadata.json").exists()

    # Slurm holds a requeued job back for two minutes; let it start now.
    subprocess.run(["scontrol", "update", f"jobid={job_id}_0", "StartTime=now"], check=True, timeout=60)
    _wait_until_gone(job_id)
    listed = xspec(["jobs", run], cwd=root)
    assert "job 0    done     attempt 2 (requeued)" in listed.stdout, listed.stdout
    assert (run / "ro-crate-metadata.json").is_file()
    last = json.loads((run / "0-restart1" / "xspec-provenance.json").read_text())
    assert (last["exit_code"], last["scheduler"]["ids"]["SLURM_RESTART_COUNT"]) == (0, "1")
    assert "DUE TO JOB REQUEUE" in (run / "logs" / "0.out").read_text()     # the log kept attempt 1
    graph = {e["@id"]: e for e in json.loads((run / "ro-crate-metadata.json").read_text())["@graph"]}
    assert graph["#job-0"]["actionStatus"]["@id"].endswith("CompletedActionStatus")
    assert graph["#job-0"]["subjectOf"]["@id"] == "0-restart1/xspec-provenance.json"
    assert "attempt 1 of 2" in graph["0/xspec-provenance.json"]["description"]
    verified = xspec(["verify", run], cwd=root)
    assert verified.returncode == 0, verified.stdout
    assert "everything matches the record" in verified.stdout
