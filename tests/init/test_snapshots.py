"""An extra guard: the whole text `xspec init` writes for each fixture, as a snapshot.

The other tests say what must hold (written by hand from the fixtures); a snapshot
catches every other change to the output, to be looked at and accepted with
`pytest --snapshot-update` when intended. The Python version of the machine running
the tests is masked.
"""

from __future__ import annotations

import platform

import pytest

from tests.init.support import project, run_init

CASES = {
    "requirements": ["requirements.txt"],
    "conda": ["environment.yml"],
    "conda_export": ["environment.yml"],
    "conda_range": ["environment.yml"],
    "pyproject": ["pyproject.toml"],
    "poetry": ["pyproject.toml"],
    "poetry_extras": ["pyproject.toml"],
    "pyproject_dynamic": ["pyproject.toml"],
    "mlflow": ["MLproject"],
    "mlflow_docker": ["MLproject"],
    "dvc": ["dvc.yaml", "data/data.xml.dvc", "data/lookup.parquet.dvc"],
    "dvc_graph": ["dvc.yaml"],
    "hydra": ["conf"],
    "hydra_apps": ["conf"],
    "sbatch": ["train_array.sbatch"],
    "sbatch_vars": ["ddp.sbatch"],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_written_spec_matches_snapshot(name, tmp_path, snapshot):
    sources = [arg for source in CASES[name] for arg in ("--from", source)]
    run = run_init(project(tmp_path, name), *sources)
    assert run.code == 0, run.stdout + run.stderr
    assert run.spec.read_text().replace(platform.python_version(), "<running>") == snapshot
