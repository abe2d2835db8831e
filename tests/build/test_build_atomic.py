"""`xspec build -o DIR` writes all of its changed files or none: an interrupted build
leaves the old files, never a mix of old and new."""

from __future__ import annotations

from pathlib import Path

import pytest

from xspec.commands import build

OLD = {"slurm/a.sbatch": "old a\n", "slurm/b.sbatch": "old b\n", "docker/a/Dockerfile": "old d\n"}
NEW = {"slurm/a.sbatch": "new a\n", "slurm/b.sbatch": "new b\n", "docker/a/Dockerfile": "new d\n"}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".xspec-output"}


@pytest.fixture
def built(tmp_path) -> Path:
    folder = tmp_path / "out"
    assert build._write(folder, OLD, tmp_path / "project") == 0
    return folder


def test_a_build_replaces_every_changed_file(built, tmp_path):
    assert build._write(built, NEW, tmp_path / "project") == 0
    assert tree(built) == NEW


def test_a_build_cut_short_while_writing_leaves_the_old_files(built, tmp_path, monkeypatch):
    real, calls = Path.write_bytes, []

    def failing(self, data):
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    assert build._write(built, NEW, tmp_path / "project") == 2
    assert tree(built) == OLD
    assert not list(built.glob(build.STAGING_PREFIX + "*"))


def test_a_staging_folder_left_by_a_killed_build_is_removed(built, tmp_path):
    stale = built / f"{build.STAGING_PREFIX}dead"
    stale.mkdir()
    (stale / "0").write_text("half")
    assert build._write(built, NEW, tmp_path / "project") == 0
    assert not stale.exists() and tree(built) == NEW
