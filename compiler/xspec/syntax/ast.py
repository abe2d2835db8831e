"""The syntax tree: immutable nodes, each with the span it came from.

The tree mirrors the text (nothing is resolved or evaluated here), so the formatter
can print it back and the checker can point at any part of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from xspec.source import Span


@dataclass(frozen=True, slots=True)
class Ident:
    text: str
    span: Span


# ---- expressions -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Str:
    """A string literal. ``parts`` alternates literal text and ``Ref`` interpolations."""

    value: str
    parts: tuple[Union[str, "Ref"], ...]
    raw: str
    span: Span

    @property
    def is_plain(self) -> bool:
        return all(isinstance(p, str) for p in self.parts)


@dataclass(frozen=True, slots=True)
class Int:
    value: int
    raw: str
    span: Span


@dataclass(frozen=True, slots=True)
class Float:
    value: float
    raw: str
    span: Span


@dataclass(frozen=True, slots=True)
class Bool:
    value: bool
    span: Span


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with a unit suffix, such as ``4h`` or ``32GiB``."""

    magnitude: float
    unit: str
    raw: str
    span: Span


@dataclass(frozen=True, slots=True)
class Neg:
    operand: "Expr"
    span: Span


@dataclass(frozen=True, slots=True)
class Ref:
    parts: tuple[Ident, ...]
    span: Span

    @property
    def dotted(self) -> str:
        return ".".join(p.text for p in self.parts)


@dataclass(frozen=True, slots=True)
class Call:
    func: Ident
    args: tuple["Expr", ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple["Expr", ...]
    span: Span


@dataclass(frozen=True, slots=True)
class MapExpr:
    entries: tuple["Field", ...]
    span: Span


Expr = Union[Str, Int, Float, Bool, Quantity, Neg, Ref, Call, ListExpr, MapExpr]


# ---- members and items -------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Field:
    """``key = value``; a key may be quoted, e.g. ``"scikit-learn" = "==1.5.2"``."""

    key: Ident
    value: Expr
    span: Span
    quoted_key: bool = False


@dataclass(frozen=True, slots=True)
class TypeExpr:
    name: Ident
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RangeConstraint:
    low: Expr
    high: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class SetConstraint:
    items: tuple[Expr, ...]
    span: Span


Constraint = Union[RangeConstraint, SetConstraint]


@dataclass(frozen=True, slots=True)
class Param:
    name: Ident
    type: TypeExpr
    constraint: Constraint | None
    default: Expr | None
    doc: Str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Secret:
    name: Ident
    source: Call
    span: Span


@dataclass(frozen=True, slots=True)
class Let:
    name: Ident
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Block:
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


@dataclass(frozen=True, slots=True)
class Header:
    version: int
    span: Span


@dataclass(frozen=True, slots=True)
class Import:
    path: Str
    alias: Ident
    span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    text: str
    span: Span


Item = Union[Import, Let, Block]


@dataclass(frozen=True, slots=True)
class Module:
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
