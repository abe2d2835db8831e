"""Renderers: diagnostics to text for people and machines. One module per format."""

from __future__ import annotations

from typing import Callable

FORMATS = ("full", "concise", "json", "sarif", "github")


def renderer(name: str) -> Callable:
    """The ``render(diagnostics, sources) -> str`` function of a format."""
    if name == "json":
        from xspec.report.json_format import render
    elif name == "concise":
        from xspec.report.concise import render
    elif name == "sarif":
        from xspec.report.sarif import render
    elif name == "github":
        from xspec.report.github import render
    else:
        from xspec.report.human import render
    return render
