"""The rustc/ruff-shaped report: header line, location, source line, carets, help."""

from __future__ import annotations

import os

from xspec.diagnostics import Diagnostic, Severity
from xspec.report.printable import printable, printable_line
from xspec.source import SourceFile

_COLORS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_BOLD, _BLUE, _RESET = "\x1b[1m", "\x1b[1;34m", "\x1b[0m"


def render(diagnostics: list[Diagnostic], sources: dict[str, SourceFile], color: bool = False) -> str:
    from xspec.lint.secrets import redact

    sources = redact(sources, diagnostics)       # whoever calls, a secret is never echoed
    blocks = [render_one(d, sources.get(d.span.path), color) for d in diagnostics]
    return "\n".join(blocks) + ("\n" if blocks else "") + summary(diagnostics)


def render_one(d: Diagnostic, source: SourceFile | None, color: bool = False) -> str:
    paint = _painter(color)
    span = d.span
    gutter = " " * len(str(span.line))
    lines = [paint(f"{d.severity}[{d.code}]", _COLORS[d.severity]) + paint(f": {printable(d.message)}", _BOLD),
             f"{gutter}{paint('-->', _BLUE)} {printable(span.path)}:{span.line}:{span.column}"]
    if source is not None and span.line <= len(source.lines):
        raw = source.line_text(span.line)
        text, carets = printable_line(raw), _carets(span, raw)
        lines += [f"{gutter} {paint('|', _BLUE)}",
                  f"{paint(str(span.line), _BLUE)} {paint('|', _BLUE)} {text}",
                  f"{gutter} {paint('|', _BLUE)} {paint(carets, _COLORS[d.severity])}"]
    for hint in d.hints:
        lines.append(f"{gutter} {paint('=', _BLUE)} {paint('help', _BOLD)}: {printable(hint)}")
    return "\n".join(lines) + "\n"


def _carets(span, raw: str) -> str:
    """Carets under the span as the escaped line shows it (an escape is wider than its character)."""
    start = span.column - 1
    width = _caret_width(span, raw)
    return " " * len(printable_line(raw[:start])) + "^" * max(1, len(printable_line(raw[start:start + width])))


def _caret_width(span, text: str) -> int:
    end = span.end_column if span.end_line == span.line else len(text) + 1
    return max(1, min(end, len(text) + 1) - span.column)


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = sum(d.severity is Severity.WARNING for d in diagnostics)
    if not diagnostics:
        return "All checks passed.\n"
    return f"Found {errors} error{'s' * (errors != 1)} and {warnings} warning{'s' * (warnings != 1)}.\n"


def _painter(color: bool):
    if not color:
        return lambda text, style: text
    return lambda text, style: f"{style}{text}{_RESET}"


def use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()
