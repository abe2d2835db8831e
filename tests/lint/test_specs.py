"""The example specs lint clean with default settings: if a rule fires on one, either
the spec or the rule is wrong."""

from __future__ import annotations

import os

import pytest

from tests.conftest import REPO, SPECS
from xspec.lint import lint_file
from xspec.lint.registry import all_rules

EXAMPLES = sorted(SPECS.rglob("*.xspec"))
# The lock rules (PIN020 on) need each project's xspec.lock, which `xspec lock` writes
# with network access; they are tested in tests/lock/.
LOCK_RULES = {code for code, r in all_rules().items() if r.module.split(".")[-1].startswith("pin02")}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: str(p.relative_to(SPECS)))
def test_example_spec_lints_clean(path, monkeypatch):
    monkeypatch.chdir(REPO)
    found, _ = lint_file(os.path.relpath(path))
    assert [f"{d.span}: {d.code} {d.message}" for d in found if d.code not in LOCK_RULES] == []
