"""The server's incremental parse equals the core's parse, tree and diagnostics, always."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xspec.lsp import incremental
from xspec.source import SourceFile
from xspec.syntax.parser import parse

from tests.lsp.conftest import REPO

CORPUS = sorted(p for folder in ("specs", "stdlib", "fixtures") for p in (REPO / folder).rglob("*.xspec"))
EDITS = ["", "x", "\n", "{", "}", '"', "#", "7", "  ", "let a = 1\n", "env e {\n", "\nparam p: int = 1",
         "xspec 1\n", "]", "é🚀", "\r\n"]


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None


def _same(path: str, text: str) -> None:
    source = SourceFile(path, text)
    assert incremental.parse(source) == parse(source)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_corpus_file_parses_the_same(path):
    text = _text(path)
    if text is not None:
        _same(str(path), text)
        _same(str(path), text)          # again, from the cache


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 30),
                                                   st.sampled_from(EDITS)), max_size=8))
def test_a_sequence_of_edits_parses_the_same_after_each(path, edits):
    """Typing moves cached items around; each version must equal a fresh parse."""
    text = _text(path)
    if text is None:
        return
    _same("doc.xspec", text)
    for where, cut, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + cut:]
        _same("doc.xspec", text)


def test_a_piece_that_moved_gets_its_new_lines_and_offsets():
    first = "xspec 1\n\nlet a = 1\nlet b = 2\n"
    incremental.parse(SourceFile("m.xspec", first))
    moved = "xspec 1\n\n# new\nlet a = 1\nlet b = 2\n"
    module, _ = incremental.parse(SourceFile("m.xspec", moved))
    b = module.items[1]
    assert (b.span.line, b.span.start) == (5, moved.index("let b"))


def test_the_servers_checks_parse_incrementally(tmp_path):
    from xspec.lsp.features.diagnostics import check

    incremental.clear()
    path = tmp_path / "m.xspec"
    check(path, 'xspec 1\n\nenv e {\n  python = "3.11.9"\n}\n')
    assert 'env e {\n  python = "3.11.9"\n}\n' in {piece for _, piece in incremental._cache}
