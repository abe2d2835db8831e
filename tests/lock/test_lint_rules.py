"""The rules that read the lock, on fixtures/lock/lint/: PIN020 pins-without-lock, and
PIN001 unpinned-package, whose fix takes the version from a current lock."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import FIXTURES
from tests.harness import expected_by_line
from xspec.lint import lint_file
from xspec.lint.fixes import apply, wanted

LINT = FIXTURES / "lock" / "lint"
OURS = ("PIN020", "PIN001")


def reported(path) -> set[tuple[int, str]]:
    found, _ = lint_file(path)
    return {(d.span.line, d.code) for d in found if d.code in OURS}


@pytest.mark.parametrize("case", ["no_lock", "current_lock", "stale_lock", "corrupt_lock"])
def test_fixture_reports_exactly_what_it_expects(case):
    path = LINT / case / "envs.xspec"
    assert reported(path) == expected_by_line(path.read_text())


def test_messages_say_why(tmp_path):
    messages = {}
    for case in ("no_lock", "stale_lock", "corrupt_lock"):
        found, _ = lint_file(LINT / case / "envs.xspec")
        messages[case] = [d.message for d in found if d.code == "PIN020"]
    assert messages["no_lock"] == ["env 'torch' has packages but the project has no xspec.lock"]
    assert messages["stale_lock"] == ["env 'app' has packages but its entry in xspec.lock is out of date",
                                      "env 'extra' has packages but xspec.lock has no entry for it"]
    assert "xspec.lock:3: not valid TOML" in messages["corrupt_lock"][0]


def test_the_safe_fix_writes_the_locked_versions():
    path = LINT / "current_lock" / "envs.xspec"
    found, result = lint_file(path)
    shown = result.program.modules[path.resolve()].source.path
    fixes = wanted([d for d in found if d.code == "PIN001" and d.fix], shown, unsafe=False)
    assert len(fixes) == 3 and all(f.safe for f in fixes)
    fixed, count = apply(path.read_text(), fixes)
    assert count == 3
    assert fixed == (LINT / "current_lock" / "envs.fixed.xspec").read_text()


def test_after_locking_the_warning_goes_away(tmp_path):
    project = shutil.copytree(LINT / "no_lock", tmp_path / "p")
    assert reported(project / "envs.xspec") == {(4, "PIN020"), (6, "PIN001")}
    (project / "xspec.lock").write_text(
        'version = 1\nxspec_version = "0.1.0"\n\n[envs.torch]\nspec = "envs.xspec"\npython = "3.11.9"\n'
        'requirements = { numpy = ">=1.26", torch = "==2.3.1" }\n')
    assert reported(project / "envs.xspec") == {(6, "PIN001")}
