"""`xspec results`: the table of a run in every format (golden), grouping, sorting,
filtering, and the bundled tiny example end to end."""

from __future__ import annotations

import csv
import io
import json
import statistics

import pytest

from tests.results.conftest import RECORDED, as_json, job_metrics, results
from tests.run.conftest import run_dir_of, xspec


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "markdown"])
def test_job_table_matches_snapshot(fmt, snapshot):
    result = results([RECORDED, "--format", fmt])
    assert result.returncode == 0, result.stderr
    assert result.stdout == snapshot


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_grouped_table_matches_snapshot(fmt, snapshot):
    result = results([RECORDED, "--group", "--sort", "loss", "--format", fmt])
    assert result.returncode == 0, result.stderr
    assert result.stdout == snapshot


def test_job_rows_hold_what_the_records_and_metrics_files_say():
    table = as_json(results([RECORDED, "--format", "json"]))["experiments"][0]
    assert table["experiment"] == "noisy_fit"
    assert table["metrics"] == ["accuracy", "loss", "train_loss"]     # `width` only echoes the param
    for row in table["rows"]:
        record = json.loads((RECORDED / str(row["job"]) / "xspec-provenance.json").read_text())
        assert (row["lr"], row["width"]) == (record["params"]["lr"], record["params"]["width"])
        assert (row["replicate"], row["seed"]) == (record["job"]["replicate"], record["job"]["seed"])
        assert row["state"] == "done"
        assert row["loss"] == job_metrics(RECORDED, row["job"])["loss"]
        curve = (RECORDED / str(row["job"]) / "results" / str(row["job"]) / "curve.csv").read_text()
        assert row["train_loss"] == float(curve.splitlines()[-1].split(",")[1])


def test_group_folds_replicates_into_mean_std_min_max_n():
    table = as_json(results([RECORDED, "--group", "--format", "json"]))["experiments"][0]
    assert len(table["rows"]) == 4
    for row in table["rows"]:
        jobs = [i for i in range(12) if json.loads((RECORDED / str(i) / "xspec-provenance.json").read_text())
                ["params"] == {"lr": row["lr"], "width": row["width"]}]
        losses = [job_metrics(RECORDED, i)["loss"] for i in jobs]
        assert row["n"] == len(jobs) == 3 and row["failed"] == 0
        assert row["loss.mean"] == pytest.approx(statistics.mean(losses))
        assert row["loss.std"] == pytest.approx(statistics.stdev(losses))
        assert (row["loss.min"], row["loss.max"]) == (min(losses), max(losses))


def test_where_and_sort():
    table = as_json(results([RECORDED, "--where", "lr=0.3", "--where", "loss<0.2", "--sort", "-loss",
                             "--format", "json"]))["experiments"][0]
    losses = [r["loss"] for r in table["rows"]]
    assert losses and all(r["lr"] == 0.3 for r in table["rows"]) and all(v < 0.2 for v in losses)
    assert losses == sorted(losses, reverse=True)
    expected = [i for i in range(12) if _lr(i) == 0.3 and job_metrics(RECORDED, i)["loss"] < 0.2]
    assert sorted(r["job"] for r in table["rows"]) == expected


def _lr(index: int) -> float:
    return json.loads((RECORDED / str(index) / "xspec-provenance.json").read_text())["params"]["lr"]


@pytest.mark.parametrize("args, message", [
    (["--where", "nosuch=1"], "--where: no column 'nosuch'"),
    (["--where", "lr ~ 3"], "--where 'lr ~ 3': write COLUMN OP VALUE"),
    (["--sort", "nosuch"], "--sort: no column 'nosuch'"),
])
def test_bad_filters_and_sort_keys_are_errors_naming_the_columns(args, message):
    result = results([RECORDED, *args])
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_that_is_not_a_run_or_project_with_runs_is_an_error(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    result = results([tmp_path])
    assert result.returncode == 2 and "neither a run folder nor a project with runs" in result.stderr


def test_tiny_example_end_to_end(tiny):
    run = run_dir_of(xspec(["run", "tiny.xspec"], cwd=tiny))
    out = results([run, "--format", "csv", "--sort", "mse"], cwd=tiny)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [int(r["job"]) for r in rows] == sorted(range(6), key=lambda i: job_metrics(run, i)["mse"])
    for row in rows:
        metrics = job_metrics(run, int(row["job"]))
        assert float(row["mse"]) == metrics["mse"] and float(row["slope"]) == metrics["slope"]
        assert "lr" in row and "epochs" in row and row["state"] == "done"
    grouped = as_json(results([tiny, "--group", "--format", "json"], cwd=tiny))["experiments"][0]
    assert len(grouped["rows"]) == 6 and all(r["n"] == 1 and r["mse.std"] is None for r in grouped["rows"])


def test_a_done_job_whose_metrics_file_is_unreadable_is_warned_about(tmp_path):
    import shutil

    run = tmp_path / "noisy_fit" / RECORDED.name
    shutil.copytree(RECORDED, run)
    (run / "3" / "results" / "3" / "metrics.json").write_text("[]")
    out = results([run, "--format", "json"])
    assert out.returncode == 0
    assert "warning: noisy_fit/" in out.stderr and "job 3: results/3/metrics.json: cannot be read" in out.stderr
    row = next(r for r in as_json(out)["experiments"][0]["rows"] if r["job"] == 3)
    assert row["loss"] is None and row["train_loss"] is not None


def test_several_experiments_get_a_table_each_and_share_filters(tmp_path, tiny):
    import shutil

    tiny_run = run_dir_of(xspec(["run", "tiny.xspec", "--job", "0"], cwd=tiny))
    shutil.copytree(RECORDED, tmp_path / "noisy_fit")
    both = [tmp_path / "noisy_fit", tiny_run]
    tables = as_json(results([*both, "--format", "json"]))["experiments"]
    assert [t["experiment"] for t in tables] == ["noisy_fit", "tiny_sgd"]
    # `loss` is noisy_fit's metric only: tiny's jobs have no value, so none is kept
    kept = as_json(results([*both, "--where", "loss<0.2", "--group", "--sort", "loss", "--format", "json"]))
    points = {tuple(json.loads((RECORDED / str(i) / "xspec-provenance.json").read_text())["params"].values())
              for i in range(12) if job_metrics(RECORDED, i)["loss"] < 0.2}
    assert [len(t["rows"]) for t in kept["experiments"]] == [len(points), 0]
    assert results([*both, "--sort", "nosuch"]).returncode == 2
    out = results([*both, "--format", "csv"]).stdout.splitlines()
    assert out[0].startswith("experiment,job,lr,width,replicate,seed,state,duration_s,accuracy,loss,train_loss,epochs")
    assert len(out) == 1 + 12 + 1


def test_failed_jobs_show_their_state_and_count_in_groups(tmp_path):
    from tests.results.conftest import copy_project

    project = copy_project(tmp_path / "project")
    run = run_dir_of(xspec(["run", "sweep.xspec", "-j", "4"], cwd=project, env={"FIT_FAIL_WIDTH": "16"}))
    out = results([run, "--format", "json"])
    assert out.returncode == 0 and "warning" not in out.stderr        # failed jobs are expected to lack metrics
    rows = as_json(out)["experiments"][0]["rows"]
    failed = [r for r in rows if r["state"] == "failed"]
    assert [r["width"] for r in failed] == [16] * 6 and all(r["loss"] is None for r in failed)
    assert all(r["state"] == "done" and r["loss"] is not None for r in rows if r["width"] == 4)
    grouped = as_json(results([run, "--group", "--format", "json"]))["experiments"][0]["rows"]
    assert {(r["width"], r["n"], r["failed"]) for r in grouped} == {(4, 3, 0), (16, 3, 3)}
    assert all(r["loss.mean"] is None for r in grouped if r["width"] == 16)
