"""`retries` and `retry_on` on `xspec run`: a failed job runs again in a fresh folder, every
attempt is kept and named (its record, the crate), and the last attempt decides."""

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

from tests.conftest import FIXTURES, REPO
from tests.run.conftest import run_dir_of, xspec

RETRIES = FIXTURES / "run" / "retries"


@pytest.fixture
def retries(tmp_path) -> Path:
    shutil.copytree(RETRIES, tmp_path / "retries")
    return tmp_path / "retries"


def _record(folder: Path) -> dict:
    return json.loads((folder / "xspec-provenance.json").read_text())


def _crate(run: Path) -> dict:
    graph = json.loads((run / "ro-crate-metadata.json").read_text())["@graph"]
    return {e["@id"]: e for e in graph}


def test_a_job_that_fails_once_succeeds_on_its_second_attempt(retries):
    result = xspec(["run", "retries.xspec", "-e", "flaky"], cwd=retries)
    assert result.returncode == 0, result.stderr
    run = run_dir_of(result)
    assert (retries / "counts" / "flaky-1").read_text() == "2\n"          # job 0 ran twice
    assert (retries / "counts" / "flaky-2").read_text() == "1\n"          # job 1 once
    # The job's folder holds its last attempt; the failed one was moved aside, untouched.
    assert (run / "0" / "out.txt").read_text() == "attempt 2\n"
    assert (run / "0-attempt1" / "out.txt").read_text() == "attempt 1\n"
    assert _record(run / "0")["exit_code"] == 0
    assert _record(run / "0")["attempt"] == {"number": 2, "of": 3, "retry_on": []}
    assert _record(run / "0-attempt1")["exit_code"] == 75
    assert _record(run / "0-attempt1")["attempt"]["number"] == 1
    assert not (run / "1-attempt1").exists()
    assert "job 0 (attempt 2 of 3: ok)" in result.stderr
    assert "attempt 1 of 3 exited 75" in (run / "logs" / "0.out").read_text()
    crate = _crate(run)
    assert "attempt 1 of 2" in crate["0-attempt1/xspec-provenance.json"]["description"]
    assert crate["#job-0"]["actionStatus"]["@id"].endswith("CompletedActionStatus")
    assert crate["#job-0/ran-on/attempts"]["value"] == "2"
    verified = xspec(["verify", run], cwd=retries)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    listed = xspec(["jobs", run], cwd=retries)
    assert "job 0    done     attempt 2 of 3 (retried)" in listed.stdout, listed.stdout


def test_a_job_that_always_fails_uses_every_attempt_and_keeps_them_all(retries):
    result = xspec(["run", "retries.xspec", "-e", "hopeless"], cwd=retries)
    assert result.returncode == 1
    run = run_dir_of(result)
    assert (retries / "counts" / "hopeless").read_text() == "3\n"         # 1 + retries = 2
    folders = sorted(p.name for p in run.iterdir() if p.name.startswith("0"))
    assert folders == ["0", "0-attempt1", "0-attempt2"]
    assert [_record(run / f)["attempt"]["number"] for f in folders] == [3, 1, 2]
    assert [(run / f / "out.txt").read_text() for f in folders] == ["attempt 3\n", "attempt 1\n", "attempt 2\n"]
    assert all(_record(run / f)["exit_code"] == 3 for f in folders)
    crate = _crate(run)
    assert crate["#job-0"]["error"] == "exit code 3"
    for n in (1, 2):
        assert f"attempt {n} of 3" in crate[f"0-attempt{n}/xspec-provenance.json"]["description"]
    assert "job 0 (attempt 3 of 3: exit 3)" in result.stderr


def test_an_exit_code_not_in_retry_on_fails_at_once(retries):
    result = xspec(["run", "retries.xspec", "-e", "picky"], cwd=retries)
    assert result.returncode == 1
    run = run_dir_of(result)
    # Attempt 1 exits 75 (listed: retried), attempt 2 exits 4 (not listed): no attempt 3.
    assert (retries / "counts" / "picky").read_text() == "2\n"
    assert _record(run / "0")["exit_code"] == 4
    assert _record(run / "0")["attempt"] == {"number": 2, "of": 4, "retry_on": [75]}
    assert _record(run / "0-attempt1")["exit_code"] == 75
    assert not (run / "0-attempt2").exists()


def test_a_tampered_earlier_attempt_fails_verify(retries):
    run = run_dir_of(xspec(["run", "retries.xspec", "-e", "hopeless"], cwd=retries))
    record = run / "0-attempt1" / "xspec-provenance.json"
    record.write_text(record.read_text().replace('"exit_code": 3', '"exit_code": 0'))
    verified = xspec(["verify", run], cwd=retries)
    assert verified.returncode == 1
    assert "0-attempt1/xspec-provenance.json" in verified.stdout


def test_a_stopped_job_is_not_run_again(retries):
    process = subprocess.Popen([sys.executable, "-m", "xspec", "run", "retries.xspec", "-e", "patient"],
                               cwd=retries, env={**os.environ, "PYTHONPATH": str(REPO / "compiler")},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(retries.glob("runs/patient/*/0/started.txt")):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    run = Path(out.strip())
    assert _record(run / "0")["exit_code"] == 128 + signal.SIGTERM
    assert _record(run / "0")["attempt"]["number"] == 1
    assert not (run / "0-attempt1").exists()
    assert "running the job again" not in (run / "logs" / "0.out").read_text()
