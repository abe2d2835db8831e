"""`xspec verify RUN_DIR`: every recorded hash against the disk, each difference named."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.run.conftest import run_dir_of, xspec


@pytest.fixture
def tiny_run(tiny):
    result = xspec(["run", "tiny.xspec", "--jobs", "0-2"], cwd=tiny)
    assert result.returncode == 0, result.stderr
    return tiny, run_dir_of(result)


def verify(run, *options, cwd=None):
    return xspec(["verify", run, *options], cwd=cwd or run)


def codes(result) -> list[str]:
    return [line.split()[0] for line in result.stdout.splitlines() if line.strip().startswith("RUN0")]


def test_a_fresh_run_matches_its_record(tiny_run):
    _, run = tiny_run
    result = verify(run)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "compared: 15 files, 3 outputs, 3 records, 2 inputs, 2 project files" in result.stdout
    assert "everything matches the record" in result.stdout


def test_a_changed_output(tiny_run):
    _, run = tiny_run
    (run / "1" / "results" / "1" / "metrics.json").write_text("{}\n")
    result = verify(run)
    assert result.returncode == 1 and codes(result) == ["RUN001"]
    assert "RUN001 output-changed: 1/results/1/metrics.json: recorded sha256:" in result.stdout


def test_a_missing_output_and_a_changed_bundle(tiny_run):
    _, run = tiny_run
    (run / "2" / "results" / "2" / "metrics.json").unlink()
    with open(run / "bundle" / "project" / "xspec.lock", "a") as f:
        f.write("# edited\n")
    result = verify(run)
    assert result.returncode == 1 and sorted(codes(result)) == ["RUN002", "RUN003"]
    assert "bundle/project/xspec.lock" in result.stdout and "2/results/2/metrics.json" in result.stdout


def test_a_record_edited_to_match_a_changed_output_still_disagrees_with_the_crate(tiny_run):
    _, run = tiny_run
    path = run / "0" / "xspec-provenance.json"
    record = json.loads(path.read_text())
    record["outputs"]["results/0/metrics.json"] = "sha256:" + "0" * 64
    path.write_text(json.dumps(record))
    result = verify(run)
    assert sorted(codes(result)) == ["RUN003", "RUN004"]
    assert "job 0: its record's output hashes differ from the crate's" in result.stdout


def test_changed_inputs_and_spec_in_the_project(tiny_run):
    root, run = tiny_run
    with open(root / "data" / "points.csv", "a") as f:
        f.write("9,19\n")
    (root / "tiny.xspec").write_text((root / "tiny.xspec").read_text() + "# a comment\n")
    result = verify(run)
    assert result.returncode == 1 and sorted(codes(result)) == ["RUN005", "RUN006"]
    assert "RUN005 input-changed: data/points.csv" in result.stdout
    assert "RUN006 project-changed-since-run: tiny.xspec: the run used sha256:" in result.stdout


def test_a_moved_run_is_checked_against_the_project_it_names_or_is_given(tiny_run, tmp_path):
    root, run = tiny_run
    moved = tmp_path / "elsewhere" / "run"
    shutil.copytree(run, moved, symlinks=True)
    assert verify(moved).returncode == 0
    project = tmp_path / "project-moved"
    root.rename(project)
    result = verify(moved)
    assert result.returncode == 0 and codes(result) == ["RUN011"]
    assert "pass --project" in result.stdout
    result = verify(moved, "--project", project)
    assert result.returncode == 0 and codes(result) == []


def test_json_report(tiny_run):
    _, run = tiny_run
    (run / "1" / "results" / "1" / "metrics.json").write_text("{}\n")
    report = json.loads(verify(run, "--format", "json").stdout)
    assert report["differences"] == 1
    assert report["findings"][0]["code"] == "RUN001" and len(report["findings"][0]["message"]) > 140


def test_not_a_run_or_not_collected_are_one_line_errors(tiny_run, tmp_path):
    _, run = tiny_run
    result = verify(tmp_path)
    assert result.returncode == 2 and "is not a run folder" in result.stderr
    (run / "ro-crate-metadata.json").unlink()
    result = verify(run)
    assert result.returncode == 2 and "has no ro-crate-metadata.json yet" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failed_job_is_a_note_not_a_difference(project):
    run = run_dir_of(xspec(["run", "run.xspec", "-e", "exits"], cwd=project))
    result = verify(run)
    assert result.returncode == 0, result.stdout
    assert codes(result) == ["RUN007"] and "RUN007 job-failed: job 1 failed: exit 3" in result.stdout


def test_a_fresh_run_with_spaces_and_non_ascii_in_its_names_verifies(project, tmp_path):
    """The crate's ids are percent-encoded (`r%C3%A9%20sult`): verify decodes them."""
    folder = tmp_path / "pro jé ct"
    project.rename(folder)
    text = (folder / "run.xspec").read_text().replace("out/${job_index}.txt", "out/ré sult ${job_index}.txt")
    (folder / "run.xspec").unlink()
    (folder / "mon spéc.xspec").write_text(text)
    result = xspec(["run", "mon spéc.xspec", "-e", "exits"], cwd=folder)
    run = run_dir_of(result)
    assert (run / "0" / "out" / "ré sult 0.txt").is_file(), result.stderr
    crate = (run / "ro-crate-metadata.json").read_text()
    assert "r%C3%A9%20sult" in crate and "mon%20sp%C3%A9c.xspec" in crate
    verified = verify(run)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "RUN002" not in verified.stdout and "RUN004" not in verified.stdout
    (run / "0" / "out" / "ré sult 0.txt").write_text("changed\n")
    assert codes(verify(run)) == ["RUN001", "RUN007"]
