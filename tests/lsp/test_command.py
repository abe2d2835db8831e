"""`xspec lsp`, the command: listed, quits on end of input, explains a missing pygls."""

from __future__ import annotations

import subprocess
import sys

from tests.lsp.conftest import server_env

BLOCK_PYGLS = "import sys; sys.modules['pygls'] = None; from xspec.cli import run; run()"


def _run(args: list[str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                          env=server_env(), timeout=60)


def test_the_command_is_listed():
    assert "lsp" in _run(["-m", "xspec", "--help"]).stdout


def test_the_server_exits_cleanly_at_the_end_of_its_input():
    assert _run(["-m", "xspec", "lsp", "--stdio"]).returncode == 0


def test_a_missing_pygls_is_explained():
    done = _run(["-c", BLOCK_PYGLS, "lsp"])
    assert done.returncode == 2
    assert "pip install 'pygls>=2.0,<3'" in done.stderr
