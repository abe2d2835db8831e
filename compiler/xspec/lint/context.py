"""What a rule sees: one checked module, its source, and a way to report.

Rules only see blocks that checked without errors: a half-checked block has
fields missing for reasons the user has already been told about, and a rule
guessing around them would only add noise.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from xspec.diagnostics import Diagnostic, Fix, errors
from xspec.source import Span
from xspec.types import model as M


class LintContext:
    def __init__(self, result, loaded, module: M.CheckedModule, project_root: Path):
        self.result = result                  # api.Result: the whole checked program
        self.loaded = loaded                  # resolve.loader.LoadedModule
        self.module = module
        self.source = loaded.source
        self.path: Path = loaded.key
        self.project_root = project_root
        self.memo: dict = {}                  # per-module results rules share
        self._broken = [d.span for d in errors(result.diagnostics) if d.span.path == self.source.path]

    # -- reporting -----------------------------------------------------------------

    def report(self, code: str, span: Span, *args: Any, hints=(), fix: Fix | None = None) -> Diagnostic:
        """A diagnostic for ``code`` with its message template (xspec.codes) filled in."""
        from xspec.codes import CODES

        info = CODES[code]
        return Diagnostic(code, info.severity, span, info.message.format(*args), tuple(hints), fix)

    # -- what rules look at -----------------------------------------------------------

    def is_clean(self, node) -> bool:
        """No error was reported inside ``node`` (an AST node with a span)."""
        if node is None:
            return False
        span = node.span
        return not any(span.start <= b.start < max(span.end, span.start + 1) for b in self._broken)

    def _clean(self, items: dict) -> list:
        return [item for item in items.values() if self.is_clean(item.node)]

    @property
    def experiments(self) -> list[M.Experiment]:
        return self._clean(self.module.experiments)

    @property
    def envs(self) -> list[M.Env]:
        return self._clean(self.module.envs)

    @property
    def data(self) -> list[M.DataEntry]:
        return self._clean(self.module.data)

    @property
    def profiles(self) -> list[M.Profile]:
        return self._clean(self.module.profiles)

    @cached_property
    def strings(self) -> list:
        """Every string literal a job can see: prose fields (`description`), param docs
        and import paths left out."""
        from xspec.lint.walk import PROSE_FIELDS
        from xspec.syntax import ast

        skip = set()
        for n in self.nodes:
            kind = type(n)
            if kind is ast.Field and n.key.text in PROSE_FIELDS:
                skip.add(id(n.value))
            elif kind is ast.Param and n.doc is not None or kind is ast.Import:
                skip.add(id(n.doc if kind is ast.Param else n.path))
        return [n for n in self.nodes if type(n) is ast.Str and id(n) not in skip]

    def job_placeholders(self, exp) -> set:
        """walk.job_placeholders, once per experiment."""
        from xspec.lint.walk import job_placeholders

        key = ("job", id(exp))
        if key not in self.memo:
            self.memo[key] = job_placeholders(exp)
        return self.memo[key]

    @cached_property
    def refs(self) -> list:
        """Every reference, including ``${...}`` inside strings."""
        from xspec.syntax import ast

        return [n for n in self.nodes if type(n) is ast.Ref]

    @cached_property
    def nodes(self) -> list:
        """Every AST node of the module's items, in source order."""
        from xspec.syntax.ast import walk

        return list(walk(self.module.ast.items))

    @property
    def has_errors(self) -> bool:
        return bool(self._broken)

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def folder(self) -> Path:
        return self.path.parent
