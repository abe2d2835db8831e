"""GitHub Actions workflow commands: each diagnostic becomes an annotation on the PR.

https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/workflow-commands-for-github-actions
"""

from __future__ import annotations

from xspec.diagnostics import Diagnostic, Severity
from xspec.report.printable import printable

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(diagnostics: list[Diagnostic], sources, color: bool = False) -> str:
    return "".join(render_one(d) + "\n" for d in diagnostics)


def render_one(d: Diagnostic) -> str:
    s = d.span
    end_line = max(s.end_line, s.line)
    properties = {"file": s.path, "line": s.line, "endLine": end_line, "col": s.column,
                  "endColumn": s.end_column if end_line == s.line else None,
                  "title": f"{d.code} ({_name(d.code)})"}
    shown = ",".join(f"{k}={_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{_LEVEL[d.severity]} {shown}::{_data(d.message)}"


def _name(code: str) -> str:
    from xspec.codes import CODES

    info = CODES.get(code)
    return info.name if info else code


def _data(text: str) -> str:
    """The workflow-command escapes, then every other control character made visible."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
