"""Choosing what to run: job lists, Slurm array text, experiments."""

from __future__ import annotations

import pytest

from xspec.run.layout import RunError, new_run_dir, write_new
from xspec.run.plan import array_text, make_plan, parse_jobs

from tests.run.conftest import RUN_FIXTURE


@pytest.mark.parametrize("text, count, expected", [
    (None, 3, [0, 1, 2]),
    ("1", 3, [1]),
    ("0-2", 6, [0, 1, 2]),
    ("5,1,3-4", 6, [1, 3, 4, 5]),
    (" 2 , 2 ", 3, [2]),
])
def test_job_lists(text, count, expected):
    assert parse_jobs(text, count) == expected


@pytest.mark.parametrize("text", ["6", "0-6", "3-1", "a", "1,,2", "-1", "1-"])
def test_bad_job_lists_are_refused(text):
    with pytest.raises(RunError, match="--jobs"):
        parse_jobs(text, 6)


@pytest.mark.parametrize("jobs, expected", [
    ([0], "0"), ([0, 1, 2, 5], "0-2,5"), ([1, 3, 5], "1,3,5"), ([0, 1, 3, 4, 9], "0-1,3-4,9"),
])
def test_array_text_folds_ranges(jobs, expected):
    assert array_text(jobs) == expected


def test_a_spec_with_several_experiments_needs_a_choice():
    with pytest.raises(RunError, match="3 experiments .*exits, sleepy, wide.*--experiment"):
        make_plan(RUN_FIXTURE / "run.xspec")
    with pytest.raises(RunError, match="no experiment 'nope'"):
        make_plan(RUN_FIXTURE / "run.xspec", "nope")
    assert make_plan(RUN_FIXTURE / "run.xspec", "sleepy", "1-2").jobs == [1, 2]


def test_run_ids_are_never_reused(tmp_path):
    first, run_a = new_run_dir(tmp_path, "e")
    second, run_b = new_run_dir(tmp_path, "e")
    assert first != second and run_a.path.is_dir() and run_b.path.is_dir()


def test_files_are_never_overwritten(tmp_path):
    write_new(tmp_path / "a", "one")
    with pytest.raises(RunError, match="never overwrites"):
        write_new(tmp_path / "a", "two")
    assert (tmp_path / "a").read_text() == "one"


def test_a_damaged_manifest_is_a_one_line_error(tmp_path):
    from tests.run.conftest import xspec

    run = tmp_path / "runs" / "e" / "1"
    run.mkdir(parents=True)
    (run / "xspec-run.json").write_text('{"xspec_run": 1, "run_id": "1"}')
    for command in (["jobs", run], ["verify", run], ["reproduce", run]):
        result = xspec(command, cwd=tmp_path)
        assert result.returncode == 2 and "not an xspec run manifest (version 1; missing experiment" in result.stderr
    (tmp_path / "xspec.toml").write_text("")
    listed = xspec(["jobs"], cwd=tmp_path)         # the project's table skips it, and says so
    assert listed.returncode == 0 and "warning: skipped" in listed.stderr and "no runs" in listed.stdout


def test_an_unwritable_project_is_a_one_line_error(tiny):
    from tests.run.conftest import xspec

    (tiny / "runs").write_text("a file where the runs folder should be")
    result = xspec(["run", "tiny.xspec"], cwd=tiny)
    assert result.returncode == 2 and result.stderr.startswith("error: ") and "Traceback" not in result.stderr
