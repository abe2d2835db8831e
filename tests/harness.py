"""One-line test cases: a spec's text in, the diagnostic codes out."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from xspec import api
from xspec.resolve.loader import display_path

_EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def codes(text: str, tmp_path: Path | None = None, name: str = "t.xspec") -> list[str]:
    """Codes reported for ``text`` (dedented), sorted by position."""
    text = textwrap.dedent(text).lstrip("\n")
    path = (tmp_path / name) if tmp_path else Path(name)
    if tmp_path:
        path.write_text(text)
    return [d.code for d in api.check(path, None if tmp_path else text).diagnostics]


def expected_by_line(text: str) -> set[tuple[int, str]]:
    """(line, code) pairs written inline as ``# expect: CODE[, CODE]``."""
    found = set()
    for number, line in enumerate(text.splitlines(), 1):
        match = _EXPECT.search(line)
        if match:
            found |= {(number, c.strip()) for c in match.group(1).split(",")}
    return found


def reported_by_line(path: Path, include=lambda code: True) -> set[tuple[int, str]]:
    """(line, code) pairs reported in ``path`` itself (not in the files it imports)."""
    result = api.check(path)
    shown = display_path(path)
    return {(d.span.line, d.code) for d in result.diagnostics
            if d.span.path == shown and include(d.code)}
