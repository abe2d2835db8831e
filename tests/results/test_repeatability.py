"""Repeatability, measured: --compare two runs, --repeatability over many, and
`xspec reproduce --tolerance`."""

from __future__ import annotations

import json
import os
import statistics

import pytest

from tests.results.conftest import RECORDED, as_json, copy_project, job_metrics, results
from tests.run.conftest import run_dir_of, xspec


def _rows(result) -> list[dict]:
    return as_json(result)["experiments"][0]["rows"]


def test_compare_identical_runs(three_runs):
    project, (first, second, _) = three_runs
    result = results(["--compare", first, second, "--format", "json"])
    assert result.returncode == 0, result.stderr
    rows = _rows(result)
    assert len(rows) == 12 and all(r["identical"] is True for r in rows)
    assert all(r["loss.abs"] == 0 and r["loss.rel"] == 0 for r in rows)


def test_compare_reports_each_metric_deviation_from_the_baseline(three_runs):
    project, (first, _, nudged) = three_runs
    result = results(["--compare", first, nudged, "--format", "json"])
    assert result.returncode == 1
    for row in _rows(result):
        base, other = job_metrics(first, row["job"])["loss"], job_metrics(nudged, row["job"])["loss"]
        assert row["identical"] is False and "metrics.json" in row["note"]
        assert (row["loss.base"], row["loss.value"]) == (base, other)
        assert row["loss.abs"] == pytest.approx(other - base)
        assert row["loss.rel"] == pytest.approx((other - base) / abs(base))
        assert 0 < abs(row["loss.rel"]) < 1e-5


def test_compare_takes_the_first_run_as_the_baseline(three_runs):
    project, (first, _, nudged) = three_runs
    rows = _rows(results(["--compare", nudged, first, "--format", "json"]))
    assert all(r["loss.base"] == job_metrics(nudged, r["job"])["loss"] for r in rows)


def test_compare_needs_two_runs_of_one_experiment(three_runs, tiny):
    project, (first, second, third) = three_runs
    assert "exactly two run folders" in results(["--compare", first, second, third]).stderr
    tiny_run = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    different = results(["--compare", first, tiny_run])
    assert different.returncode == 2 and "different experiments" in different.stderr


def test_repeatability_figures(three_runs):
    project, runs = three_runs
    tables = as_json(results(["--repeatability", project, "--format", "json"]))["experiments"]
    figures = {r["figure"]: r["value"] for r in tables[0]["rows"]}
    assert figures["runs"] == 3
    # 12 jobs rerun twice: run 2 equals run 1 bitwise, run 3 (fit.py changed) equals neither
    assert figures["job reruns compared"] == 24 and figures["bitwise identical reruns"] == 12
    assert figures["bitwise identical share"] == 0.5
    assert figures["reproductions"] == 2
    assert figures["code changed"] == 1 and figures["code drift frequency"] == 0.5
    assert all(figures[f"{what} changed"] == 0 for what in ("spec", "lock", "data", "environment"))
    spread = {r["metric"]: r for r in tables[1]["rows"]}
    per_job = [[job_metrics(run, i)["loss"] for run in runs] for i in range(12)]
    assert spread["loss"]["jobs"] == 12
    assert spread["loss"]["max_range"] == pytest.approx(max(max(v) - min(v) for v in per_job))
    assert spread["loss"]["mean_std"] == pytest.approx(statistics.fmean(statistics.stdev(v) for v in per_job))


def test_repeatability_counts_spec_and_data_drift(tmp_path):
    project = copy_project(tmp_path / "project")
    xspec(["run", "sweep.xspec", "--job", "0"], cwd=project)
    spec = project / "sweep.xspec"
    spec.write_text(spec.read_text().replace('"Step size"', '"The step size"'))
    xspec(["run", "sweep.xspec", "--job", "0"], cwd=project)
    figures = {r["figure"]: r["value"] for r in _rows(results(["--repeatability", project, "--format", "json"]))}
    assert figures["spec changed"] == 1 and figures["spec drift frequency"] == 1.0
    assert figures["bitwise identical reruns"] == 1       # a changed doc string changes no output


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("tolerance") / "project")
    return project, run_dir_of(xspec(["run", "sweep.xspec", "--job", "4"], cwd=project))


def _reproduce(run, *args, scale="1.000005"):
    return xspec(["reproduce", run, "--job", "4", "--format", "json", *args], cwd=run,
                 env={"FIT_NOISE_SCALE": scale})


def test_reproduce_is_bitwise_by_default(one_run):
    project, run = one_run
    result = _reproduce(run)
    assert result.returncode == 1
    assert json.loads(result.stdout)["jobs"][0]["within_tolerance"] is False


def test_reproduce_within_a_relative_tolerance(one_run):
    project, run = one_run
    result = _reproduce(run, "--tolerance", "rel=1e-6")
    assert result.returncode == 0, result.stdout
    job = json.loads(result.stdout)["jobs"][0]
    assert job["identical"] is False and job["within_tolerance"] is True


@pytest.mark.parametrize("tolerance", ["rel=1e-12", "abs=1e-12"])
def test_reproduce_outside_a_tight_tolerance_differs(one_run, tolerance):
    project, run = one_run
    result = _reproduce(run, "--tolerance", tolerance)
    assert result.returncode == 1
    job = json.loads(result.stdout)["jobs"][0]
    assert job["within_tolerance"] is False and job["tolerance"].startswith("outside tolerance")


def test_reproduce_with_an_absolute_tolerance(one_run):
    project, run = one_run
    text = _reproduce(run, "--tolerance", "abs=1e-3", "--format", "text").stdout
    assert "job 4: within tolerance abs=0.001" in text


@pytest.mark.parametrize("given, message", [
    ("rel=x", "'x' is not a number"), ("speed=1", "give rel=NUMBER and/or abs=NUMBER"),
    ("rel=-1", "finite number >= 0"), ("rel=1,rel=2", "each once"),
])
def test_bad_tolerances_are_refused_before_running(given, message):
    result = xspec(["reproduce", RECORDED, "--tolerance", given], cwd=RECORDED)
    assert result.returncode == 2 and message in result.stderr
    assert "reproducing" not in result.stderr


def test_tolerance_never_excuses_a_non_metrics_output(tmp_path):
    from xspec.results.tolerance import Tolerance, files_agree

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text('{"loss": 1.0, "name": "x"}')
    b.write_text('{"loss": 1.0000001, "name": "y"}')
    assert "differs" in files_agree(a, b, Tolerance(rel=1e-3))
    b.write_text('{"loss": 1.0000001, "name": "x"}')
    assert files_agree(a, b, Tolerance(rel=1e-3)) is None
    assert "outside" in files_agree(a, b, Tolerance(rel=1e-9))
    os.remove(b)
    assert "cannot be compared" in files_agree(a, b, Tolerance(rel=1e-3))


def test_compare_and_repeatability_refuse_table_options():
    for args in (["--compare", RECORDED, RECORDED, "--group"], ["--repeatability", RECORDED, "--html", "x.html"],
                 ["--compare", "--repeatability", RECORDED], ["--repeatability", RECORDED, "--sort", "job"]):
        result = results(args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, args


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_compare_table_matches_snapshot(tmp_path, fmt, snapshot):
    import shutil

    copy = tmp_path / "noisy_fit" / RECORDED.name
    shutil.copytree(RECORDED, copy)
    result = results(["--compare", RECORDED, copy, "--where", "replicate=0", "--format", fmt])
    assert result.returncode == 0, result.stderr
    assert result.stdout == snapshot


def test_a_reproduce_workspace_counts_as_a_reproduction(one_run, tmp_path):
    project, run = one_run
    workspace = tmp_path / "workspace"
    assert xspec(["reproduce", run, "--job", "4", "--into", workspace], cwd=project).returncode == 0
    figures = {r["figure"]: r["value"] for r in
               _rows(results(["--repeatability", project, workspace, "--format", "json"]))}
    assert (figures["runs"], figures["job reruns compared"], figures["bitwise identical reruns"]) == (2, 1, 1)
    assert figures["reproductions"] == 1 and figures["time to reproduce max s"] is not None
    assert all(figures[f"{what} changed"] == 0 for what in ("spec", "lock", "data", "environment", "code"))
