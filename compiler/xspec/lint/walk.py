"""Small queries over the AST and the checked model that many rules share."""

from __future__ import annotations

from typing import Any, Iterator

from xspec.source import Span
from xspec.syntax import ast
from xspec.types import model as M

# Free text: what these say is prose, not something a job runs with.
PROSE_FIELDS = ("description",)


# ---- the checked model ---------------------------------------------------------------

def placeholders(value: Any) -> Iterator[M.Placeholder]:
    """Placeholders inside a checked value: a Template, an argv list, a map, a list."""
    if isinstance(value, M.Placeholder):
        yield value
    elif isinstance(value, M.Template):
        yield from value.placeholders
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from placeholders(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from placeholders(item)


def run_placeholders(exp: M.Experiment) -> set[M.Placeholder]:
    return set(placeholders(exp.run))


def job_placeholders(exp: M.Experiment) -> set[M.Placeholder]:
    """What the job sees of params, builtins, data and secrets: run, outputs, vars, workdir."""
    return set(placeholders([exp.run, exp.outputs, exp.vars, exp.workdir]))


def uses(found: set[M.Placeholder], kind: str, name: str) -> bool:
    return any(p.kind == kind and p.name == name for p in found)


def effective_vars(exp: M.Experiment) -> dict[str, Any]:
    """The job's environment variables: env's, then the profile's, then the experiment's."""
    merged: dict[str, Any] = {}
    for source in (exp.env, exp.determinism):
        merged.update(getattr(source, "vars", None) or {})
    merged.update(exp.vars or {})
    return merged


# ---- spans -------------------------------------------------------------------------------

def field_span(block: ast.Block | None, name: str, whole: bool = False) -> Span | None:
    """The span of a field's value (or of the whole ``key = value`` with ``whole``)."""
    found = block.field(name) if block is not None else None
    if found is None:
        return None
    return found.span if whole else found.value.span


def name_span(block: ast.Block) -> Span:
    return (block.name or block.kind).span


def map_entry(block: ast.Block | None, field: str, key: str) -> ast.Field | None:
    found = block.field(field) if block is not None else None
    if found is None or not isinstance(found.value, ast.MapExpr):
        return None
    return next((e for e in found.value.entries if e.key.text == key), None)


def list_items(block: ast.Block | None, field: str) -> tuple:
    found = block.field(field) if block is not None else None
    if found is None or not isinstance(found.value, ast.ListExpr):
        return ()
    return found.value.items


def line_indent(text: str, offset: int) -> str:
    """The leading whitespace of the line holding ``offset``."""
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:offset]
    return line[:len(line) - len(line.lstrip())]
