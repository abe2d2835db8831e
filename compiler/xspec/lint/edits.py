"""Text edits that fixes are made of: replace a value, insert a field, delete a line."""

from __future__ import annotations

from xspec.diagnostics import Edit
from xspec.source import Span
from xspec.syntax import ast


def replace(span: Span, text: str) -> Edit:
    return Edit(span.start, span.end, text)


def quote(value: str) -> str:
    """A string literal for ``value``: backslashes, quotes and ``${`` escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return f'"{escaped.replace(chr(10), chr(92) + "n").replace(chr(9), chr(92) + "t")}"'


def insert_field(text: str, block: ast.Block, field: str, after: tuple[str, ...] = ()) -> Edit:
    """Insert ``field`` (``key = value``) as a new line in ``block``: after the last of the
    fields named in ``after`` that the block has, else before its first member."""
    anchors = [f for f in block.fields() if f.key.text in after]
    if anchors:
        anchor = max(anchors, key=lambda f: f.span.end)
        indent = _indent(text, anchor.span.start)
        return Edit(anchor.span.end, anchor.span.end, f"\n{indent}{field}")
    if block.members:
        first = block.members[0].span
        if _starts_line(text, first.start):
            indent = _indent(text, first.start)
            line_start = first.start - len(indent)
            return Edit(line_start, line_start, f"{indent}{field}\n")
        return Edit(first.start, first.start, f"{field}, ")
    brace = text.index("{", block.span.start) + 1
    return Edit(brace, brace, f" {field} ")


def delete_lines(text: str, span: Span) -> Edit:
    """Remove the lines ``span`` covers, if nothing else is on them; else just the span."""
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    end = len(text) if end < 0 else end + 1
    before, after = text[start:span.start], text[span.end:end]
    if before.strip() == "" and (after.strip() == "" or after.strip().startswith("#")):
        return Edit(start, end, "")
    return Edit(span.start, span.end, "")


def _indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:offset]
    return line[:len(line) - len(line.lstrip())]


def _starts_line(text: str, offset: int) -> bool:
    return text[text.rfind("\n", 0, offset) + 1:offset].strip() == ""
