"""Finding things in a syntax tree by position: the innermost nodes under the cursor."""

from __future__ import annotations

from typing import Iterator

from xspec.syntax import ast


def children(node) -> Iterator:
    """The AST nodes directly inside ``node``, in source order."""
    for name in node._fields:
        if name == "span":
            continue
        value = getattr(node, name)
        if ast.is_node(value):
            yield value
        elif type(value) is tuple:
            yield from (v for v in value if ast.is_node(v))


def walk(node) -> Iterator:
    """``node`` and every node below it, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def contains(node, offset: int) -> bool:
    """True when ``offset`` is in the node or just after it (where a cursor ends a word)."""
    span = node.span
    return span.start <= offset <= span.end


def path_at(module: ast.Module, offset: int) -> list:
    """The chain of nodes from the module down to the innermost one at ``offset``."""
    chain: list = [module]
    node = module
    while True:
        inner = next((c for c in children(node) if contains(c, offset)), None)
        if inner is None:
            return chain
        chain.append(inner)
        node = inner


def enclosing_blocks(chain: list) -> list[ast.Block]:
    return [n for n in chain if isinstance(n, ast.Block)]


def ident_at(chain: list, offset: int) -> ast.Ident | None:
    last = chain[-1] if chain else None
    return last if isinstance(last, ast.Ident) and contains(last, offset) else None
