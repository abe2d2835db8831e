"""Running `xspec` as a user does: a subprocess, with the source tree on PYTHONPATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def xspec(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "xspec", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)
