"""Declaring metrics: the `metrics` field reaches the IR (only when declared), and
metrics files are read as documented (JSON objects of numbers, per-step CSV)."""

from __future__ import annotations

import json

import jsonschema

from tests.conftest import REPO, SPECS
from tests.results.conftest import PROJECT
from tests.run.conftest import xspec
from xspec.results.metrics import read_metrics

IR_SCHEMA = json.loads((REPO / "compiler" / "xspec" / "ir" / "schema.json").read_text())


def _ir(spec, cwd) -> dict:
    built = xspec(["build", spec, "--target", "ir"], cwd=cwd)
    assert built.returncode == 0, built.stderr
    ir = json.loads(built.stdout)
    jsonschema.validate(ir, IR_SCHEMA)
    return ir


def test_metrics_are_filled_per_job_in_the_ir():
    experiment = _ir("sweep.xspec", PROJECT)["experiments"][0]
    assert [[p.get("text") or p.get("builtin") for p in t] for t in experiment["metrics"]] == [
        ["results/", "job_index", "/metrics.json"], ["results/", "job_index", "/curve.csv"]]
    assert experiment["jobs"][5]["metrics"] == ["results/5/metrics.json", "results/5/curve.csv"]


def test_tiny_declares_its_metrics():
    experiment = _ir("tiny.xspec", SPECS / "tiny")["experiments"][0]
    assert experiment["jobs"][3]["metrics"] == ["results/3/metrics.json"]


def test_an_experiment_without_metrics_has_no_metrics_in_its_ir():
    experiment = _ir("mpi_simulation.xspec", SPECS)["experiments"][0]
    assert "metrics" not in experiment and "metrics" not in experiment["jobs"][0]


def test_json_metrics_keep_numbers_and_flatten_objects(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps(
        {"loss": 0.5, "steps": 10, "val": {"acc": 0.9, "name": "x"}, "ok": True, "tags": [1, 2], "nan": None}))
    found = read_metrics(tmp_path, ["m.json"])
    assert found.values == {"loss": 0.5, "steps": 10, "val.acc": 0.9} and found.problems == []


def test_csv_metrics_are_curves_whose_last_value_is_the_metric(tmp_path):
    (tmp_path / "c.csv").write_text("step,loss,phase\n0,1.0,train\n5,0.5,train\n10,0.25,eval\n")
    (tmp_path / "d.csv").write_text("acc\n0.1\n0.2\n")
    found = read_metrics(tmp_path, ["c.csv", "d.csv"])
    assert found.curves == {"loss": [(0.0, 1.0), (5.0, 0.5), (10.0, 0.25)], "acc": [(0.0, 0.1), (1.0, 0.2)]}
    assert found.values == {"loss": 0.25, "acc": 0.2}


def test_unreadable_metrics_are_problems_not_crashes(tmp_path):
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "bad.json").write_text("{")
    found = read_metrics(tmp_path, ["list.json", "bad.json", "missing.json"])
    assert found.values == {}
    assert [p.split(":")[0] for p in found.problems] == ["list.json", "bad.json", "missing.json"]
    assert "expected a JSON object of numbers" in found.problems[0]
