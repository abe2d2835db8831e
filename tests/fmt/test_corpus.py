"""Idempotency and meaning over every spec in the repository (fixtures/, specs/ and the
bundled stdlib/), including files other stages add later. Files with syntax errors are
skipped: the formatter refuses them, which test_api checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fmt.support import fmt, parses, shape

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted(p for folder in ("fixtures", "specs", "stdlib") for p in (ROOT / folder).rglob("*.xspec"))


def _text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read().removeprefix("\ufeff")


def _parsing(path: Path) -> str:
    try:
        text = _text(path)
    except UnicodeDecodeError:
        pytest.skip("not UTF-8")
    if not parses(text):
        pytest.skip("has syntax errors")
    return text


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_twice_changes_nothing(path: Path):
    once = fmt(_parsing(path))
    assert fmt(once) == once


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_keeps_the_meaning(path: Path):
    text = _parsing(path)
    assert shape(fmt(text)) == shape(text)
