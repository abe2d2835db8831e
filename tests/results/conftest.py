"""Shared by the results tests: a recorded run kept in the repository (for golden
tables), and fresh runs of the fixture project made once per module."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.run.conftest import run_dir_of, tiny, xspec  # noqa: F401 (tiny: a fixture used here)

HERE = Path(__file__).parent
PROJECT = HERE / "project"
# A real run of project/sweep.xspec (12 jobs: 2 lr x 2 width x 3 replicates), kept as
# it was written (less the job folders' symlinks to the project it ran in, which would
# dangle anywhere else), so golden tables have fixed run ids and durations.
RECORDED = HERE / "recorded" / "noisy_fit" / "local-20261204T040321Z"


def results(args: list, cwd: Path | None = None):
    return xspec(["results", *args], cwd=cwd or HERE)


def as_json(result) -> dict:
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def copy_project(where: Path) -> Path:
    shutil.copytree(PROJECT, where, ignore=shutil.ignore_patterns("runs", ".xspec-cache"))
    return where


@pytest.fixture(scope="module")
def three_runs(tmp_path_factory) -> tuple[Path, list[Path]]:
    """Two runs of the same jobs (bitwise identical), then one after fit.py's noise was
    nudged: the metrics move by about 1e-7 relative."""
    project = copy_project(tmp_path_factory.mktemp("results") / "project")
    made = [run_dir_of(xspec(["run", "sweep.xspec", "-j", "4"], cwd=project)) for _ in range(2)]
    fit = project / "fit.py"
    fit.write_text(fit.read_text().replace('0.02 * float(', '0.0200001 * float('))
    made.append(run_dir_of(xspec(["run", "sweep.xspec", "-j", "4"], cwd=project)))
    return project, made


def job_metrics(run: Path, index: int) -> dict:
    """A job's metrics.json, read directly (not through xspec.results)."""
    return json.loads((run / str(index) / "results" / str(index) / "metrics.json").read_text())
