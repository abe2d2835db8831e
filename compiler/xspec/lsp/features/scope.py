"""Which schema applies where: the block a field is in decides what it may be."""

from __future__ import annotations

from xspec.syntax import ast
from xspec.types import schema as S


def schema_of(block: ast.Block, parent: ast.Block | None) -> S.BlockSchema | None:
    kind = block.kind.text
    if parent is None:
        return S.TOP_LEVEL.get(kind)
    if kind == "experiment" and parent.kind.text == "variant":
        return S.EXPERIMENT     # an overlay: the fields of the experiment it changes
    if kind == "target":
        return S.TARGETS.get(block.name.text) if block.name else None
    return {"resources": S.RESOURCES, "sweep": S.SWEEP}.get(kind)


def schema_chain(blocks: list[ast.Block]) -> S.BlockSchema | None:
    """The schema of the innermost of nested ``blocks`` (outermost first)."""
    if not blocks:
        return None
    parent = blocks[-2] if len(blocks) > 1 else None
    return schema_of(blocks[-1], parent)


def field_spec(blocks: list[ast.Block], name: str) -> tuple[S.FieldSpec | None, str]:
    """The spec of field ``name`` in the innermost block, and how to call that block."""
    schema = schema_chain(blocks)
    if schema is None:
        return None, ""
    spec = schema.field(name)
    if spec is None and schema is S.PRESET:
        spec = _preset_field(blocks[-1], name)
    return spec, schema.kind


def _preset_field(block: ast.Block, name: str) -> S.FieldSpec | None:
    """Presets take the fields of the target their ``scheduler`` names."""
    scheduler = block.field("scheduler")
    if scheduler is None or not isinstance(scheduler.value, ast.Str):
        return None
    target = S.TARGETS.get(scheduler.value.value)
    return target.field(name) if target else None
