"""Golden files: every target of every example spec (and the hostile fixture), with a lock.

The snapshots in __snapshots__/ are the compiled files themselves (or the errors a
target reports, e.g. BLD004 for an image without a digest), so a change to any
backend shows up as a readable diff. Update with `pytest --snapshot-update` and
read the diff before committing it.
"""

from __future__ import annotations

import pytest

from xspec.backends import TARGETS
from tests.build.support import compile_files, copy_project, write_test_lock
from tests.conftest import example_specs

from tests.build.conftest import HOSTILE


@pytest.fixture(scope="module")
def locked_specs(tmp_path_factory):
    found = {}
    for spec in example_specs() + [HOSTILE]:
        copied = copy_project(tmp_path_factory.mktemp(spec.stem), spec)
        write_test_lock(copied)
        found[spec.name] = copied
    return found


def outcome(spec, targets, allow_unlocked=False) -> dict:
    compiled = compile_files(spec, targets, allow_unlocked=allow_unlocked)
    if compiled.diagnostics:
        return {"errors": [f"{d.code}: {d.message}" for d in compiled.diagnostics]}
    return dict(sorted(compiled.files.items()))


@pytest.mark.parametrize("target", TARGETS)
def test_golden(locked_specs, spec_name, target, snapshot):
    assert outcome(locked_specs[spec_name], [target]) == snapshot


def test_golden_unlocked_tiny(locked_specs, snapshot):
    """An env without an image digest: --allow-unlocked, and the header says so."""
    files = outcome(locked_specs["tiny.xspec"], ["docker", "apptainer"], allow_unlocked=True)
    assert all("UNLOCKED (--allow-unlocked)" in text for name, text in files.items()
               if name.endswith(("Dockerfile", ".def")))
    assert files == snapshot


def test_golden_all_skips_what_does_not_apply(locked_specs):
    compiled = compile_files(locked_specs["mpi_simulation.xspec"], ["all"], allow_unlocked=True)
    assert not compiled.failed
    assert compiled.skipped == ["nix: env `mpi` has no nixpkgs pin"]
    assert {name.split("/")[0] for name in compiled.files} == {"ir", "lock", "slurm", "docker", "apptainer"}


@pytest.fixture(scope="module")
def fit_project(tmp_path_factory):
    from tests.conftest import FIXTURES

    copied = copy_project(tmp_path_factory.mktemp("variants"), FIXTURES / "run" / "variants" / "fit.xspec")
    write_test_lock(copied)
    return copied


@pytest.mark.parametrize("target", ["ir", "slurm", "k8s"])
def test_golden_variant(fit_project, target, snapshot):
    """`--variant smoke`: one job, the variant in the digest, the IR and every header."""
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    compiled = compile_spec(fit_project, [target], Options(allow_unlocked=True), variant="smoke")
    assert not compiled.diagnostics, [f"{d.code}: {d.message}" for d in compiled.diagnostics]
    assert dict(sorted(compiled.files.items())) == snapshot


def test_golden_variant_local_runner(fit_project, snapshot):
    """The job runner `xspec run --variant smoke` bundles and runs."""
    from xspec.run.executor import local_runner
    from xspec.run.plan import make_plan

    assert local_runner(make_plan(fit_project, variant="smoke")) == snapshot
