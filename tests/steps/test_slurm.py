"""`xspec submit` of a spec with steps, on the real single-node Slurm: one array per
step chained with --dependency (afterok for the whole array, aftercorr task by task),
run in order, and a failing task stopping what depends on it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from xspec.run.graph import dependency

from tests.conftest import FIXTURES
from tests.run.conftest import xspec

PIPELINE = FIXTURES / "run" / "steps"
ORDER = ["prepare", "train", "evaluate", "aggregate"]


@pytest.fixture
def steps(tmp_path) -> Path:
    shutil.copytree(PIPELINE, tmp_path / "steps")
    return tmp_path / "steps"


def _submit(root: Path) -> tuple[subprocess.CompletedProcess, dict[str, Path]]:
    result = xspec(["submit", "pipeline.xspec", "--wait"], cwd=root, timeout=300)
    ids = result.stdout.split()
    assert len(ids) == 4 and all(i.isdigit() for i in ids), result.stderr
    return result, {name: root / "runs" / name / job for name, job in zip(ORDER, ids)}


def _record(run: Path, index: int) -> dict:
    return json.loads((run / str(index) / "xspec-provenance.json").read_text())


def test_dependency_options_follow_the_shapes():
    step = {"needs": [{"step": "train", "shape": "each"}, {"step": "prep", "shape": "all"}]}
    assert dependency(step, {"train": ["12"], "prep": ["11"]}) == ["aftercorr:12", "afterok:11"]
    assert dependency({"needs": []}, {}) == []


def test_a_step_cut_into_several_arrays_waits_for_every_array_or_its_own():
    step = {"needs": [{"step": "train", "shape": "each"}, {"step": "prep", "shape": "all"}]}
    ids = {"train": ["20", "21", "22"], "prep": ["11", "12"]}
    assert dependency(step, ids, 0) == ["aftercorr:20", "afterok:11:12"]
    assert dependency(step, ids, 2) == ["aftercorr:22", "afterok:11:12"]


def test_a_three_step_graph_with_a_sweep_runs_in_order(slurm, steps):
    result, runs = _submit(steps)
    assert result.returncode == 0, result.stderr
    assert re.search(r"submitted evaluate as Slurm job \d+ \(3 tasks\), after train \(\d+\)", result.stderr)
    assert (runs["aggregate"] / "0" / "all.txt").read_text().split() == ["11", "21", "31"]
    jobs = {"prepare": [0], "train": [0, 1, 2], "evaluate": [0, 1, 2], "aggregate": [0]}
    for before, after in pairwise(ORDER):
        if (before, after) == ("train", "evaluate"):       # aftercorr: task i after task i only
            pairs = [([i], [i]) for i in jobs["train"]]
        else:
            pairs = [(jobs[before], jobs[after])]
        for upstream, downstream in pairs:
            ended = max(_record(runs[before], i)["finished"] for i in upstream)
            began = min(_record(runs[after], i)["started"] for i in downstream)
            assert ended <= began, (before, after, upstream, downstream)
    assert (runs["evaluate"] / "upstream" / "train").resolve() == runs["train"].resolve()


def test_a_failing_task_stops_its_dependents(slurm, steps):
    (steps / "fail_k").write_text("2\n")
    result, runs = _submit(steps)
    assert result.returncode == 1
    assert _record(runs["evaluate"], 1)["exit_code"] == 7
    assert [_record(runs["evaluate"], i)["exit_code"] for i in (0, 2)] == [0, 0]
    assert not (runs["aggregate"] / "0").exists()          # never started
    assert "CANCELLED before it started" in result.stderr


def test_each_stops_only_the_paired_task(slurm, steps):
    (steps / "fail_train").write_text("3\n")                 # train task 2 (k = 3) fails
    result, runs = _submit(steps)
    assert result.returncode == 1
    assert _record(runs["train"], 2)["exit_code"] == 5
    assert [_record(runs["evaluate"], i)["exit_code"] for i in (0, 1)] == [0, 0]
    assert not (runs["evaluate"] / "2").exists()           # aftercorr: only its pair waits
    assert not (runs["aggregate"] / "0").exists()
