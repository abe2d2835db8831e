"""Every fixture under fixtures/check reports exactly the codes written inline as
``# expect: CODE`` on the line where each diagnostic starts, and renders the same
as its snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.harness import expected_by_line, reported_by_line
from xspec import api
from xspec.report.human import render

CASES = sorted((FIXTURES / "check").glob("*.xspec"))


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_reports_exactly_the_expected_codes(path):
    assert reported_by_line(path) == expected_by_line(_text(path))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_rendering_matches_snapshot(path, snapshot, monkeypatch):
    monkeypatch.chdir(path.parent)
    result = api.check(path.name)
    sources = {m.source.path: m.source for m in result.program.modules.values()}
    assert render(result.diagnostics, sources) == snapshot


def test_every_core_code_has_a_fixture():
    from xspec.codes import RESOLVE, SYNTAX, TYPES, VARIANTS

    covered = {code for path in CASES for _, code in expected_by_line(_text(path))}
    untested = set(SYNTAX) | set(RESOLVE) | set(TYPES) | set(VARIANTS)
    untested -= covered
    untested -= {"E005", "E007", "E010", "E114", "E216"}   # tested in test_syntax.py / test_resolve.py
    untested -= {"E020", "E021", "E022", "E115"}   # tested in test_hostile.py
    assert not untested, f"codes without a fixture: {sorted(untested)}"
