"""Cache keys and `xspec run --resume`: a job whose key an earlier run recorded for a
successful job with outputs that still verify is not run again; its record and outputs
are taken into the new run folder, the earlier run is only read, and `verify` says so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.run.conftest import tree_hashes, xspec

RESUME = FIXTURES / "run" / "resume"
STEPS = ["prepare", "train", "evaluate"]
EVERY_JOB = ["prepare", "train configs/a.txt", "train configs/b.txt", "train configs/c.txt",
             "evaluate configs/a.txt", "evaluate configs/b.txt", "evaluate configs/c.txt"]


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(RESUME, tmp_path / "resume")
    return tmp_path / "resume"


def _run(project: Path, *args: str) -> dict[str, Path]:
    """Run the graph; the jobs that ran (from ran.log, emptied first) and the run folders."""
    (project / "ran.log").write_text("")
    result = xspec(["run", "pipeline.xspec", *args], cwd=project)
    assert result.returncode == 0, result.stderr
    runs = {Path(line).parent.name: Path(line) for line in result.stdout.splitlines()}
    assert list(runs) == STEPS
    return runs


def _ran(project: Path) -> list[str]:
    return (project / "ran.log").read_text().splitlines()


def _manifest(run: Path) -> dict:
    return json.loads((run / "xspec-run.json").read_text())


def test_a_second_run_with_resume_runs_nothing_and_verifies(project):
    first = _run(project)
    assert _ran(project) == EVERY_JOB
    before = {step: tree_hashes(run) for step, run in first.items()}
    second = _run(project, "--resume")
    assert _ran(project) == []
    assert {step: tree_hashes(run) for step, run in first.items()} == before     # only read
    assert all(second[s] != first[s] for s in STEPS)                          # new folders
    assert (second["evaluate"] / "1" / "score.txt").read_text() == "21\n"
    cache = _manifest(second["train"])["cache"]
    assert cache["keys"] == _manifest(first["train"])["cache"]["keys"]
    assert sorted(cache["reused"]) == ["0", "1", "2"]
    assert cache["reused"]["1"]["run"] == f"runs/train/{first['train'].name}"
    for step in STEPS:
        verified = xspec(["verify", second[step]], cwd=project)
        assert verified.returncode == 0, verified.stdout
        assert "RUN023 job-reused: job 0 was not run: reused from " f"runs/{step}/{first[step].name}" in verified.stdout


def test_a_run_without_resume_runs_everything_again(project):
    _run(project)
    _run(project)
    assert _ran(project) == EVERY_JOB


def test_a_changed_config_reruns_exactly_its_jobs_and_their_dependents(project):
    first = _run(project)
    (project / "configs" / "b.txt").write_text("5\n")
    second = _run(project, "--resume")
    assert _ran(project) == ["train configs/b.txt", "evaluate configs/b.txt"]
    assert (second["evaluate"] / "1" / "score.txt").read_text() == "51\n"
    assert (second["evaluate"] / "0" / "score.txt").read_text() == "11\n"
    keys = [_manifest(r)["cache"]["keys"] for r in (first["train"], second["train"])]
    assert [keys[0][i] == keys[1][i] for i in "012"] == [True, False, True]
    assert sorted(_manifest(second["evaluate"])["cache"]["reused"]) == ["0", "2"]


def test_changed_data_reruns_every_job_after_it(project):
    _run(project)
    (project / "numbers.txt").write_text("100\n")
    second = _run(project, "--resume")
    assert _ran(project) == EVERY_JOB
    assert (second["evaluate"] / "2" / "score.txt").read_text() == "301\n"


def test_a_changed_output_of_an_earlier_run_is_not_reused(project):
    first = _run(project)
    model = first["train"] / "2" / "model.txt"
    model.write_text("999\n")          # no longer what its record hashed
    second = _run(project, "--resume")
    # Train job 2 runs again and writes 30 as before: its key and output are those
    # evaluate job 2 read the first time, so evaluate job 2 is reused.
    assert _ran(project) == ["train configs/c.txt"]
    assert (second["train"] / "2" / "model.txt").read_text() == "30\n"
    assert model.read_text() == "999\n"                         # the earlier run untouched


def test_resume_run_dir_runs_only_its_failed_jobs(project):
    (project / "configs" / "c.txt").write_text("1/0\n")          # train job 2 fails
    (project / "ran.log").write_text("")
    failed = xspec(["run", "pipeline.xspec"], cwd=project)
    assert failed.returncode == 1
    first = {Path(line).parent.name: Path(line) for line in failed.stdout.splitlines()}
    assert list(first) == ["prepare", "train"]                  # evaluate was not run
    (project / "configs" / "c.txt").write_text("3\n")
    _run(project)                     # a later complete run: --resume RUN_DIR ignores it
    _run(project, "--resume", str(first["train"]))
    assert _ran(project) == ["train configs/c.txt", *EVERY_JOB[4:]]


def test_resume_of_a_folder_that_is_not_a_run_is_refused(project):
    result = xspec(["run", "pipeline.xspec", "--resume", "configs"], cwd=project)
    assert result.returncode == 2
    assert "not a run folder of this project" in result.stderr
    assert not (project / "runs").exists()


def test_resume_of_one_experiment_runs_only_its_failed_job(tmp_path):
    from tests.run.conftest import RUN_FIXTURE, run_dir_of

    project = tmp_path / "project"
    shutil.copytree(RUN_FIXTURE, project)
    first = run_dir_of(xspec(["run", "run.xspec", "-e", "exits"], cwd=project))
    again = xspec(["run", "run.xspec", "-e", "exits", "--resume", first], cwd=project)
    assert again.returncode == 1                   # job 1 exits 3 again
    second = run_dir_of(again)
    assert sorted(_manifest(second)["cache"]["reused"]) == ["0", "2"]
    assert json.loads((second / "1" / "xspec-provenance.json").read_text())["exit_code"] == 3
    assert not (second / "logs" / "0.out").exists() and (second / "logs" / "1.out").is_file()
    assert "3 jobs: 2 ok (2 reused), 1 failed" in again.stderr
    listed = xspec(["jobs", second], cwd=project)
    assert f"job 2    done     reused from runs/exits/{first.name} job 2" in listed.stdout, listed.stdout


def test_a_comment_in_the_spec_changes_no_key(project):
    first = _run(project)
    spec = project / "pipeline.xspec"
    spec.write_text(spec.read_text() + "\n# a note added after the first run\n")
    second = _run(project, "--resume")
    assert _ran(project) == []
    old, new = (_manifest(r) for r in (first["train"], second["train"]))
    assert old["spec"]["digest"] != new["spec"]["digest"]
    assert old["cache"]["keys"] == new["cache"]["keys"]
    verified = xspec(["verify", second["train"]], cwd=project)       # an earlier spec's records
    assert verified.returncode == 0, verified.stdout


def test_another_environment_reruns_every_job(project):
    _run(project)
    spec = project / "pipeline.xspec"
    spec.write_text(spec.read_text().replace("debian:12", "debian:13"))
    _run(project, "--resume")
    assert _ran(project) == EVERY_JOB


def test_a_tampered_reused_record_fails_verify(project):
    _run(project)
    second = _run(project, "--resume")
    record = second["prepare"] / "0" / "xspec-provenance.json"
    # The copy, not the earlier run's record (which the new run does not share).
    assert record.stat().st_ino != (next(p for p in (project / "runs" / "prepare").iterdir()
                                        if p != second["prepare"]) / "0" / "xspec-provenance.json").stat().st_ino
    record.write_text(record.read_text().replace('"exit_code": 0', '"exit_code": 0 '))
    verified = xspec(["verify", second["prepare"]], cwd=project)
    assert verified.returncode == 1
    assert "RUN024 reuse-disagrees: job 0: its record is not the one taken from" in verified.stdout


def test_a_resumed_run_reproduces_after_a_comment_in_the_spec(tmp_path):
    from tests.run.conftest import RUN_FIXTURE, run_dir_of

    project = tmp_path / "project"
    shutil.copytree(RUN_FIXTURE, project)
    run_dir_of(xspec(["run", "run.xspec", "-e", "exits"], cwd=project))
    spec = project / "run.xspec"
    spec.write_text(spec.read_text() + "\n# a note\n")
    resumed = run_dir_of(xspec(["run", "run.xspec", "-e", "exits", "--resume"], cwd=project))
    assert sorted(_manifest(resumed)["cache"]["reused"]) == ["0", "2"]
    reproduced = xspec(["reproduce", resumed], cwd=project)
    assert reproduced.returncode == 0, reproduced.stdout + reproduced.stderr
    assert "RUN010" not in reproduced.stdout + reproduced.stderr
    assert "3 jobs reproduced: bitwise identical" in reproduced.stdout + reproduced.stderr
