"""Positions: xspec's 1-based code-point columns against LSP's 0-based code units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lsprotocol import types as lsp

from xspec.diagnostics import Diagnostic, Edit, Severity
from xspec.lsp.convert import UTF8, UTF16, UTF32, LineIndex, diagnostic, text_edit
from xspec.source import SourceFile

TEXT = 'a = "é🚀"\nb = 1\r\nc\fd = 2\n'


@pytest.mark.parametrize("encoding, character", [(UTF16, 8), (UTF8, 11), (UTF32, 7)])
def test_a_column_after_non_ascii_counts_code_units(encoding, character):
    index = LineIndex(TEXT, encoding)
    assert index.character(0, 7) == character          # just before the closing quote
    assert index.column(0, character) == 7


def test_a_position_inside_a_surrogate_pair_rounds_down():
    index = LineIndex(TEXT, UTF16)
    assert index.column(0, 7) == 6                      # half of the rocket: the rocket


def test_only_newlines_break_lines():
    index = LineIndex(TEXT)
    assert index.line_text(1) == "b = 1\r"
    assert index.line_text(2) == "c\fd = 2"             # a form feed is not a line break
    assert index.offset(lsp.Position(2, 2)) == TEXT.index("d = 2")


def test_positions_past_the_end_are_clamped():
    index = LineIndex("ab\ncd")
    assert index.offset(lsp.Position(0, 99)) == 2
    assert index.offset(lsp.Position(9, 0)) == 5
    assert index.position(99) == lsp.Position(1, 2)


def test_a_span_becomes_the_range_of_the_same_characters():
    source = SourceFile("t.xspec", TEXT)
    span = source.span_at(TEXT.index("1"), 1)
    found = diagnostic(Diagnostic("E203", Severity.ERROR, span, "m", ("a hint",)), LineIndex(TEXT))
    assert found.range == lsp.Range(lsp.Position(1, 4), lsp.Position(1, 5))
    assert found.message == "m\nhelp: a hint"
    assert found.severity == lsp.DiagnosticSeverity.Error and found.code == "E203"


def test_an_edit_converts_with_its_offsets():
    edit = text_edit(Edit(TEXT.index("🚀"), TEXT.index("🚀") + 1, "x"), LineIndex(TEXT))
    assert edit.range == lsp.Range(lsp.Position(0, 6), lsp.Position(0, 8))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), st.data())
def test_offsets_survive_a_round_trip_in_every_encoding(text, data):
    offset = data.draw(st.integers(0, len(text)))
    for encoding in (UTF8, UTF16, UTF32):
        index = LineIndex(text, encoding)
        assert index.offset(index.position(offset)) == offset
