"""One line per diagnostic, ``path:line:col: CODE [*] message``, like ruff's concise output."""

from __future__ import annotations

from xspec.diagnostics import Diagnostic
from xspec.report.human import summary
from xspec.report.printable import printable


def render(diagnostics: list[Diagnostic], sources, color: bool = False) -> str:
    lines = [render_one(d) for d in diagnostics]
    return "".join(line + "\n" for line in lines) + summary(diagnostics)


def render_one(d: Diagnostic) -> str:
    s = d.span
    marker = " [*]" if d.fix is not None and d.fix.safe else ""
    return printable(f"{s.path}:{s.line}:{s.column}: {d.code}{marker} {d.message}")
