"""A run is never touched by another command (docs/running.md, "What a run folder is").

After one `xspec run`, every command that reads or writes a project (check, fmt, lock,
status, build, jobs, verify, diff) runs on it; every entry under runs/ (files by their
bytes, links by their target, folders by their listing) must be as the run left it, and
`xspec verify` must still pass. A run folder holds a copy of the project (its bundle) and
links to the project's specs: found by a folder walk, those were checked, reformatted,
locked and built as if they were the project.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.run.conftest import run_dir_of, xspec
from xspec.outputs import MARKER, RUN_MANIFEST, find_specs, output_dir_of, run_dir_of as outputs_run_dir_of
from xspec.run.layout import MANIFEST


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder``, links not followed: what it is and what it holds."""
    found = {}
    for current, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(current, name)
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("dir",)
            else:
                found[rel] = ("file", path.read_bytes(), path.stat().st_mode)
    return found


@pytest.fixture
def after_a_run(tiny):
    # Not in the formatter's layout: `xspec fmt .` has something to change in the
    # project, and used to change the run's bundled copy too.
    spec = tiny / "tiny.xspec"
    spec.write_text(spec.read_text() + "\n\n\n")
    ran = xspec(["run", "tiny.xspec"], cwd=tiny)
    assert ran.returncode == 0, ran.stderr
    return tiny, run_dir_of(ran)


def test_no_command_changes_a_byte_under_runs(after_a_run):
    root, run = after_a_run
    before = snapshot(root / "runs")
    bundled = run / "bundle" / "project" / "tiny.xspec"
    steps = [
        (["check", "."], 0), (["check", bundled], 0), (["fmt", "--check", "."], 1), (["fmt", "."], 0),
        (["lock", "."], 0), (["lock", "--check", "."], 0), (["status", "."], 0),
        (["build", "tiny.xspec", "-t", "all", "--allow-unlocked"], 0), (["check", "."], 0),
        (["fmt", "."], 0), (["jobs"], 0), (["jobs", run], 0), (["diff", run, run], 0),
    ]
    for args, expected in steps:
        done = xspec(args, cwd=root)
        assert done.returncode == expected, (args, done.stdout, done.stderr)
        assert "bundle" not in done.stdout + done.stderr, (args, done.stdout, done.stderr)
    assert snapshot(root / "runs") == before
    # `fmt .` did change the project's own spec, which verify rightly reports as changed
    # since the run; put its run-time text back, and the run's record holds in full.
    (root / "tiny.xspec").write_bytes(bundled.read_bytes())
    verified = xspec(["verify", run], cwd=root)
    assert verified.returncode == 0 and "everything matches the record" in verified.stdout


@pytest.mark.parametrize("args, what", [(["fmt"], "reformat specs"), (["lock"], "write a lock")])
def test_writing_into_a_run_by_naming_its_files_is_refused(after_a_run, args, what):
    root, run = after_a_run
    before = snapshot(run)
    done = xspec([*args, run / "bundle" / "project" / "tiny.xspec"], cwd=root)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and f"does not {what} there" in done.stderr
    assert os.path.relpath(run, root) in done.stderr
    assert snapshot(run) == before


def test_a_build_into_a_run_folder_is_refused(after_a_run):
    root, run = after_a_run
    before = snapshot(run)
    done = xspec(["build", "tiny.xspec", "-t", "slurm", "-o", run / "build"], cwd=root)
    assert done.returncode == 2 and "does not write build files there" in done.stderr
    assert snapshot(run) == before


def test_a_moved_run_folder_is_still_recognised(after_a_run, tmp_path):
    _, run = after_a_run
    moved = tmp_path / "elsewhere" / "copy"
    shutil.copytree(run, moved, symlinks=True)
    (moved / MANIFEST).unlink()              # the marker alone is enough
    assert (moved / MARKER).read_text().startswith("xspec run folder\n")
    assert find_specs(tmp_path / "elsewhere") == []
    assert outputs_run_dir_of(moved / "bundle" / "project" / "tiny.xspec") == moved


def test_build_marks_its_folder_but_never_the_project(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    shutil.copy(Path(__file__).parents[2] / "specs" / "tiny" / "tiny.xspec", tmp_path / "tiny.xspec")
    shutil.copytree(Path(__file__).parents[2] / "specs" / "tiny" / "data", tmp_path / "data")
    built = xspec(["build", "tiny.xspec", "-t", "slurm", "-o", "out"], cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "out" / MARKER).read_text().startswith("xspec build folder\n")
    assert output_dir_of(tmp_path / "out" / "slurm") == tmp_path / "out"
    in_root = xspec(["build", "tiny.xspec", "-t", "slurm", "-o", "."], cwd=tmp_path)
    assert in_root.returncode == 0, in_root.stderr
    assert not (tmp_path / MARKER).exists() and find_specs(tmp_path) == [tmp_path / "tiny.xspec"]


def test_the_marker_and_the_manifest_name_agree():
    assert RUN_MANIFEST == MANIFEST


def test_the_language_server_sees_no_spec_inside_a_run(after_a_run):
    from xspec.lsp.features.completion import _project_files
    from xspec.lsp.features.navigate import workspace_specs

    root, _ = after_a_run
    assert workspace_specs(root) == [root / "tiny.xspec"]      # what rename and references edit
    assert not [p for p in _project_files(root / "tiny.xspec") if "runs/" in p]
