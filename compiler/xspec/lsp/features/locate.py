"""Finding things in a syntax tree by position: the innermost nodes under the cursor."""

from __future__ import annotations

from xspec.syntax import ast


def contains(node, offset: int) -> bool:
    """True when ``offset`` is in the node or just after it (where a cursor ends a word)."""
    span = node.span
    return span.start <= offset <= span.end


def path_at(module: ast.Module, offset: int) -> list:
    """The chain of nodes from the module down to the innermost one at ``offset``."""
    chain: list = [module]
    node = module
    while True:
        inner = next((c for c in ast.children(node) if contains(c, offset)), None)
        if inner is None:
            return chain
        chain.append(inner)
        node = inner


def enclosing_blocks(chain: list) -> list[ast.Block]:
    return [n for n in chain if isinstance(n, ast.Block)]


