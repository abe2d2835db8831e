"""`xspec reproduce RUN_DIR`: a job re-run from its bundle, its outputs compared by hash."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.run.conftest import record, run_dir_of, tree_hashes, xspec


@pytest.fixture
def tiny_run(tiny, tmp_path, monkeypatch):
    # Workspaces made without --into go to the temporary folder: keep them in this test's.
    (tmp_path / "temp").mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp_path / "temp"))
    result = xspec(["run", "tiny.xspec", "--jobs", "2-3"], cwd=tiny)
    assert result.returncode == 0, result.stderr
    return tiny, run_dir_of(result)


def reproduce(run, *options):
    return xspec(["reproduce", run, *options], cwd=run)


def test_a_deterministic_job_is_bitwise_identical(tiny_run, tmp_path):
    _, run = tiny_run
    before = tree_hashes(run)
    result = reproduce(run, "--job", "3", "--into", tmp_path / "ws")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "job 3: bitwise identical (1 output)" in result.stdout
    assert "1 job reproduced: bitwise identical" in result.stdout
    again = next((tmp_path / "ws" / "runs" / "tiny_sgd").iterdir())
    assert record(again, 3)["outputs"] == record(run, 3)["outputs"]
    assert tree_hashes(run) == before          # nothing in the run folder was written


def test_the_spec_and_lock_come_from_the_bundle_not_the_working_tree(tiny_run, tmp_path):
    root, run = tiny_run
    spec = root / "tiny.xspec"
    spec.write_text(spec.read_text().replace("seed = 42", "seed = 43"))
    (root / "xspec.lock").unlink()
    result = reproduce(run, "--into", tmp_path / "ws")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 jobs reproduced: bitwise identical" in result.stdout
    assert (tmp_path / "ws" / "tiny.xspec").read_bytes() == (run / "bundle" / "project" / "tiny.xspec").read_bytes()


def test_a_bundle_moved_elsewhere_reproduces_with_the_project_it_is_given(tiny_run, tmp_path):
    root, run = tiny_run
    moved = tmp_path / "archive" / "run"
    shutil.copytree(run, moved, symlinks=True)
    project = tmp_path / "checkout"
    root.rename(project)
    result = reproduce(moved, "--job", "2")
    assert result.returncode == 2 and "pass --project" in result.stderr
    result = reproduce(moved, "--job", "2", "--project", project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "job 2: bitwise identical" in result.stdout


def test_a_tampered_output_is_reported(tiny_run):
    _, run = tiny_run
    (run / "3" / "results" / "3" / "metrics.json").write_text('{"mse": 0}\n')
    result = reproduce(run, "--job", "3")
    assert result.returncode == 1
    assert "job 3: DIFFERENT" in result.stdout
    assert "RUN009 reproduction-differs: job 3: results/3/metrics.json: the run folder's file is" in result.stdout


def test_a_tampered_record_is_reported_per_file(tiny_run):
    _, run = tiny_run
    path = run / "2" / "xspec-provenance.json"
    data = json.loads(path.read_text())
    data["outputs"]["results/2/metrics.json"] = "sha256:" + "1" * 64
    path.write_text(json.dumps(data))
    refused = json.loads(reproduce(run, "--job", "2", "--format", "json").stdout)
    assert refused["refused"] and refused["reproduction"] is None
    assert any(f["code"] == "RUN003" and f["message"].startswith("2/xspec-provenance.json")
               for f in refused["findings"])
    result = reproduce(run, "--job", "2", "--format", "json", "--trust-modified")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and not report["identical"] and not report["refused"]
    messages = [f["message"] for f in report["jobs"][0]["findings"]]
    assert any(m.startswith("job 2: results/2/metrics.json: recorded sha256:1111") and "reproduced sha256:" in m
               for m in messages)


def test_changed_data_is_named_and_changes_the_outputs(tiny_run):
    root, run = tiny_run
    with open(root / "data" / "points.csv", "a") as f:
        f.write("9,19\n")
    result = reproduce(run, "--job", "3")
    assert result.returncode == 1
    assert "RUN005 input-changed: data/points.csv" in result.stdout
    assert "RUN009 reproduction-differs: job 3: results/3/metrics.json: recorded sha256:" in result.stdout


def test_usage_errors(tiny_run, tmp_path):
    _, run = tiny_run
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("")
    assert "give a new or empty folder" in reproduce(run, "--into", tmp_path / "full").stderr
    assert "job 0 is not part of this run (it ran jobs 2-3)" in reproduce(run, "--job", "0").stderr
    assert reproduce(run, "--job", "0").returncode == 2


# ---- a bundle is untrusted input ----------------------------------------------------------------

def tamper_with_the_bundled_command(run, marker):
    spec = run / "bundle" / "project" / "tiny.xspec"
    spec.write_text(spec.read_text().replace(
        '"python3", "train.py",', f'"python3", "-c", "open({str(marker)!r}, \'w\')", "train.py",'))


def test_a_tampered_bundle_is_refused_before_anything_runs(tiny_run, tmp_path):
    _, run = tiny_run
    marker = tmp_path / "PWNED"
    tamper_with_the_bundled_command(run, marker)
    result = reproduce(run, "--job", "3", "--into", tmp_path / "ws")
    assert result.returncode == 1
    assert not marker.exists() and not (tmp_path / "ws" / "runs").exists()
    assert "RUN003 bundle-changed: bundle/project/tiny.xspec: recorded sha256:" in result.stdout
    assert "RUN010 job-identity-differs: job 3: argv" in result.stdout
    assert "job 3 will run: python3 -c 'open(" in result.stderr
    assert "RUN021 reproduce-refused" in result.stderr and "--trust-modified" in result.stderr


def test_trust_modified_runs_it_and_still_reports_the_differences(tiny_run, tmp_path):
    _, run = tiny_run
    marker = tmp_path / "PWNED"
    tamper_with_the_bundled_command(run, marker)
    result = reproduce(run, "--job", "3", "--trust-modified")
    assert marker.exists()
    assert result.returncode == 1 and "RUN010" in result.stdout and "RUN021" not in result.stderr


def test_dry_run_verifies_and_shows_the_commands_only(tiny_run, tmp_path):
    _, run = tiny_run
    result = reproduce(run, "--dry-run", "--into", tmp_path / "ws")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "job 2 will run: python3 train.py --lr 0.05 --epochs 20" in result.stderr
    assert "--dry-run: the bundle matches its record; nothing was run" in result.stdout
    assert not (tmp_path / "ws" / "runs").exists()


def edit_manifest(run, change):
    path = run / "xspec-run.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize("escape", ["../escape_dir/f", "/tmp/xspec-absolute-escape/f"])
def test_a_manifest_path_leaving_the_workspace_is_refused(tiny_run, tmp_path, escape):
    root, run = tiny_run
    (root / "escape_dir").mkdir()          # ../escape_dir/f from the workspace's data
    (root / "escape_dir" / "f").write_text("x")
    edit_manifest(run, lambda m: m["inputs"].update({escape: {"kind": "data", "sha256": "sha256:0"}}))
    result = reproduce(run, "--into", tmp_path / "ws" / "inner")
    assert result.returncode == 2
    assert "RUN020 bundle-path-unsafe: manifest inputs:" in result.stderr
    assert not (tmp_path / "ws").exists() and not (tmp_path / "escape_dir").exists()


def test_a_symlink_in_the_bundle_is_refused_and_verify_names_it(tiny_run, tmp_path):
    _, run = tiny_run
    secret = tmp_path / "shadow"
    secret.write_text("root:secret\n")
    marker = run / "bundle" / "project" / "xspec.toml"
    secret.write_bytes(marker.read_bytes())           # the same bytes: its hash is the recorded one
    marker.unlink()
    marker.symlink_to(secret)
    result = reproduce(run, "--into", tmp_path / "ws")
    assert result.returncode == 2
    assert "RUN020 bundle-path-unsafe: bundle/project/xspec.toml: a symlink (to " in result.stderr
    assert not (tmp_path / "ws").exists()
    verified = xspec(["verify", run], cwd=run)
    assert verified.returncode == 1 and "RUN020" in verified.stdout


def test_a_recorded_output_path_leaving_the_job_folder_is_not_read(tiny_run, tmp_path):
    _, run = tiny_run
    outside = run.parent / "outside.txt"            # ../outside.txt from the job folder
    outside.write_text("not an output\n")
    path = run / "2" / "xspec-provenance.json"
    data = json.loads(path.read_text())
    data["outputs"]["../../outside.txt"] = "sha256:" + "2" * 64
    path.write_text(json.dumps(data))
    result = reproduce(run, "--job", "2", "--trust-modified", "--into", tmp_path / "ws")
    assert result.returncode == 1
    assert "RUN020 bundle-path-unsafe: job 2 output: '../../outside.txt' leaves its folder" in result.stdout
    assert "the run folder's file is" not in result.stdout


def test_control_characters_from_a_run_folder_are_escaped(tiny_run, tmp_path):
    _, run = tiny_run
    edit_manifest(run, lambda m: m["inputs"].update({"data/\x1b[2J\x1b[Hfake.csv": {"kind": "data",
                                                                                     "sha256": "sha256:0"}}))
    result = reproduce(run, "--dry-run", "--into", tmp_path / "ws")
    assert "RUN005 input-changed: data/\\x1b[2J\\x1b[Hfake.csv" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
