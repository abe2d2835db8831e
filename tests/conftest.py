"""Shared test helpers. Tests never touch the network; tools they need are found on
PATH (CI installs them; locally a missing tool skips the test unless
XSPEC_REQUIRE_TOOLS=1, which CI sets so that nothing is silently skipped there)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"
SPECS = REPO / "specs"


def require_tool(name: str) -> str:
    """The path of an executable, or skip (fail in CI) when it is missing."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found:
        return found
    message = f"{name} is not installed"
    if os.environ.get("XSPEC_REQUIRE_TOOLS"):
        pytest.fail(message + " (XSPEC_REQUIRE_TOOLS is set)")
    pytest.skip(message)


@pytest.fixture
def tool():
    return require_tool


def require_slurm() -> None:
    """A Slurm controller that answers (CI starts one); skip, or fail in CI, without it."""
    import subprocess

    require_tool("sbatch")
    try:
        found = subprocess.run(["sinfo", "-h", "-o", "%t"], capture_output=True, text=True, timeout=20)
        up = found.returncode == 0 and found.stdout.strip() != ""
    except subprocess.TimeoutExpired:
        up = False
    if not up:
        message = "no Slurm controller answers (start one with .ci/slurm/start.sh)"
        if os.environ.get("XSPEC_REQUIRE_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)


def example_specs() -> list[Path]:
    """Every example spec that defines an experiment (envs-only modules excluded)."""
    return sorted(p for p in SPECS.rglob("*.xspec") if "experiment " in p.read_text())
