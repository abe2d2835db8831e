"""`xspec run` of a spec with steps: every step in dependency order, one shared run id,
outputs flowing through `upstream/` links, and a failed step stopping its dependents."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.run.conftest import xspec

PIPELINE = FIXTURES / "run" / "steps"
ORDER = ["prepare", "train", "evaluate", "aggregate"]


@pytest.fixture
def steps(tmp_path) -> Path:
    shutil.copytree(PIPELINE, tmp_path / "steps")
    return tmp_path / "steps"


def _run_dirs(result) -> dict[str, Path]:
    return {Path(line).parent.name: Path(line) for line in result.stdout.splitlines()}


def test_every_step_runs_in_order_and_reads_its_upstream_outputs(steps):
    result = xspec(["run", "pipeline.xspec", "-j", "3"], cwd=steps)
    assert result.returncode == 0, result.stderr
    runs = _run_dirs(result)
    assert list(runs) == ORDER
    assert len({run.name for run in runs.values()}) == 1          # one run id for the graph
    # prepare writes 10; train job k multiplies by k; evaluate job i adds 1 to model i.
    assert (runs["aggregate"] / "0" / "all.txt").read_text().split() == ["11", "21", "31"]
    started = {name: [json.loads((run / str(i) / "xspec-provenance.json").read_text())["started"]
                      for i in range(3 if name in ("train", "evaluate") else 1)]
               for name, run in runs.items()}
    finished = {name: [json.loads((run / str(i) / "xspec-provenance.json").read_text())["finished"]
                       for i in range(len(started[name]))] for name, run in runs.items()}
    for before, after in pairwise(ORDER):
        assert max(finished[before]) <= min(started[after])


def test_upstream_links_are_relative_and_name_only_what_a_step_needs(steps):
    result = xspec(["run", "pipeline.xspec"], cwd=steps)
    runs = _run_dirs(result)
    assert not (runs["prepare"] / "upstream").exists()
    link = runs["evaluate"] / "upstream" / "train"
    assert os.readlink(link) == f"../../../train/{runs['train'].name}"
    assert sorted(p.name for p in (runs["evaluate"] / "upstream").iterdir()) == ["train"]


def test_a_failed_job_stops_the_steps_after_it_and_says_so(steps):
    (steps / "fail_k").write_text("2\n")
    result = xspec(["run", "pipeline.xspec"], cwd=steps)
    assert result.returncode == 1
    assert list(_run_dirs(result)) == ["prepare", "train", "evaluate"]
    assert "step aggregate: not run (needs evaluate)" in result.stderr
    assert "job 1 (exit 7)" in result.stderr
    assert not (steps / "runs" / "aggregate").exists()


def test_experiment_runs_one_step_and_the_steps_it_needs(steps):
    result = xspec(["run", "pipeline.xspec", "-e", "train"], cwd=steps)
    assert result.returncode == 0, result.stderr
    assert list(_run_dirs(result)) == ["prepare", "train"]


def test_jobs_of_one_step_are_refused_with_a_graph(steps):
    result = xspec(["run", "pipeline.xspec", "--job", "0"], cwd=steps)
    assert result.returncode == 2
    assert "--job and --jobs choose jobs of one experiment" in result.stderr
    assert not (steps / "runs").exists()


def test_a_taken_run_id_is_skipped_for_every_step(steps):
    from xspec.run.graph import free_run_id

    first = free_run_id(steps, ORDER)
    (steps / "runs" / "evaluate" / first).mkdir(parents=True)
    assert free_run_id(steps, ORDER) not in (first, None)


def test_the_outputs_a_step_reads_are_inputs_with_hashes_and_verify(steps):
    result = xspec(["run", "pipeline.xspec"], cwd=steps)
    runs = _run_dirs(result)
    rid = runs["train"].name
    inputs = json.loads((runs["evaluate"] / "xspec-run.json").read_text())["inputs"]
    read = {p: i for p, i in inputs.items() if i["kind"] == "upstream"}
    assert sorted(read) == [f"runs/train/{rid}/{j}/model.txt" for j in range(3)]
    for path, info in read.items():
        assert info["sha256"] == "sha256:" + hashlib.sha256((steps / path).read_bytes()).hexdigest()
    verified = xspec(["verify", runs["evaluate"]], cwd=steps)
    assert verified.returncode == 0, verified.stdout
    (steps / f"runs/train/{rid}/1/model.txt").chmod(0o644)
    (steps / f"runs/train/{rid}/1/model.txt").write_text("99\n")
    assert xspec(["verify", runs["evaluate"]], cwd=steps).returncode != 0
