"""A FIFO where a file is expected is refused, never waited on (issue 18): opening one
for reading blocks until a writer comes, so each of these commands used to hang."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

SPEC = 'xspec 1\n\ndata d {\n  path = "data.csv"\n  version = "1"\n}\n\nenv py {\n  python = "3.11.7"\n}\n'


def xspec(cwd, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "xspec", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60)   # a hang guard: the old code never returned


@pytest.fixture
def project(tmp_path):
    (tmp_path / "s.xspec").write_text(SPEC)
    return tmp_path


@pytest.mark.parametrize("fifo, args, status", [
    ("xspec.toml", ("check", "s.xspec"), 2),
    ("data.csv", ("lock", "s.xspec"), 1),
    ("data.csv", ("status", "s.xspec"), 1),
    ("xspec.lock", ("status", "s.xspec"), 2),
    ("a.lock", ("diff", "s.xspec", "a.lock"), 2),
    ("requirements.txt", ("init", "--from", "requirements.txt", "-o", "o.xspec"), 1),
])
def test_a_fifo_is_refused(project, fifo, args, status):
    os.mkfifo(project / fifo)
    if fifo != "xspec.toml":
        (project / "xspec.toml").write_text("")
    done = xspec(project, *args)
    assert done.returncode == status, done.stdout + done.stderr
    assert "not a regular file (a FIFO)" in done.stdout + done.stderr
