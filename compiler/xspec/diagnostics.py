"""The one diagnostic type, and the bag every stage reports into.

Diagnostics, fixes and edits are named tuples: immutable, picklable between worker
processes, and (unlike frozen dataclasses on Python 3.11) free to define at import.
"""

from __future__ import annotations

import enum
from typing import Iterable, NamedTuple

from xspec.record import Record, new
from xspec.source import Span


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` over a bag gives the worst one."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


class Edit(NamedTuple):
    """Replace the text between two offsets of a file with ``text``."""

    start: int
    end: int
    text: str


class Fix(NamedTuple):
    """A suggested change; ``safe`` fixes keep the spec's meaning and apply with ``--fix``."""

    message: str
    edits: tuple[Edit, ...]
    safe: bool = True


class Diagnostic(NamedTuple):
    code: str
    severity: Severity
    span: Span
    message: str
    hints: tuple[str, ...] = ()
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple:
        s = self.span
        return (s.path, s.line, s.column, self.code, self.message)

    def to_dict(self) -> dict:
        s = self.span
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "hints": list(self.hints),
            "path": s.path,
            "line": s.line,
            "column": s.column,
            "end_line": s.end_line,
            "end_column": s.end_column,
            "fix": None if self.fix is None else {
                "message": self.fix.message,
                "safe": self.fix.safe,
                "edits": [{"start": e.start, "end": e.end, "text": e.text} for e in self.fix.edits],
            },
        }


class DiagnosticBag(Record):
    """Collects diagnostics from every stage so the user sees all of them at once."""

    items: list[Diagnostic] = new(list)

    def add(self, code: str, span: Span, *args: object, hints: tuple[str, ...] | list[str] = (),
            fix: Fix | None = None, severity: Severity | None = None) -> Diagnostic:
        """Report ``code`` with its registered message template filled from ``args``."""
        from xspec.codes import CODES

        info = CODES[code]
        diagnostic = Diagnostic(code, severity or info.severity, span,
                                info.message.format(*args), tuple(hints), fix)
        self.items.append(diagnostic)
        return diagnostic

    def extend(self, diagnostics) -> None:
        self.items.extend(diagnostics)

    def sorted(self) -> list[Diagnostic]:
        unique = {(d.sort_key, d.severity): d for d in self.items}
        return sorted(unique.values(), key=lambda d: d.sort_key)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.items)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    """Whether any of ``diagnostics`` is an error: what stops a build, a lock or a write.
    Every "has errors" in xspec asks this (warnings fail `check` only by configuration)."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The errors among ``diagnostics``, in their order."""
    return [d for d in diagnostics if d.severity is Severity.ERROR]
