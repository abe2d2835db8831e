"""The canonical printer behind ``xspec fmt``; the layout rules are in docs/formatting.md.

The printer walks the tree and writes each node back from its parts, taking literal
tokens (strings, numbers, quoted keys) verbatim from the source. Layout decisions
depend on the tree, the comments and, for nested blocks only, whether the user wrote
the block on one line; so formatting twice gives the same text as formatting once.
"""

from __future__ import annotations

import re

from xspec.diagnostics import Diagnostic, has_errors
from xspec.fmt.comments import CommentIndex, Entry, Note, has_parens
from xspec.source import SourceFile
from xspec.syntax import ast
from xspec.syntax.parser import parse

WIDTH = 100
INDENT = "  "
KEYWORDS = frozenset({"xspec", "import", "as", "let", "param", "in", "secret", "from", "true", "false"})
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")

_ATOMS = (ast.Str, ast.Int, ast.Float, ast.Quantity)

# How each container breaks: brackets, then what follows each element and the last one.
_EXPLODED = {
    ast.ListExpr: ("[", "]", ",", ","),
    ast.MapExpr: ("{", "}", "", ""),
    ast.Call: ("(", ")", ",", ","),
    ast.TypeExpr: ("(", ")", ",", ","),
    ast.RangeConstraint: ("[", "]", ",", ""),  # the grammar has no trailing comma here
    ast.SetConstraint: ("{", "}", ",", ","),
}


def format_source(source: SourceFile) -> tuple[str | None, list[Diagnostic]]:
    """The canonical text of ``source``, or None when it has syntax errors."""
    module, diagnostics = parse(source)
    if has_errors(diagnostics):
        return None, diagnostics
    return format_module(module, source.text), diagnostics


def format_module(module: ast.Module, text: str) -> str:
    """Print ``module``, parsed from ``text``, in the canonical layout."""
    lines = _Printer(module, text).file()
    body = "\n".join(line.rstrip() for line in "\n".join(lines).split("\n")).strip("\n")
    return body + "\n" if body else ""


def needs_quotes(key: str) -> bool:
    """Keywords stay quoted: as bare keys some of them lex as keywords and do not parse."""
    return NAME.fullmatch(key) is None or key in KEYWORDS


class _Printer:
    def __init__(self, module: ast.Module, text: str):
        self.module = module
        self.text = text
        self.comments = CommentIndex(module, text)
        self._flat_cache: dict[int, str | None] = {}

    def file(self) -> list[str]:
        layout = self.comments.layout(self.module)
        _separate_top_level_items(layout.lines)
        return self._body(layout.lines, 0, "", "")

    # -- sequences -------------------------------------------------------------

    def _body(self, lines: list[Note | Entry], indent: int, sep: str, last_sep: str,
              keep_rows: bool = False) -> list[str]:
        """One line (or more, for a broken element) per comment and element; with
        ``keep_rows``, elements the user wrote on one line share an output line."""
        pad = INDENT * indent
        last = max((i for i, line in enumerate(lines) if isinstance(line, Entry)), default=-1)
        out: list[str] = []
        for index, line in enumerate(lines):
            if line.blank_before:
                out.append("")
            if isinstance(line, Note):
                out.append(pad + line.text)
                continue
            out.extend(pad + text for text in line.hoisted)
            end = last_sep if index == last else sep
            text = self._element(line.node, indent, len(end)) + end
            if keep_rows and self._shares_row(lines, index, out, text):
                out[-1] += " " + text
            else:
                out.append(pad + text)
            if line.trailing:
                out[-1] += "  " + line.trailing
        return out

    def _shares_row(self, lines, index: int, out: list[str], text: str) -> bool:
        """Whether an element continues the previous output line: it did in the source
        (e.g. a `"--lr", lr` pair of an argv list) and nothing forces a break."""
        line, previous = lines[index], lines[index - 1] if index else None
        return (isinstance(previous, Entry) and not previous.trailing and not line.hoisted
                and not line.blank_before and "\n" not in text and "\n" not in out[-1]
                and previous.node.span.end_line == line.node.span.line
                and len(out[-1]) + 1 + len(text) <= WIDTH)

    def _explode(self, node, open_: str, close: str, indent: int, sep: str, last_sep: str) -> str:
        """The container one element per line (lists keep the user's rows), its closing
        bracket back at ``indent``."""
        layout = self.comments.layout(node)
        if layout.is_empty:
            return open_ + close
        first = open_ + ("  " + layout.open_comment if layout.open_comment else "")
        body = self._body(layout.lines, indent + 1, sep, last_sep, self._has_user_rows(node))
        return "\n".join([first, *body, INDENT * indent + close])

    @staticmethod
    def _has_user_rows(node) -> bool:
        """A list the user already laid out over several lines keeps its rows; one written
        on a single line that does not fit gets one element per line."""
        return isinstance(node, ast.ListExpr) and node.span.line != node.span.end_line

    # -- members and items -----------------------------------------------------

    def _element(self, node, indent: int, tail: int) -> str:
        if isinstance(node, ast.Header):
            return "xspec " + self._source(node.span).split()[-1]
        if isinstance(node, ast.Import):
            return f"import {node.path.raw} as {node.alias.text}"
        if isinstance(node, ast.Block):
            return self._block(node, indent)
        return self._pieces(self._parts(node), indent, tail)

    def _parts(self, node) -> list:
        """A one-line construct as literal text and the nodes between it."""
        if isinstance(node, ast.Field):
            return [self._key(node) + " = ", node.value]
        if isinstance(node, ast.Let):
            return [f"let {node.name.text} = ", node.value]
        if isinstance(node, ast.Secret):
            return [f"secret {node.name.text} from ", node.source]
        if isinstance(node, ast.Param):
            return self._param_parts(node)
        return [node]

    def _param_parts(self, param: ast.Param) -> list:
        parts = [f"param {param.name.text}: ", param.type]
        if param.constraint is not None:
            parts += [" in ", param.constraint]
        if param.default is not None:
            parts += [" = ", param.default]
        if param.doc is not None:
            parts.append(" " + param.doc.raw)
        return parts

    def _pieces(self, parts: list, indent: int, tail: int) -> str:
        """Print parts in a row; each node may break if its own text runs past the width."""
        out = ""
        for index, part in enumerate(parts):
            if isinstance(part, str):
                out += part
                continue
            column = len(out) - (out.rfind("\n") + 1) + (0 if "\n" in out else len(INDENT * indent))
            rest = sum(len(p if isinstance(p, str) else self._flat(p) or "") for p in parts[index + 1:])
            out += self._expr(part, indent, column, rest + tail)
        return out

    def _block(self, block: ast.Block, indent: int) -> str:
        head = block.kind.text + (" " + block.name.text if block.name else "")
        if self.comments.layout(block).is_empty:
            return head + " {}"
        if indent > 0 and self._stays_on_one_line(block, indent):
            return self._flat(block)
        return self._explode(block, head + " {", "}", indent, "", "")

    def _stays_on_one_line(self, block: ast.Block, indent: int) -> bool:
        """A nested block the user wrote on one line stays so while it holds only short
        fields; blocks written across lines keep their shape (they often grow)."""
        flat = self._flat(block)
        return (flat is not None and "\n" not in self._source(block.span)
                and len(INDENT * indent) + len(flat) <= WIDTH)

    def _key(self, field: ast.Field) -> str:
        if field.quoted_key and needs_quotes(field.key.text):
            return self._source(field.key.span)
        return field.key.text

    def _source(self, span) -> str:
        return self.text[span.start:span.end]

    # -- expressions -----------------------------------------------------------

    def _expr(self, node, indent: int, column: int, tail: int) -> str:
        """The one-line form when it fits in the width and holds no comment, else broken."""
        flat = self._flat(node)
        if flat is not None and column + len(flat) + tail <= WIDTH:
            return flat
        return self._broken(node, indent, column, tail)

    def _broken(self, node, indent: int, column: int, tail: int) -> str:
        if isinstance(node, ast.Neg):
            return "-" + self._expr(node.operand, indent, column + 1, tail)
        brackets = _EXPLODED.get(type(node))
        if brackets is None or (isinstance(node, ast.TypeExpr) and not has_parens(node)):
            return self._flat(node)  # an atom longer than the line: nothing to break
        open_, close, sep, last_sep = brackets
        return self._explode(node, _callee(node) + open_, close, indent, sep, last_sep)

    def _flat(self, node) -> str | None:
        """The node on one line, or None when a comment inside it forces line breaks."""
        key = id(node)
        if key not in self._flat_cache:
            self._flat_cache[key] = self._compute_flat(node)
        return self._flat_cache[key]

    def _compute_flat(self, node) -> str | None:
        if isinstance(node, _ATOMS):
            return node.raw
        if isinstance(node, ast.Bool):
            return "true" if node.value else "false"
        if isinstance(node, ast.Ref):
            return node.dotted
        if isinstance(node, ast.Neg):
            operand = self._flat(node.operand)
            return None if operand is None else "-" + operand
        if isinstance(node, ast.Field):
            value = self._flat(node.value)
            return None if value is None else f"{self._key(node)} = {value}"
        if self.comments.owns_any(node):
            return None
        return self._flat_container(node)

    def _flat_container(self, node) -> str | None:
        if isinstance(node, ast.ListExpr):
            return _wrap("[", self._joined(node.items), "]")
        if isinstance(node, ast.MapExpr):
            return _wrap("{ ", self._joined(node.entries), " }") if node.entries else "{}"
        if isinstance(node, ast.Call):
            return _wrap(node.func.text + "(", self._joined(node.args), ")")
        if isinstance(node, ast.TypeExpr):
            return _wrap(node.name.text + "(", self._joined(node.args), ")") if node.args else node.name.text
        if isinstance(node, ast.RangeConstraint):
            return _wrap("[", self._joined((node.low, node.high)), "]")
        if isinstance(node, ast.SetConstraint):
            return _wrap("{", self._joined(node.items), "}")
        if isinstance(node, ast.Block):
            return self._flat_block(node)
        raise TypeError(f"cannot format {type(node).__name__}")

    def _flat_block(self, block: ast.Block) -> str | None:
        if not all(isinstance(m, ast.Field) for m in block.members):
            return None
        head = block.kind.text + (" " + block.name.text if block.name else "")
        return _wrap(head + " { ", self._joined(block.members), " }")

    def _joined(self, nodes) -> str | None:
        flats = [self._flat(n) for n in nodes]
        return None if None in flats else ", ".join(flats)


def _callee(node) -> str:
    if isinstance(node, ast.Call):
        return node.func.text
    return node.name.text if isinstance(node, ast.TypeExpr) else ""


def _wrap(open_: str, inner: str | None, close: str) -> str | None:
    return None if inner is None else open_ + inner + close


def _separate_top_level_items(lines: list[Note | Entry]) -> None:
    """One blank line between top-level items, before the comments that lead the item;
    runs of imports and runs of lets stay together."""
    previous, group_start = None, 0
    for index, line in enumerate(lines):
        if not isinstance(line, Entry):
            continue
        if previous is not None and _apart(previous, line.node):
            lines[group_start].blank_before = True
        previous, group_start = line.node, index + 1


def _apart(before, after) -> bool:
    together = isinstance(before, (ast.Import, ast.Let)) and type(before) is type(after)
    return not together
