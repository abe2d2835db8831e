"""Source files and spans: the positions every node and diagnostic carries."""

from __future__ import annotations

import bisect
import errno
import os
import re
import stat
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from io import BufferedReader

# The largest spec xspec reads (docs/language.md, "Limits"): a thousand times a large
# real spec, and small enough that parsing the densest such file stays near a gigabyte.
MAX_SOURCE_BYTES = 4 * 1024 * 1024

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class NotRegularFile(OSError):
    """A path that is a FIFO, a device, a socket or a folder: reading one can block forever."""


class SourceTooLarge(OSError):
    """A spec over MAX_SOURCE_BYTES; ``size`` is its size in bytes."""

    def __init__(self, path: str, size: int):
        super().__init__(errno.EFBIG, f"{size:,} bytes, over the limit of {MAX_SOURCE_BYTES:,}", path)
        self.size = size


def open_regular(path: str | Path) -> BufferedReader:
    """``path`` opened for reading in binary, if it is a regular file (symlinks followed);
    NotRegularFile otherwise. Opening is non-blocking, so a FIFO with no writer is
    refused instead of waiting for one, and a device is never read."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a plain file")
            raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind})", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (see ``open_regular``); with ``limit``, SourceTooLarge
    for a file bigger than that, found before reading it."""
    with open_regular(path) as handle:
        if limit is None:
            return handle.read()
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(limit + 1) if size <= limit else b""
        if size > limit or len(data) > limit:   # or it grew while being read
            raise SourceTooLarge(str(path), max(size, len(data)))
        return data


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


def read_regular_text(path: str | Path) -> str:
    """``read_regular`` decoded as UTF-8 (UnicodeDecodeError if it is not)."""
    return read_regular(path).decode("utf-8")


class SourceFile(NamedTuple):
    """The text of one spec, with the path it is reported under."""

    path: str
    text: str

    @classmethod
    def read(cls, path: str | Path, display: str | None = None) -> SourceFile:
        """Read a file as UTF-8; raises OSError (NotRegularFile, SourceTooLarge, ...) or
        UnicodeDecodeError for the caller to report."""
        data = read_regular(path, MAX_SOURCE_BYTES)
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
        starts = _line_starts(self.text)   # not a count from the start: one per error made it n²
        line = bisect.bisect_right(starts, offset)
        column = offset - starts[line - 1] + 1
        return Span(self.path, line, column, line, column + length, offset, offset + length)

    def whole(self) -> Span:
        return self.span_at(0, 0)


@lru_cache(maxsize=16)
def _line_starts(text: str) -> list[int]:
    """The offset where each line starts (after each \\n): ``span_at``'s index."""
    return [0, *(m.end() for m in re.finditer("\n", text))]


@lru_cache(maxsize=64)
def _lines(text: str) -> list[str]:
    """Split once per text: reports ask for the lines of one file again and again."""
    return text.splitlines() or [""]
