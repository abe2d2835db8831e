"""Builds the AST while the LALR parser runs: one method per grammar rule, called with
the rule's children as lark passes them to an embedded transformer (lalr.py's loop
passes the same). Terminals arrive as tokens: ``str`` subclasses with positions,
lark's ``Token`` or lalr.py's."""

from __future__ import annotations

import math
from typing import Any

from xspec.syntax import ast
from xspec.syntax.strings import MAX_STRING_CHARS, StringError, split_string
from xspec.source import Span


class ParseContext:
    """Per-parse state: where spans point and where string errors go."""

    def __init__(self, path: str, line_offset: int = 0, pos_offset: int = 0):
        self.path = path
        self.line_offset = line_offset
        self.pos_offset = pos_offset
        self.errors: list[tuple[str, Span, str]] = []
        self.comments: list[ast.Comment] = []


class _Key:
    """A map key token, which may be a keyword, until ``entry`` unwraps it."""

    __slots__ = ("token", "span")

    def __init__(self, token, span):
        self.token, self.span = token, span


class _Default:
    """The ``= value`` of a param, until ``param`` unwraps it."""

    __slots__ = ("value", "span")

    def __init__(self, value, span):
        self.value, self.span = value, span


def _number(raw: str) -> str:
    return raw.replace("_", "")


_VALUE_TOKENS = {"NAME", "STRING", "INT", "FLOAT", "QUANTITY"}


def _meaningful(children):
    """The children that carry meaning; punctuation is kept by lark only for spans."""
    return [c for c in children
            if c is not None and not (isinstance(c, str) and c.type not in _VALUE_TOKENS)]


def _first_located(children) -> Any:
    """The first child with a position: not a missing optional, not a newline."""
    for child in children:
        if child is not None and not (isinstance(child, str) and child.type == "_NL"):
            return child
    return None


def _with_span(method):
    """Give a callback the span of all its children, punctuation included, and only
    the meaningful children. lark's embedded transformer cannot pass ``meta``."""
    def callback(self, children):
        return method(self, self._children_span(children), _meaningful(children))
    callback.__name__ = method.__name__
    return callback


class AstBuilder:
    """One method per grammar rule; each returns an AST node."""

    def __init__(self) -> None:
        self.ctx = ParseContext("<none>")

    # -- spans -----------------------------------------------------------------

    def _children_span(self, children) -> Span | None:
        first, last = _first_located(children), _first_located(reversed(children))
        if first is None:
            return None
        c = self.ctx
        if isinstance(first, str):
            line, column, start = first.line + c.line_offset, first.column, first.start_pos + c.pos_offset
        else:
            line, column, start = first.span.line, first.span.column, first.span.start
        if isinstance(last, str):
            end_line, end_column, end = last.end_line + c.line_offset, last.end_column, last.end_pos + c.pos_offset
        else:
            end_line, end_column, end = last.span.end_line, last.span.end_column, last.span.end
        return Span(c.path, line, column, end_line, end_column, start, end)

    def _tspan(self, token) -> Span:
        c = self.ctx
        return Span(c.path, token.line + c.line_offset, token.column,
                    token.end_line + c.line_offset, token.end_column,
                    token.start_pos + c.pos_offset, token.end_pos + c.pos_offset)

    def _ident(self, token) -> ast.Ident:
        return ast.Ident(str(token), self._tspan(token))

    def _str(self, token) -> ast.Str:
        span = self._tspan(token)
        raw = str(token)
        try:
            if len(raw) - 2 > MAX_STRING_CHARS:
                raise StringError("E021", f"{len(raw) - 2:,} characters, over the limit of "
                                  f"{MAX_STRING_CHARS:,}", 0, len(raw))
            pieces = split_string(raw)
        except StringError as e:
            start = span.start + e.offset
            self.ctx.errors.append((e.code, Span(span.path, span.line, span.column + e.offset,
                                                 span.line, span.column + e.offset + e.length,
                                                 start, start + e.length), e.message))
            return ast.Str(raw[1:-1], (raw[1:-1],), raw, span)
        parts: list = []
        run: list[str] = []   # text pieces since the last ref, joined once (not += each)
        for kind, value, offset in pieces:
            if kind == "text":
                run.append(value)
                continue
            if run:
                parts.append("".join(run))
                run = []
            parts.append(self._interpolated_ref(value, span, offset))
        if run:
            parts.append("".join(run))
        value = "".join(p if isinstance(p, str) else "${" + p.dotted + "}" for p in parts)
        return ast.Str(value, tuple(parts), raw, span)

    def _interpolated_ref(self, dotted: str, span: Span, offset: int) -> ast.Ref:
        idents = []
        column, start = span.column + offset, span.start + offset
        for name in dotted.split("."):
            idents.append(ast.Ident(name, Span(span.path, span.line, column, span.line,
                                               column + len(name), start, start + len(name))))
            column += len(name) + 1
            start += len(name) + 1
        return ast.Ref(tuple(idents), idents[0].span.to(idents[-1].span))

    # -- top level -------------------------------------------------------------

    @_with_span
    def start(self, span, children):
        header = next((c for c in children if isinstance(c, ast.Header)), None)
        items = tuple(c for c in children if c is not None and not isinstance(c, ast.Header))
        span = span or Span(self.ctx.path, 1, 1, 1, 1, 0, 0)
        return ast.Module(self.ctx.path, header, items, (), span)

    @_with_span
    def header(self, span, children):
        return ast.Header(int(_number(children[0])), span)

    @_with_span
    def import_stmt(self, span, children):
        return ast.Import(self._str(children[0]), self._ident(children[1]), span)

    @_with_span
    def let_stmt(self, span, children):
        return ast.Let(self._ident(children[0]), children[1], span)

    @_with_span
    def block(self, span, children):
        names = [c for c in children if isinstance(c, str) and c.type == "NAME"]
        members = tuple(c for c in children if c is not None and not isinstance(c, str))
        name = self._ident(names[1]) if len(names) > 1 else None
        return ast.Block(self._ident(names[0]), name, members, span)

    def map_key(self, children):
        token = children[0]
        return _Key(token, self._tspan(token))

    @_with_span
    def entry(self, span, children):
        key, value = children
        token = key.token
        quoted = token.type == "STRING"
        ident = ast.Ident(self._str(token).value if quoted else str(token), key.span)
        return ast.Field(ident, value, span, quoted)

    @_with_span
    def field(self, span, children):
        key, value = children
        quoted = key.type == "STRING"
        ident = ast.Ident(self._str(key).value if quoted else str(key), self._tspan(key))
        return ast.Field(ident, value, span, quoted)

    # -- params and secrets ----------------------------------------------------

    @_with_span
    def param(self, span, children):
        name, type_expr, *rest = children
        constraint = next((c for c in rest if isinstance(c, (ast.RangeConstraint, ast.SetConstraint))), None)
        default = next((c.value for c in rest if isinstance(c, _Default)), None)
        doc = next((self._str(c) for c in rest if isinstance(c, str)), None)
        return ast.Param(self._ident(name), type_expr, constraint, default, doc, span)

    @_with_span
    def default(self, span, children):
        return _Default(children[0], span)

    @_with_span
    def type_expr(self, span, children):
        args = tuple(c for c in children[1:] if c is not None)
        return ast.TypeExpr(self._ident(children[0]), args, span)

    @_with_span
    def constraint(self, span, children):
        return children[0]

    @_with_span
    def range(self, span, children):
        return ast.RangeConstraint(children[0], children[1], span)

    @_with_span
    def set(self, span, children):
        return ast.SetConstraint(tuple(c for c in children if c is not None), span)

    @_with_span
    def secret(self, span, children):
        return ast.Secret(self._ident(children[0]), children[1], span)

    # -- expressions -----------------------------------------------------------

    @_with_span
    def string(self, span, children):
        return self._str(children[0])

    @_with_span
    def int(self, span, children):
        return ast.Int(int(_number(children[0])), str(children[0]), span)

    @_with_span
    def float(self, span, children):
        value = float(_number(children[0]))
        if math.isinf(value):
            self.ctx.errors.append(("E009", span, str(children[0])))
        return ast.Float(value, str(children[0]), span)

    @_with_span
    def quantity(self, span, children):
        raw = str(children[0])
        split = len(raw.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
        return ast.Quantity(float(_number(raw[:split])), raw[split:], raw, span)

    @_with_span
    def true(self, span, children):
        return ast.Bool(True, span)

    @_with_span
    def false(self, span, children):
        return ast.Bool(False, span)

    @_with_span
    def neg(self, span, children):
        return ast.Neg(children[0], span)

    @_with_span
    def ref(self, span, children):
        return ast.Ref(tuple(self._ident(t) for t in children), span)

    @_with_span
    def call(self, span, children):
        args = tuple(c for c in children[1:] if c is not None)
        return ast.Call(self._ident(children[0]), args, span)

    @_with_span
    def list(self, span, children):
        return ast.ListExpr(tuple(c for c in children if c is not None), span)

    @_with_span
    def map(self, span, children):
        return ast.MapExpr(tuple(c for c in children if c is not None), span)
