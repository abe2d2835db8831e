"""The syntax tree: immutable nodes, each with the span it came from.

The tree mirrors the text (nothing is resolved or evaluated here), so the formatter
can print it back and the checker can point at any part of it.

Nodes are named tuples rather than frozen dataclasses: Python 3.11 compiles several
methods for each dataclass when the module is imported, about 0.3 ms a class, which
was 7 ms of every cold `xspec check`. Two things differ from tuples: nodes of
different kinds never compare equal (see below), and a node is a tuple of its fields,
not of its children: walk trees with ``walk`` and ``children`` (or ask ``is_node``).
"""

from __future__ import annotations

from typing import Any, Iterator, NamedTuple, Union

from xspec.source import Span


class Ident(NamedTuple):
    text: str
    span: Span


# ---- expressions -------------------------------------------------------------

class Str(NamedTuple):
    """A string literal. ``parts`` alternates literal text and ``Ref`` interpolations."""

    value: str
    parts: tuple[Union[str, "Ref"], ...]
    raw: str
    span: Span

    @property
    def is_plain(self) -> bool:
        return all(isinstance(p, str) for p in self.parts)


class Int(NamedTuple):
    value: int
    raw: str
    span: Span


class Float(NamedTuple):
    value: float
    raw: str
    span: Span


class Bool(NamedTuple):
    value: bool
    span: Span


class Quantity(NamedTuple):
    """A number with a unit suffix, such as ``4h`` or ``32GiB``."""

    magnitude: float
    unit: str
    raw: str
    span: Span


class Neg(NamedTuple):
    operand: "Expr"
    span: Span


class Ref(NamedTuple):
    parts: tuple[Ident, ...]
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(p.text for p in self.parts)


class Call(NamedTuple):
    func: Ident
    args: tuple["Expr", ...]
    span: Span


class ListExpr(NamedTuple):
    items: tuple["Expr", ...]
    span: Span


class MapExpr(NamedTuple):
    entries: tuple["Field", ...]
    span: Span


Expr = Union[Str, Int, Float, Bool, Quantity, Neg, Ref, Call, ListExpr, MapExpr]


# ---- members and items -------------------------------------------------------

class Field(NamedTuple):
    """``key = value``; a key may be quoted, e.g. ``"scikit-learn" = "==1.5.2"``."""

    key: Ident
    value: Expr
    span: Span
    quoted_key: bool = False


class TypeExpr(NamedTuple):
    name: Ident
    args: tuple[Expr, ...]
    span: Span


class RangeConstraint(NamedTuple):
    low: Expr
    high: Expr
    span: Span


class SetConstraint(NamedTuple):
    items: tuple[Expr, ...]
    span: Span


Constraint = Union[RangeConstraint, SetConstraint]


class Param(NamedTuple):
    name: Ident
    type: TypeExpr
    constraint: Constraint | None
    default: Expr | None
    doc: Str | None
    span: Span


class Secret(NamedTuple):
    name: Ident
    source: Call
    span: Span


class Let(NamedTuple):
    name: Ident
    value: Expr
    span: Span


class Block(NamedTuple):
    """``kind [name] { members }``, e.g. ``experiment x {}``, ``sweep grid {}``, ``resources {}``."""

    kind: Ident
    name: Ident | None
    members: tuple["Member", ...]
    span: Span

    def fields(self) -> list[Field]:
        return [m for m in self.members if isinstance(m, Field)]

    def field(self, key: str) -> Field | None:
        return next((m for m in self.members if isinstance(m, Field) and m.key.text == key), None)

    def blocks(self, kind: str | None = None) -> list["Block"]:
        return [m for m in self.members if isinstance(m, Block) and kind in (None, m.kind.text)]


Member = Union[Field, Block, Param, Secret, Let]


class Header(NamedTuple):
    version: int
    span: Span


class Import(NamedTuple):
    path: Str
    alias: Ident
    span: Span


class Comment(NamedTuple):
    text: str
    span: Span


Item = Union[Import, Let, Block]


class Module(NamedTuple):
    path: str
    header: Header | None
    items: tuple[Item, ...]
    comments: tuple[Comment, ...]
    span: Span
    unparsed_names: tuple[str, ...] = ()   # top-level items lost to syntax errors

    @property
    def imports(self) -> list[Import]:
        return [i for i in self.items if isinstance(i, Import)]

    @property
    def blocks(self) -> list[Block]:
        return [i for i in self.items if isinstance(i, Block)]

    @property
    def lets(self) -> list[Let]:
        return [i for i in self.items if isinstance(i, Let)]


# Every node class above: the named tuples this module defines (Span is imported).
NODE_TYPES = tuple(kind for kind in list(globals().values())
                   if isinstance(kind, type) and issubclass(kind, tuple) and kind.__module__ == __name__)


def is_node(value) -> bool:
    return type(value) in _NODE_TYPE_SET


def _same_kind_equal(self, other):
    return type(self) is type(other) and tuple.__eq__(self, other)


def _same_kind_unequal(self, other):
    return not (type(self) is type(other) and tuple.__eq__(self, other))


_NODE_TYPE_SET = frozenset(NODE_TYPES)
for _kind in NODE_TYPES:
    # Assigned after the class is made, so each keeps tuple's hash (equal nodes, equal hashes).
    _kind.__eq__, _kind.__ne__ = _same_kind_equal, _same_kind_unequal   # type: ignore[method-assign]


# ---- walking a tree ----------------------------------------------------------

_NO_NODES = {"str", "int", "float", "bool", "Span", "tuple[str, ...]"}   # field annotations


def _child_fields(kind: Any) -> tuple[int, ...]:
    """Positions of the fields of a node type that can hold nodes, last first."""
    return tuple(i for i, name in reversed(list(enumerate(kind._fields)))
                 if kind.__annotations__[name] not in _NO_NODES)


_CHILD_FIELDS = {kind: _child_fields(kind) for kind in NODE_TYPES}


def children(node) -> Iterator:
    """The nodes directly inside ``node``, in source order."""
    for index in reversed(_CHILD_FIELDS[type(node)]):
        value = node[index]
        if type(value) is tuple:
            yield from (v for v in value if is_node(v))
        elif is_node(value):
            yield value


def walk(node: Any, prune=None) -> Iterator[Any]:
    """Every node in ``node`` (a node or a tuple of them, itself included), depth first,
    in source order; ``prune(node)`` true skips a node and everything under it."""
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is tuple:
            stack.extend(reversed(current))
            continue
        fields = _CHILD_FIELDS.get(kind)
        if fields is None or (prune is not None and prune(current)):
            continue
        yield current
        for index in fields:
            child = current[index]
            if type(child) is tuple:
                stack.extend(reversed(child))
            elif child is not None:
                stack.append(child)
