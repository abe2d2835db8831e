"""`xspec fmt` rewriting files: what it keeps of the file besides its text."""

from __future__ import annotations

import os
import stat

from tests.core.test_cli import xspec

UNFORMATTED = 'xspec 1\nenv py {\npython="3.11.9"\n}\n'
FORMATTED = 'xspec 1\n\nenv py {\n  python = "3.11.9"\n}\n'


def test_fmt_keeps_the_mode_of_the_file(tmp_path):
    spec = tmp_path / "private.xspec"
    spec.write_text(UNFORMATTED)
    spec.chmod(0o600)
    done = xspec("fmt", str(spec))
    assert done.returncode == 0, done.stderr
    assert spec.read_text() == FORMATTED
    assert stat.S_IMODE(spec.stat().st_mode) == 0o600   # was reset to 0644


def test_fmt_writes_through_a_symlink(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "spec.xspec"
    target.write_text(UNFORMATTED)
    link = tmp_path / "link.xspec"
    link.symlink_to(target)
    done = xspec("fmt", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)   # was replaced by a file
    assert target.read_text() == FORMATTED
    assert sorted(p.name for p in target.parent.iterdir()) == ["spec.xspec"]   # no temporary left


def test_fmt_refuses_a_fifo_instead_of_waiting_on_it(tmp_path):
    fifo = tmp_path / "pipe.xspec"
    os.mkfifo(fifo)
    done = xspec("fmt", "--check", str(fifo))
    assert done.returncode == 1
    assert "not a regular file (a FIFO)" in done.stderr


def test_fmt_refuses_a_file_over_the_size_limit_with_e020(tmp_path):
    from xspec.source import MAX_SOURCE_BYTES

    spec = tmp_path / "big.xspec"
    spec.write_text("xspec 1\n" + "# x\n" * (MAX_SOURCE_BYTES // 4 + 1))
    done = xspec("fmt", str(spec))
    assert done.returncode == 1
    assert "error[E020]" in done.stderr
