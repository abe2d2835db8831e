"""The rule catalogue: enough rules in every category, each documented, named and
declared consistently; docs/rules/ generated from them and up to date."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from xspec.codes import CODES, LINT_CODES
from xspec.lint import docs
from xspec.lint.registry import CATEGORIES, RegistryError, all_rules, by_name_or_code, rule
from xspec.diagnostics import Severity

RULES = all_rules()
SECTIONS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead",
            "## Fix safety"]
# The minimum per category (not counting the lock rules, PIN020 on).
MINIMUM = {"determinism": 7, "pinning": 7, "data": 7, "security": 5, "hygiene": 6}


def test_at_least_30_rules():
    assert len(RULES) >= 30


@pytest.mark.parametrize("category,minimum", MINIMUM.items())
def test_each_category_has_its_minimum(category, minimum):
    assert Counter(r.category for r in RULES.values())[category] >= minimum


@pytest.mark.parametrize("code", list(RULES))
def test_rule_is_documented_in_ruff_sections(code):
    doc = RULES[code].doc
    positions = [doc.find(section) for section in SECTIONS]
    assert -1 not in positions, f"{code} lacks {[s for s, p in zip(SECTIONS, positions) if p < 0]}"
    assert positions == sorted(positions), f"{code}: sections out of order"
    assert "```xspec" in doc or "xspec.lock" in doc, f"{code}: no example"


@pytest.mark.parametrize("code", list(RULES))
def test_code_name_and_category_are_consistent(code):
    found = RULES[code]
    assert re.fullmatch(r"[A-Z]{3}\d{3}", code)
    assert CATEGORIES[code[:3]] == found.category
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", found.name), "names are kebab-case words"
    assert CODES[code].name == found.name and CODES[code].severity == found.severity
    assert by_name_or_code(found.name) is found and by_name_or_code(code.lower()) is found


def test_names_and_codes_are_unique():
    names = [r.name for r in RULES.values()]
    assert len(names) == len(set(names))
    assert set(LINT_CODES) >= set(RULES)


def test_registering_a_rule_that_disagrees_with_the_code_table_fails():
    with pytest.raises(RegistryError):
        rule(code="DET001", name="something-else", category="determinism",
             severity=Severity.WARNING)(lambda ctx: ())
    with pytest.raises(RegistryError):
        rule(code="XYZ999", name="not-declared", category="hygiene",
             severity=Severity.WARNING)(lambda ctx: ())


def test_docs_rules_are_up_to_date():
    assert docs.stale() == [], "run `PYTHONPATH=compiler python -m xspec.lint.docs`"


def test_docs_can_be_regenerated_into_an_empty_folder(tmp_path):
    assert docs.write(tmp_path) == len(RULES) + 1
    assert docs.stale(tmp_path) == []
    (tmp_path / "DET001.md").write_text("edited by hand")
    (tmp_path / "OLD999.md").write_text("a rule that no longer exists")
    assert docs.stale(tmp_path) == ["DET001.md", "OLD999.md"]
