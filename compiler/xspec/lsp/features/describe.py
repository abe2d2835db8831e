"""Markdown that explains a symbol, a field, a block kind or a unit: hover text and
completion documentation come from here, and through it from ``types.schema``."""

from __future__ import annotations

from xspec.codes import CODES, LINT_CODES
from xspec.resolve.loader import LoadedModule
from xspec.syntax import ast
from xspec.types import schema as S
from xspec.types.units import DURATION_UNITS, SIZE_UNITS

_FENCE = "```"
_BLOCK_FIELDS = {
    "data": ("sha256", "version", "url", "path", "size"),
    "env": ("python", "image", "nixpkgs"),
    "profile": ("framework",),
    "preset": ("scheduler",),
    "experiment": ("env",),
}
TYPE_DOCS = {
    "int": "a whole number", "float": "a number", "str": "a string", "bool": "true or false",
    "enum": 'one of the listed strings: enum("a", "b")', "path": "a file path, as a string",
    "duration": "a duration like `30m` or `4h`", "size": "a size like `512MiB` or `32GiB`",
}


def code(text: str) -> str:
    return f"{_FENCE}xspec\n{text}\n{_FENCE}"


def source_of(module: LoadedModule, node) -> str:
    return module.source.text[node.span.start:node.span.end]


def doc_comment(module: LoadedModule, node) -> str:
    """The run of `#` comment lines right above ``node``, without the `#`s."""
    by_line = {c.span.line: c for c in module.tree.comments}
    lines, line = [], node.span.line - 1
    while line in by_line and by_line[line].span.column == _indent(module, line) + 1:
        lines.append(by_line[line].text.lstrip("#").strip())
        line -= 1
    return "\n".join(reversed(lines)).strip()


def _indent(module: LoadedModule, line: int) -> int:
    text = module.source.line_text(line)
    return len(text) - len(text.lstrip())


def param(module: LoadedModule, node: ast.Param) -> str:
    facts = []
    if node.constraint is not None:
        word = "range" if isinstance(node.constraint, ast.RangeConstraint) else "one of"
        facts.append(f"**{word}** `{source_of(module, node.constraint)}`")
    if node.default is not None:
        facts.append(f"**default** `{source_of(module, node.default)}`")
    else:
        facts.append("**no default**: a sweep must give it values")
    head = code(f"param {node.name.text}: {source_of(module, node.type)}")
    doc = node.doc.value if node.doc else ""
    return "\n\n".join(p for p in (head, " · ".join(facts), doc) if p)


def block(module: LoadedModule, node: ast.Block) -> str:
    kind, name = node.kind.text, node.name.text if node.name else ""
    facts = [f"- `{f.key.text}` = `{_short(source_of(module, f.value))}`"
             for key in _BLOCK_FIELDS.get(kind, ()) if (f := node.field(key)) is not None]
    description = node.field("description")
    parts = [code(f"{kind} {name}"),
             description.value.value if description and isinstance(description.value, ast.Str) else "",
             "\n".join(facts), doc_comment(module, node), _where(module)]
    return "\n\n".join(p for p in parts if p)


def _short(text: str, width: int = 72) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _where(module: LoadedModule) -> str:
    if module.is_stdlib:
        return f"*from the bundled stdlib: `std/{module.key.stem}`*"
    return f"*defined in `{module.source.path}`*"


def let(module: LoadedModule, node: ast.Let) -> str:
    return code(f"let {node.name.text} = {_short(source_of(module, node.value))}")


def secret(module: LoadedModule, node: ast.Secret) -> str:
    return "\n\n".join((code(source_of(module, node)),
                        "A secret: read when the job starts, never written into the spec, "
                        "the lockfile or a compiled file."))


def imported(module: LoadedModule, node: ast.Import, target: LoadedModule | None) -> str:
    head = code(source_of(module, node))
    if target is None:
        return head + "\n\nThis import does not resolve; see its diagnostic."
    return "\n\n".join(p for p in (head, module_doc(target), f"`{target.key}`") if p)


def module_doc(module: LoadedModule) -> str:
    """The module's first comment paragraph: what the file is for."""
    lines: list[tuple[int, str]] = []
    for comment in sorted(module.tree.comments, key=lambda c: c.span.line):
        if lines and comment.span.line != lines[-1][0] + 1:
            break
        lines.append((comment.span.line, comment.text.lstrip("#").strip()))
    return "\n".join(text for _, text in lines).strip()


def field(spec: S.FieldSpec, where: str) -> str:
    required = " (required)" if spec.required else ""
    return f"**{where}.{spec.name}**{required}: {spec.type}\n\n{spec.doc}"


def block_kind(schema: S.BlockSchema) -> str:
    fields = ", ".join(f"`{f.name}`" for f in schema.fields)
    return f"**{schema.kind}**: {schema.doc}" + (f"\n\nFields: {fields}" if fields else "")


def unit(unit_name: str, quantity: ast.Quantity | None = None) -> str:
    if unit_name in DURATION_UNITS:
        kind, table, measure = "duration", DURATION_UNITS, "s"
    elif unit_name in SIZE_UNITS:
        kind, table, measure = "size", SIZE_UNITS, "bytes"
    else:
        return (f"`{unit_name}` is not a unit: durations use s, m, h, d, w; "
                "sizes use B, KB, MB, GB, TB, KiB, MiB, GiB, TiB")
    text = f"{kind} unit `{unit_name}` = {table[unit_name]:,} {measure}"
    if quantity is None:
        return text
    return f"`{quantity.raw}` = {round(quantity.magnitude * table[unit_name]):,} {measure}\n\n{text}"


def rule(code_name: str, docs: str | None = None, url: str | None = None) -> str:
    info = CODES.get(code_name)
    if info is None:
        return f"`{code_name}`: no such xspec code"
    kind = "lint rule" if code_name in LINT_CODES else f"{info.category} check"
    parts = [f"**{info.code}** `{info.name}` ({kind}, {info.severity})", info.summary, docs or ""]
    if url:
        parts.append(f"[Documentation]({url})")
    return "\n\n".join(p for p in parts if p)
