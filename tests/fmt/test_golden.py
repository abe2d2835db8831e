"""Golden pairs: fixtures/fmt/<case>.input.xspec formats to <case>.expected.xspec.

The expected files are written by hand from docs/formatting.md, not produced by the
formatter, so a change in layout shows up here as a diff to review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fmt.support import fmt, shape

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "fixtures" / "fmt").glob("*.input.xspec"))


def _read(path: Path) -> str:
    # newline="" keeps the \r of the CRLF case, which the formatter must remove itself.
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def _expected(case: Path) -> Path:
    return case.with_name(case.name.replace(".input.", ".expected."))


def test_there_are_enough_cases():
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.split(".")[0])
def test_formats_to_expected(case: Path):
    assert fmt(_read(case)) == _read(_expected(case))


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.split(".")[0])
def test_expected_is_already_formatted(case: Path):
    expected = _read(_expected(case))
    assert fmt(expected) == expected


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name.split(".")[0])
def test_expected_means_the_same_as_input(case: Path):
    assert shape(_read(_expected(case))) == shape(_read(case))
