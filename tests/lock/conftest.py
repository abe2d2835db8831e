"""Fixtures for the lock tests: a copy of fixtures/lock/project with tiny wheels."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, require_tool
from tests.lock.wheels import standard_wheels, write_wheel

PROJECT = FIXTURES / "lock" / "project"


@pytest.fixture(autouse=True)
def _isolated_uv(tmp_path_factory, monkeypatch):
    """uv's cache in a private folder: no test sees another test's (or the user's) wheels."""
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "uv-cache"))
    monkeypatch.delenv("UV_INDEX_URL", raising=False)
    monkeypatch.delenv("UV_FIND_LINKS", raising=False)


def add_wheels(folder: Path) -> dict[str, Path]:
    wheels = standard_wheels(folder)
    wheels["epsilon_any"] = write_wheel(folder, "epsilon", "0.9")
    wheels["epsilon_x86"] = write_wheel(folder, "epsilon", "1.0", tag="py3-none-manylinux_2_17_x86_64")
    return wheels


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The fixture project in a temporary folder, with its wheels; the cwd is the project."""
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    add_wheels(root / "wheels")
    monkeypatch.chdir(root)
    return root


@pytest.fixture
def uv() -> str:
    return require_tool("uv")


def run_cli(*args: str) -> int:
    from xspec.cli import main

    return main(list(args))
