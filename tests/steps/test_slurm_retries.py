"""`retries` on the real single-node Slurm: in a 3-step graph (prepare -> a 3-task train
sweep -> evaluate task i after train task i), a train task that fails its first attempt
runs again inside its allocation, its dependents see only its final status, and every
attempt is kept and named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.run.conftest import xspec

PIPELINE = FIXTURES / "run" / "resume"
ORDER = ["prepare", "train", "evaluate"]


@pytest.fixture
def graph(tmp_path) -> Path:
    shutil.copytree(PIPELINE, tmp_path / "graph")
    return tmp_path / "graph"


def _record(folder: Path) -> dict:
    return json.loads((folder / "xspec-provenance.json").read_text())


def test_a_task_that_fails_once_is_retried_in_its_job_and_its_dependent_runs(slurm, graph):
    (graph / "flaky").write_text("configs/b.txt\n")         # train task 1 fails attempt 1
    result = xspec(["submit", "pipeline.xspec", "--wait"], cwd=graph, timeout=300)
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    runs = {name: graph / "runs" / name / job for name, job in zip(ORDER, ids, strict=True)}
    train = runs["train"]
    assert _record(train / "1-attempt1")["exit_code"] == 75
    assert _record(train / "1")["exit_code"] == 0
    assert _record(train / "1")["attempt"] == {"number": 2, "of": 2, "retry_on": []}
    # Both attempts ran in the same Slurm task: one job id, no requeue.
    ids_1 = [_record(train / f)["scheduler"]["ids"] for f in ("1-attempt1", "1")]
    assert ids_1[0]["SLURM_JOB_ID"] == ids_1[1]["SLURM_JOB_ID"]
    assert not list(train.glob("*-restart*"))
    assert not (train / "0-attempt1").exists() and not (train / "2-attempt1").exists()
    # evaluate task 1 (aftercorr) ran after the second attempt, on its output.
    assert _record(runs["evaluate"] / "1")["started"] >= _record(train / "1")["finished"]
    assert (runs["evaluate"] / "1" / "score.txt").read_text() == "21\n"
    crate = {e["@id"]: e for e in json.loads((train / "ro-crate-metadata.json").read_text())["@graph"]}
    assert "attempt 1 of 2" in crate["1-attempt1/xspec-provenance.json"]["description"]
    verified = xspec(["verify", train], cwd=graph)
    assert verified.returncode == 0, verified.stdout
