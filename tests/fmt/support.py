"""Helpers shared by the formatter tests: formatting a string and comparing trees."""

from __future__ import annotations


from xspec.fmt import format_source
from xspec.fmt.formatter import needs_quotes
from xspec.source import SourceFile
from xspec.syntax import ast
from xspec.syntax.parser import parse


def fmt(text: str, path: str = "test.xspec") -> str:
    """Format text that must parse."""
    out, diagnostics = format_source(SourceFile(path, text))
    assert out is not None, [d.to_dict() for d in diagnostics]
    return out


def parses(text: str) -> bool:
    _, diagnostics = parse(SourceFile("test.xspec", text))
    return not diagnostics


def shape(text: str):
    """The parse tree of ``text`` without positions: what formatting must preserve."""
    module, diagnostics = parse(SourceFile("test.xspec", text))
    assert not diagnostics, [d.to_dict() for d in diagnostics]
    return _shape(module)


def _shape(node):
    if isinstance(node, ast.Module):
        # Comments have no node to hang on, so they are compared as texts in order;
        # the formatter strips trailing whitespace (and the \r of CRLF files) from them.
        return ("Module", _shape(node.header), _shape(node.items),
                tuple(c.text.rstrip() for c in node.comments))
    if isinstance(node, ast.Field):
        # The formatter drops quotes a key does not need: that is its one normalisation.
        return ("Field", _shape(node.key), _shape(node.value),
                node.quoted_key and needs_quotes(node.key.text))
    if ast.is_node(node):
        return (type(node).__name__,) + tuple(
            (name, _shape(getattr(node, name))) for name in node._fields if name != "span")
    if isinstance(node, tuple):
        return tuple(_shape(item) for item in node)
    return node
