"""Params from values in config files: names, types inferred from values, literals as written.

A config value says its type but not its range, so every inferred param is written
without `in [...]`; the writer adds one comment saying so, for the user to fill in.
"""

from __future__ import annotations

import math
import re

from xspec.init.context import Context, Origin
from xspec.init.draft import Param, Raw
from xspec.init.yamlpos import Y

_INT = re.compile(r"-?[0-9][0-9_]*")
_FLOAT = re.compile(r"-?(?:[0-9][0-9_]*\.[0-9_]+(?:[eE][+-]?[0-9]+)?|[0-9][0-9_]*[eE][+-]?[0-9]+)")
_UNSAFE = re.compile(r"[^A-Za-z0-9_\-]+")
RANGES_COMMENT = ("Types were inferred from the values in {}; add ranges (`in [low, high]`) "
                  "or sets (`in {{a, b}}`) so `xspec check` can prove every swept value fits.")


def literal(node: Y):
    """The value of a scalar node as the spec should write it; None for null, inf and nan."""
    value = node.value
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return Raw(node.raw) if node.plain and _INT.fullmatch(node.raw) else value
    if isinstance(value, float):
        if math.isinf(value) or math.isnan(value):
            return None
        return Raw(node.raw) if node.plain and _FLOAT.fullmatch(node.raw) else value
    return None


def type_of(value) -> str:
    """The param type of a Python value (or of a ``Raw`` number)."""
    if isinstance(value, Raw):
        return "float" if _FLOAT.fullmatch(value.text) else "int"
    return {bool: "bool", int: "int", float: "float"}.get(type(value), "str")


def common_type(values: list) -> str | None:
    """One type for a list of values (ints among floats make floats); None when they disagree."""
    types = {type_of(v) for v in values}
    if types == {"int", "float"}:
        return "float"
    return types.pop() if len(types) == 1 else None


def name_for(key: str) -> str:
    """A param or block name for a config key: `optimizer.lr` -> `optimizer_lr`."""
    name = _UNSAFE.sub("_", key).strip("_") or "value"
    return name if name[0].isalpha() or name[0] == "_" else "p_" + name


def param(name: str, node: Y, ctx: Context, what: str) -> Param | None:
    """A param for one scalar config value; reports the values that cannot be one."""
    origin = node.key_origin or node.origin
    if node.is_map or node.is_list:
        kind = "a mapping" if node.is_map else "a list"
        ctx.not_carried(origin, f"{what} is {kind}; params are single values",
                        hints=["split it into one param per value, or pass it as a string"])
        return None
    value = literal(node)
    if value is None:
        shown = "null" if node.value is None else node.raw
        ctx.not_carried(origin, f"{what} = {shown}: it has no type a param can take")
        return None
    return Param(name_for(name), type_of(value), value, origin=origin)


def placeholder(name: str, type_: str, origin: Origin, ctx: Context, why: str) -> Param:
    """A param whose source gives no default: a typed stand-in, reported for the user to replace."""
    default = {"int": 0, "float": 0.0, "bool": False}.get(type_, "")
    ctx.placeholder(origin, f"param `{name}` has no default ({why}); wrote {default!r} for now",
                    hints=["replace it, or give the param its values with a sweep"])
    return Param(name, type_, default, comment="TODO: no default in the source", origin=origin)
