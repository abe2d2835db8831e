"""One-line lint test cases: a spec's text (or a fixture) in, the codes out."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

from tests.conftest import FIXTURES
from xspec.lint import lint_file
from xspec.lint.config import Overrides, settings_for

LINT_FIXTURES = FIXTURES / "lint"


def by_line(path: Path, code: str | None = None, **overrides) -> set[tuple[int, str]]:
    """(line, code) of what `xspec check` reports in ``path`` itself: every error, and
    the lint findings of ``code`` (all of them when ``code`` is None)."""
    settings = settings_for(path, Overrides(**overrides))
    found, _ = lint_file(path, settings)
    shown = os.path.relpath(path)
    return {(d.span.line, d.code) for d in found
            if d.span.path == shown and (code is None or d.code == code or d.code[0] == "E")}


def lint(text: str, tmp_path: Path, name: str = "t.xspec", **overrides) -> list[str]:
    """Codes reported for ``text`` (dedented) written to ``tmp_path/name``, in order."""
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    found, _ = lint_file(path, settings_for(path, Overrides(**overrides)))
    return [d.code for d in found]


def diagnostics(text: str, tmp_path: Path, name: str = "t.xspec", **overrides):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return lint_file(path, settings_for(path, Overrides(**overrides)))[0]
