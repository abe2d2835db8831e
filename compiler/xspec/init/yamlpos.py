"""YAML with line numbers: every value knows where it was written.

Importers report problems line by line, so they read YAML as a tree of ``Y``
nodes rather than plain dicts. Scalars keep the text the user wrote (`1e-4` stays
`1e-4`), and numbers follow YAML 1.2, as OmegaConf (Hydra) and most people do:
PyYAML alone reads `1e-4` as a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from xspec.init.context import Context, Origin
from xspec.source import SourceFile


class _Loader(yaml.SafeLoader):
    """SafeLoader that also reads `1e-4` and `5E3` as floats (YAML 1.2)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


@dataclass
class Y:
    """A YAML node: ``value`` is a dict of str -> Y, a list of Y, or a Python scalar."""

    value: Any
    origin: Origin
    raw: str = ""            # the scalar's text as written
    plain: bool = True       # an unquoted scalar
    key_origin: Origin | None = None

    @property
    def line(self) -> int:
        return self.origin.line

    def get(self, key: str, default=None):
        if isinstance(self.value, dict):
            return self.value.get(key, default)
        return default

    def plain_value(self) -> Any:
        """The node as plain Python, positions dropped."""
        if isinstance(self.value, dict):
            return {k: v.plain_value() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain_value() for v in self.value]
        return self.value

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_scalar(self) -> bool:
        return not (self.is_map or self.is_list)


def load_mapping(path, ctx: Context, shape: str, at=None) -> Y | None:
    """The YAML file at ``path`` as a mapping; None after reporting why it is not one.
    ``shape`` completes "<file> must be ...", e.g. "a mapping with `dependencies`"."""
    source = ctx.read(path, at=at) if at is not None else ctx.read(path)
    root = load(source, ctx) if source else None
    if root is not None and not root.is_map:
        ctx.error(root.origin, f"{source.path} must be {shape}")
        return None
    return root


def load(source: SourceFile, ctx: Context) -> Y | None:
    """The document's root node; None after reporting a syntax error (or for an empty file)."""
    loader = None
    try:
        loader = _Loader(source.text)
        node = loader.get_single_node()
        return _convert(node, loader, source) if node is not None else None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        ctx.syntax_error(Origin(source, line, column, 1), "YAML", _describe(e))
    except yaml.reader.ReaderError as e:      # a character YAML does not allow
        ctx.syntax_error(source_origin(source, e.position), "YAML",
                         f"character {e.character:#06x} is not allowed in YAML")
    except (yaml.YAMLError, ValueError, TypeError) as e:   # e.g. a date PyYAML cannot construct
        ctx.syntax_error(Origin(source, 1), "YAML", str(e).splitlines()[0] if str(e) else type(e).__name__)
    finally:
        if loader is not None:
            loader.dispose()
    return None


def source_origin(source: SourceFile, offset: int) -> Origin:
    """The place of a character offset in ``source``."""
    span = source.span_at(offset)
    return Origin(source, span.line, span.column, 1)


def _describe(e: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (e.context, e.problem) if p]
    return ", ".join(parts) or "cannot be read"


def _convert(node: yaml.Node, loader: _Loader, source: SourceFile) -> Y:
    origin = Origin(source, node.start_mark.line + 1, node.start_mark.column + 1,
                    _length(node))
    if isinstance(node, yaml.MappingNode):
        return Y(_mapping(node, loader, source), origin)
    if isinstance(node, yaml.SequenceNode):
        return Y([_convert(item, loader, source) for item in node.value], origin)
    value = loader.construct_object(node, deep=True)
    return Y(value, origin, raw=node.value, plain=node.style is None)


def _mapping(node: yaml.MappingNode, loader: _Loader, source: SourceFile) -> dict:
    loader.flatten_mapping(node)   # merge keys (<<: *base)
    result: dict[str, Y] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        value = _convert(value_node, loader, source)
        value.key_origin = Origin(source, key_node.start_mark.line + 1,
                                  key_node.start_mark.column + 1, _length(key_node))
        result[str(key)] = value
    return result


def _length(node: yaml.Node) -> int:
    start, end = node.start_mark, node.end_mark
    return max(1, end.column - start.column) if start.line == end.line else 0
