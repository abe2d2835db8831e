"""Re-parse only the top-level items an edit touched: what keeps diagnostics fast.

Parsing is most of the time a check takes. An edit usually changes one top-level item,
so the server splits the text where the parser's own recovery splits it (a line that
starts with a letter), parses each piece alone with the public ``parse`` and caches the
trees by text; a piece that moved only has its spans shifted. When every piece parses
cleanly, the pieces together are exactly the tree of the whole text (each piece is a
run of complete items, and items are separated by newlines). Anything else (a syntax
error, a header after the first piece, a member that starts in column 1) goes to the
core's ``parse`` unchanged, so results always equal what ``xspec check`` computes;
tests/lsp/test_incremental.py checks that equality on mangled specs.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from typing import Any

from xspec.source import SourceFile, Span
from xspec.syntax import ast
from xspec.syntax import parser as core

_ITEM_START = re.compile(r"^[A-Za-z_]", re.M)   # the parser's own split for recovery
CACHE_SIZE = 1024   # pieces (top-level items); a few hundred per 50 open specs
# (path, piece text) -> (line, offset, tree there, diagnostics of the piece alone)
_cache: OrderedDict[tuple[str, str], tuple[int, int, ast.Module, list]] = OrderedDict()
_PLANS: dict[type, tuple[tuple[str, bool], ...]] = {}


def parse(source: SourceFile):
    """``xspec.syntax.parser.parse``, reusing the trees of unchanged items."""
    if len(source.text) > core.MAX_SOURCE_BYTES:   # refused whole (E020), not piece by piece
        return core.parse(source)
    pieces = _pieces(source)
    if pieces is None:
        return core.parse(source)
    header, items, comments = None, list[ast.Item](), list[ast.Comment]()
    for index, module in enumerate(pieces):
        header = module.header if index == 0 else header
        items.extend(module.items)
        comments.extend(module.comments)
    return ast.Module(source.path, header, tuple(items), tuple(comments),
                      _module_span(source.path, header, items)), []


def _pieces(source: SourceFile) -> list[ast.Module] | None:
    """Each piece's tree, in place; None when the fast path cannot be taken."""
    text = source.text
    starts = [m.start() for m in _ITEM_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    bounds = list(zip(starts, starts[1:] + [len(text)]))
    found, line = [], 0
    for index, (begin, end) in enumerate(bounds):
        module, diagnostics = _parsed(source.path, text[begin:end], line, begin)
        if diagnostics or (index > 0 and module.header is not None):
            return None
        found.append(module)
        line += text.count("\n", begin, end)
    return found


def _parsed(path: str, piece: str, line: int, begin: int) -> tuple[ast.Module, list]:
    """The tree of ``piece`` where it now starts; cached where it last was, and moved."""
    key = (path, piece)
    hit = _cache.get(key)
    if hit is None:
        module, diagnostics = core.parse(SourceFile(path, piece))
        hit = (0, 0, module, diagnostics)
    else:
        _cache.move_to_end(key)
    was_line, was_begin, module, diagnostics = hit
    if (was_line, was_begin) != (line, begin) and not diagnostics:
        module = _shift(module, line - was_line, begin - was_begin)
    _cache[key] = (line, begin, module, diagnostics)
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return module, diagnostics


def _module_span(path: str, header, items: list) -> Span:
    """The span the grammar's `start` rule gives: first part to last part."""
    parts = ([header] if header is not None else []) + items
    if not parts:
        return Span(path, 1, 1, 1, 1, 0, 0)
    return parts[0].span.to(parts[-1].span)


def _shift(node, lines: int, offset: int):
    """A copy of ``node`` moved down ``lines`` lines and on ``offset`` characters."""
    if type(node) is Span:
        return Span(node.path, node.line + lines, node.column, node.end_line + lines,
                    node.end_column, node.start + offset, node.end + offset)
    if type(node) is tuple:
        return tuple([_shift(n, lines, offset) for n in node])
    plan = _PLANS.get(type(node))
    if plan is None:
        if not ast.is_node(node):
            return node
        plan = _PLANS[type(node)] = _plan(type(node))
    return type(node)(*[getattr(node, name) if plain else _shift(getattr(node, name), lines, offset)
                        for name, plain in plan])


_SCALARS = {"str", "int", "float", "bool"}


def _plan(kind: Any) -> tuple[tuple[str, bool], ...]:
    """Each field, and whether it is a plain value that needs no shifting (by annotation)."""
    return tuple((name, kind.__annotations__[name] in _SCALARS) for name in kind._fields)


def clear() -> None:
    _cache.clear()
