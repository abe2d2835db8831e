"""Fixtures shared with the run tests: a live single-node Slurm."""

from tests.run.conftest import slurm  # noqa: F401  (a fixture, used by name)
