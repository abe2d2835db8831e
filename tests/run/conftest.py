"""Shared by the run tests: copied projects, the CLI in a fresh interpreter, a live Slurm."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO, SPECS, require_slurm

RUN_FIXTURE = FIXTURES / "run" / "project"


def xspec(args: list, cwd: Path, env: dict | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """`python -m xspec ARGS` in a fresh interpreter (as a user would run it)."""
    environment = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "xspec", *map(str, args)], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def tiny(tmp_path) -> Path:
    """A copy of specs/tiny (its own project: xspec.toml, lock, data, train.py)."""
    shutil.copytree(SPECS / "tiny", tmp_path / "tiny", ignore=shutil.ignore_patterns(".xspec-cache", "runs"))
    return tmp_path / "tiny"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of fixtures/run/project (experiments `exits` and `sleepy`)."""
    shutil.copytree(RUN_FIXTURE, tmp_path / "project")
    return tmp_path / "project"


def run_dir_of(result: subprocess.CompletedProcess) -> Path:
    """The run folder `xspec run` printed on standard output."""
    assert result.stdout.strip(), result.stderr
    return Path(result.stdout.strip().splitlines()[-1])


def record(run: Path, index: int) -> dict:
    return json.loads((run / str(index) / "xspec-provenance.json").read_text())


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(folder: Path) -> dict[str, str]:
    """Every regular file under ``folder`` (symlinks not followed) -> its sha256."""
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and not any(q.is_symlink() for q in p.parents)}


def compiled_jobs(spec: Path, experiment: str | None = None) -> dict[int, dict]:
    from xspec.run.plan import make_plan

    plan = make_plan(spec, experiment)
    return {job["index"]: job for job in plan.experiment["jobs"]}


@pytest.fixture(scope="session")
def slurm():
    require_slurm()
