"""Where each comment goes when the formatter prints a file.

The parser keeps comments in one flat list, apart from the tree. Here each comment is
given to the innermost *container* (the file, a block, a list, a map, a call's or a
type's parentheses, a range or a set) whose brackets enclose it, and then placed
relative to that container's elements: trailing the open bracket, trailing an
element, on its own line before an element, or on its own line before the closing
bracket. A comment inside an element that is not itself a container (only possible
inside ``[]`` or ``()``, e.g. between ``a.`` and ``b``) goes on its own line before
that element, since there is nowhere else to keep it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any, cast

from xspec.syntax import ast

CONTAINERS = (ast.Module, ast.Block, ast.ListExpr, ast.MapExpr, ast.Call, ast.TypeExpr,
              ast.RangeConstraint, ast.SetConstraint)


@dataclass
class Note:
    """A comment printed on its own line."""

    text: str
    start: int
    end: int
    blank_before: bool = False


@dataclass
class Entry:
    """One element of a container, with the comments that stick to it."""

    node: Any                  # an AST node (a named tuple with a span)
    hoisted: list[str] = field(default_factory=list)
    trailing: str | None = None
    blank_before: bool = False

    @property
    def start(self) -> int:
        return self.node.span.start

    @property
    def end(self) -> int:
        return self.node.span.end


@dataclass
class Layout:
    """A container's elements and comments in print order."""

    open_comment: str | None
    lines: list[Note | Entry]

    @property
    def is_empty(self) -> bool:
        return self.open_comment is None and not self.lines


def elements(node) -> tuple:
    """The elements a container lays out, one per line when exploded."""
    if isinstance(node, ast.Module):
        return ((node.header,) if node.header else ()) + node.items
    if isinstance(node, ast.RangeConstraint):
        return (node.low, node.high)
    for name in ("members", "items", "entries", "args"):
        if hasattr(node, name):
            return getattr(node, name)
    raise TypeError(node)


def has_parens(node: ast.TypeExpr) -> bool:
    return node.span.end > node.name.span.end


class CommentIndex:
    """Answers "how do the comments of this container sit?" for one parsed file."""

    def __init__(self, module: ast.Module, text: str):
        self.text = text
        self._opens: dict[int, int] = {}
        interiors = sorted(self._interiors(module), key=lambda t: t[0])
        self._owned: dict[int, list[ast.Comment]] = {}
        for comment, owner in _innermost(interiors, module.comments):
            self._owned.setdefault(id(owner), []).append(comment)

    def owns_any(self, node) -> bool:
        return bool(self._owned.get(id(node)))

    def layout(self, node) -> Layout:
        """Place the comments ``node`` owns among its elements."""
        open_end = None if isinstance(node, ast.Module) else self._opens[id(node)]
        layout = Layout(None, [Entry(e) for e in elements(node)])
        notes = [note for comment in self._owned.get(id(node), ())
                 if (note := self._place(layout, comment, open_end)) is not None]
        layout.lines = sorted([*layout.lines, *notes], key=lambda line: line.start)
        self._mark_blank_lines(layout.lines, self._opens.get(id(node), 0))
        return layout

    # -- ownership -------------------------------------------------------------

    def _interiors(self, node):
        """(start, end, node) for every container, the text strictly inside its brackets."""
        if isinstance(node, CONTAINERS) and not (isinstance(node, ast.TypeExpr) and not has_parens(node)):
            start, end = self._interior(node)
            self._opens[id(node)] = start
            yield start, end, node
        for child in _children(node):
            yield from self._interiors(child)

    def _interior(self, node) -> tuple[int, int]:
        if isinstance(node, ast.Module):
            return 0, len(self.text)
        if isinstance(node, ast.Block):
            return _find(self.text, (node.name or node.kind).span.end, "{") + 1, node.span.end - 1
        if isinstance(node, (ast.Call, ast.TypeExpr)):
            name = node.func if isinstance(node, ast.Call) else node.name
            return _find(self.text, name.span.end, "(") + 1, node.span.end - 1
        return node.span.start + 1, node.span.end - 1

    # -- placement -------------------------------------------------------------

    def _place(self, layout: Layout, comment: ast.Comment, open_end: int | None) -> Note | None:
        """Attach the comment to its neighbour, or return it as a line of its own."""
        text, start = comment.text.rstrip(), comment.span.start
        entries = cast(list[Entry], layout.lines)  # only entries until the notes are merged in
        index = bisect.bisect_right(entries, start, key=lambda e: e.start) - 1
        previous = entries[index] if index >= 0 else None
        if previous is not None and start < previous.end:
            previous.hoisted.append(text)  # inside an element that cannot hold it
        elif previous is not None and self._same_line(previous.end, start):
            previous.trailing = text
        elif previous is None and open_end is not None and self._same_line(open_end, start):
            layout.open_comment = text
        else:
            return Note(text, start, comment.span.end)
        return None

    def _same_line(self, a: int, b: int) -> bool:
        return "\n" not in self.text[a:b]

    def _mark_blank_lines(self, lines: list[Note | Entry], cursor: int) -> None:
        """Remember where the source had a blank line (one or more) between two lines."""
        for index, line in enumerate(lines):
            line.blank_before = index > 0 and self.text.count("\n", cursor, line.start) >= 2
            cursor = line.end


def _innermost(interiors: list[tuple[int, int, object]], comments):
    """Pair each comment with the innermost container around it. Containers nest, so a
    stack of the open ones, swept left to right, has the innermost on top."""
    stack: list[tuple[int, int, object]] = []
    pending = iter(interiors)
    upcoming = next(pending, None)
    for comment in sorted(comments, key=lambda c: c.span.start):
        offset = comment.span.start
        while upcoming is not None and upcoming[0] <= offset:
            _pop_closed(stack, upcoming[0])
            stack.append(upcoming)
            upcoming = next(pending, None)
        _pop_closed(stack, offset)
        yield comment, stack[-1][2]


def _pop_closed(stack: list[tuple[int, int, object]], offset: int) -> None:
    while stack and stack[-1][1] <= offset:
        stack.pop()


def _children(node):
    """Direct child nodes, skipping strings (their ``${}`` refs hold no comments)."""
    if isinstance(node, (ast.Str, ast.Comment)) or not ast.is_node(node):
        return
    yield from (c for c in ast.children(node) if not isinstance(c, ast.Comment))


def _find(text: str, pos: int, char: str) -> int:
    """Offset of ``char`` at or after ``pos``, stepping over whitespace and comments."""
    while text[pos] != char:
        if text[pos] == "#":
            pos = text.index("\n", pos)
        pos += 1
    return pos
