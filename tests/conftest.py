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


def example_specs() -> list[Path]:
    """Every example spec that defines an experiment (envs-only modules excluded)."""
    return sorted(p for p in SPECS.rglob("*.xspec") if "experiment " in p.read_text())
