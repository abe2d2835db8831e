"""Machine-readable diagnostics: a JSON list, one object per diagnostic."""

from __future__ import annotations

import json

from xspec.diagnostics import Diagnostic


def render(diagnostics: list[Diagnostic], sources, color: bool = False) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], indent=2) + "\n"
