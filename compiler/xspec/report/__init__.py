"""Renderers: diagnostics to text for people and machines. One module per format."""

from __future__ import annotations

from typing import Callable

FORMATS = ("full", "concise", "json", "sarif", "github")


def sources_for(diagnostics) -> dict:
    """The files the diagnostics point into, read for showing their lines; a file that
    cannot be read any more is shown without its source lines."""
    from xspec.source import SourceFile

    sources = {}
    for path in {d.span.path for d in diagnostics}:
        try:
            sources[path] = SourceFile.read(path)
        except (OSError, UnicodeDecodeError):
            pass
    return sources


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
