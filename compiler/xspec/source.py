"""Source files and spans: the positions every node and diagnostic carries."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple


class Span(NamedTuple):
    """A region of one source file: 1-based lines and columns, end exclusive.

    ``start`` and ``end`` are 0-based character offsets into the text, so editors
    and fixers can slice without recounting lines. A named tuple, not a dataclass:
    every token and node gets one, and a tuple is immutable and about three times
    quicker to make than a frozen dataclass.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    def to(self, other: Span) -> Span:
        """The span from the start of this one to the end of ``other``."""
        return Span(self.path, self.line, self.column, other.end_line, other.end_column,
                    self.start, other.end)

    def shifted(self, lines: int, offset: int) -> Span:
        return Span(self.path, self.line + lines, self.column, self.end_line + lines,
                    self.end_column, self.start + offset, self.end + offset)


class SourceFile(NamedTuple):
    """The text of one spec, with the path it is reported under."""

    path: str
    text: str

    @classmethod
    def read(cls, path: str | Path, display: str | None = None) -> SourceFile:
        """Read a file as UTF-8; raises OSError or UnicodeDecodeError for the caller to report."""
        data = Path(path).read_bytes()
        text = data.decode("utf-8")
        if text.startswith("\ufeff"):
            text = text[1:]
        return cls(display or str(path), text)

    def line_text(self, line: int) -> str:
        lines = self.lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @property
    def lines(self) -> list[str]:
        """The text's lines (shared: do not modify the list)."""
        return _lines(self.text)

    def span_at(self, offset: int, length: int = 1) -> Span:
        """A span for a raw offset, for errors found before there is a tree."""
        offset = max(0, min(offset, len(self.text)))
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return Span(self.path, line, column, line, column + length, offset, offset + length)

    def whole(self) -> Span:
        return self.span_at(0, 0)


@lru_cache(maxsize=64)
def _lines(text: str) -> list[str]:
    """Split once per text: reports ask for the lines of one file again and again."""
    return text.splitlines() or [""]
