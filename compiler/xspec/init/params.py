"""params.yaml (DVC's parameters file, or any flat YAML of settings) to params.

Nested keys are flattened: `train.lr` becomes the param `train_lr`. A params file
names no command, so its params go to every experiment the other sources define
(or to one experiment whose `run` is left for the user to write).
"""

from __future__ import annotations

from pathlib import Path

from xspec.init import values, yamlpos
from xspec.init.context import Context
from xspec.init.draft import Draft, Param
from xspec.init.yamlpos import Y


def load(path: Path, ctx: Context) -> Draft:
    root = yamlpos.load_mapping(path, ctx, "a mapping of names to values")
    if root is None:
        return Draft()
    shown = root.origin.source.path
    params = flatten(root, ctx, shown)
    return Draft(shared_params=params, shared_comment=values.RANGES_COMMENT.format(shown))


def flatten(root: Y, ctx: Context, shown: str, prefix: str = "") -> list[Param]:
    """One param per scalar leaf, named by its dotted path."""
    params: list[Param] = []
    for key, node in root.value.items():
        dotted = f"{prefix}{key}"
        if node.is_map and node.value:
            params += flatten(node, ctx, shown, dotted + ".")
            continue
        param = values.param(dotted, node, ctx, f"`{dotted}` in {shown}")
        if param is not None:
            params.append(param)
    return params


def lookup(tree: dict[str, Y], dotted: str) -> Y | None:
    """The node at `a.b.c` in a mapping of top-level nodes, or None."""
    head, *rest = dotted.split(".")
    node = tree.get(head)
    for part in rest:
        if node is None or not node.is_map:
            return None
        node = node.get(part)
    return node
