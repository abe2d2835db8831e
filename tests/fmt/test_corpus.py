"""Idempotency and meaning over every spec in the repository (fixtures/, specs/ and the
bundled stdlib/), including files other stages add later. Files with syntax errors are
left out: the formatter refuses them, which test_api checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fmt.support import fmt, parses, shape

ROOT = Path(__file__).resolve().parents[2]


def _text(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", newline="") as f:
            return f.read().removeprefix("\ufeff")
    except UnicodeDecodeError:
        return None


def _formattable() -> dict[Path, str]:
    found = sorted(p for folder in ("fixtures", "specs", "stdlib") for p in (ROOT / folder).rglob("*.xspec"))
    texts = {path: _text(path) for path in found}
    return {path: text for path, text in texts.items() if text is not None and parses(text)}


CORPUS = _formattable()
SPECS = list(CORPUS)


def _parsing(path: Path) -> str:
    return CORPUS[path]


def test_the_corpus_is_not_empty():
    assert len(CORPUS) > 50


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_twice_changes_nothing(path: Path):
    once = fmt(_parsing(path))
    assert fmt(once) == once


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_formatting_keeps_the_meaning(path: Path):
    text = _parsing(path)
    assert shape(fmt(text)) == shape(text)
