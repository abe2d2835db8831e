"""Positions between xspec and LSP, and diagnostics and edits into LSP's types.

xspec spans are 1-based lines and columns counted in code points; LSP positions are
0-based lines and columns counted in the code units of the negotiated encoding
(UTF-16 unless client and server agreed on UTF-8 or UTF-32). Lines break at ``\\n``
only, as the lexer counts them, so a stray ``\\r`` or form feed never shifts a line.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types as lsp

from xspec.diagnostics import Diagnostic, Edit, Severity
from xspec.source import Span

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_NEWLINE = re.compile("\n")

_SEVERITY = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
}


def _units(char: str, encoding: str) -> int:
    """How many code units one code point takes in ``encoding``."""
    if encoding == UTF32:
        return 1
    if encoding == UTF8:
        return len(char.encode("utf-8", "surrogatepass"))
    return 2 if ord(char) > 0xFFFF else 1


class LineIndex:
    """Line starts of one text, for converting offsets, spans and LSP positions."""

    def __init__(self, text: str, encoding: str = UTF16):
        self.text = text
        self.encoding = str(encoding or UTF16)
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def line_text(self, line: int) -> str:
        """The text of 0-based ``line``, without its line break."""
        if not 0 <= line < len(self.starts):
            return ""
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[line]:end]

    def character(self, line: int, column: int) -> int:
        """Code units before 0-based code-point ``column`` of 0-based ``line``."""
        prefix = self.line_text(line)[:max(0, column)]
        if self.encoding == UTF32 or prefix.isascii():
            return len(prefix)
        return sum(_units(c, self.encoding) for c in prefix)

    def column(self, line: int, character: int) -> int:
        """The code-point column of LSP ``character`` on 0-based ``line``; clamped to the line."""
        text = self.line_text(line)
        if self.encoding == UTF32 or text.isascii():
            return max(0, min(character, len(text)))
        used = 0
        for index, char in enumerate(text):
            used += _units(char, self.encoding)
            if used > character:
                return index
        return len(text)

    def offset(self, position: lsp.Position) -> int:
        """The code-point offset into the text of an LSP position."""
        line = max(0, min(position.line, len(self.starts) - 1))
        if position.line >= len(self.starts):
            return len(self.text)
        return self.starts[line] + self.column(line, position.character)

    def position(self, offset: int) -> lsp.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return lsp.Position(line, self.character(line, offset - self.starts[line]))

    def span_range(self, span: Span) -> lsp.Range:
        """The LSP range of a span, from its lines and columns (always set, unlike offsets)."""
        start = lsp.Position(span.line - 1, self.character(span.line - 1, span.column - 1))
        end = lsp.Position(span.end_line - 1, self.character(span.end_line - 1, span.end_column - 1))
        if (end.line, end.character) < (start.line, start.character):
            end = start
        return lsp.Range(start, end)

    def offsets_range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(self.position(start), self.position(end))

    def whole(self) -> lsp.Range:
        return self.offsets_range(0, len(self.text))


def diagnostic(d: Diagnostic, index: LineIndex, docs_url=None) -> lsp.Diagnostic:
    """One xspec diagnostic as LSP shows it: the CLI's code, message and hints."""
    message = d.message + "".join(f"\nhelp: {hint}" for hint in d.hints if hint)
    href = docs_url(d.code) if docs_url else None
    return lsp.Diagnostic(
        range=index.span_range(d.span),
        message=message,
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
        code=d.code,
        code_description=lsp.CodeDescription(href=href) if href else None,
        source="xspec",
        data={"fix": d.fix is not None},
    )


def text_edit(edit: Edit, index: LineIndex) -> lsp.TextEdit:
    return lsp.TextEdit(range=index.offsets_range(edit.start, edit.end), new_text=edit.text)
