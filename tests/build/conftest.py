"""Session fixtures: every example spec (and the hostile fixture) copied, locked and built once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.build.support import BUILD_FIXTURES, compile_files, copy_project, write_test_lock
from tests.conftest import example_specs

HOSTILE = BUILD_FIXTURES / "hostile" / "hostile.xspec"
HOSTILE_DATA = "data/we ird'$(touch PWNED).csv"


@dataclass
class Built:
    spec: Path            # the copied spec
    out: Path             # the build folder, every target in its own subfolder
    compiled: dict        # every file built: path under out -> text

    def files(self, target: str, suffix: str = "") -> list[Path]:
        return sorted(p for p in (self.out / target).rglob("*") if p.is_file() and p.name.endswith(suffix))


def build_project(tmp: Path, spec: Path) -> Built:
    """Every target that applies to the spec (each built on its own), written under tmp/out."""
    from xspec.backends import TARGETS

    copied = copy_project(tmp, spec)
    write_test_lock(copied)
    files, out = {}, tmp / "out"
    for target in TARGETS:
        compiled = compile_files(copied, [target], allow_unlocked=True)
        codes = {d.code for d in compiled.diagnostics}
        assert codes <= {"BLD005"}, [f"{d.code} {d.message}" for d in compiled.diagnostics]
        files.update(compiled.files)
    for name, text in files.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text)
    return Built(copied, out, files)


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Built]:
    """Spec file name -> its build (test lock; --allow-unlocked for envs without image digests)."""
    found = {}
    for spec in example_specs() + [HOSTILE]:
        found[spec.name] = build_project(tmp_path_factory.mktemp(spec.stem), spec)
    hostile = found[HOSTILE.name].spec.parent
    (hostile / "data").mkdir(exist_ok=True)
    (hostile / HOSTILE_DATA).write_text("x,y\n1,2\n")
    return found


def pytest_generate_tests(metafunc):
    if "spec_name" in metafunc.fixturenames:
        names = [p.name for p in example_specs()] + [HOSTILE.name]
        metafunc.parametrize("spec_name", names)
