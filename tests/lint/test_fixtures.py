"""Every rule has a fixture, fixtures/lint/<CODE>.xspec, whose offending lines carry
``# expect: CODE``; below a "use instead" marker the same file holds the clean
variants, which must report nothing. A few fixtures are also rendered in full and
compared with their snapshot."""

from __future__ import annotations

import os

import pytest

from tests.harness import expected_by_line
from tests.lint.support import LINT_FIXTURES, by_line
from xspec.lint.registry import all_rules
from xspec.report.human import render

FIXTURES = sorted(LINT_FIXTURES.glob("*.xspec"))
MARKER = "# ---- use instead ----"
WITH_CLEAN_VARIANTS = [p for p in FIXTURES if MARKER in p.read_text(encoding="utf-8")]
SNAPSHOTS = ["DET005", "PIN001", "SEC001", "COR003", "COR006"]


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch):
    monkeypatch.chdir(LINT_FIXTURES.parents[1])


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_fixture_reports_exactly_its_expectations(path):
    code = path.stem
    assert by_line(path, code) == expected_by_line(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", WITH_CLEAN_VARIANTS, ids=lambda p: p.stem)
def test_use_instead_section_is_clean(path):
    text = path.read_text(encoding="utf-8")
    marker = text.find(MARKER)
    first_clean_line = text.count("\n", 0, marker) + 1
    assert not [hit for hit in by_line(path, path.stem) if hit[0] > first_clean_line]


def test_every_rule_has_a_fixture():
    lock_rules = {c for c, r in all_rules().items() if r.module.split(".")[-1].startswith("pin02")}
    missing = set(all_rules()) - lock_rules - {p.stem for p in FIXTURES}
    assert not missing, f"rules without fixtures/lint/<CODE>.xspec: {sorted(missing)}"


def test_every_fixture_expects_its_own_code():
    for path in FIXTURES:
        codes = {code for _, code in expected_by_line(path.read_text(encoding="utf-8"))}
        assert codes == {path.stem}, path.name


@pytest.mark.parametrize("code", SNAPSHOTS)
def test_full_rendering_matches_snapshot(code, snapshot):
    from xspec.lint import lint_file
    from xspec.lint.secrets import redact

    path = os.path.relpath(LINT_FIXTURES / f"{code}.xspec")
    found, result = lint_file(path)
    shown = [d for d in found if d.code == code]
    sources = {m.source.path: m.source for m in result.program.modules.values()}
    assert render(shown, redact(sources, shown)) == snapshot


def test_credentials_in_url_counts_each_url_on_a_line(tmp_path):
    from tests.lint.support import diagnostics

    found = diagnostics('xspec 1\n\n# mirrors: https://a:first-pass@one.example/ '
                        'https://b:second-pass@two.example/\n'
                        '# last line, no newline: https://c:third-pass@three.example/', tmp_path)
    assert [(d.code, d.span.line) for d in found if d.code == "SEC007"] == \
        [("SEC007", 3), ("SEC007", 3), ("SEC007", 4)]
