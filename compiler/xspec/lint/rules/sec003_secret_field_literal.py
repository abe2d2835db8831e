"""SEC003 secret-field-literal."""

import re

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.secrets import NOT_SECRET_VALUES, is_secret_name, mask, providers
from xspec.syntax import ast
from xspec.types import model as M


@rule(code="SEC003", name="secret-field-literal", category="security", severity=Severity.WARNING)
def secret_field_literal(ctx):
    """## What it does
    Checks environment variables (`vars` of envs, profiles and experiments) and
    `let` bindings whose name says they hold a secret (`WANDB_API_KEY`,
    `DB_PASSWORD`, `let hf_token = ...`) for a literal string value. Values that
    cannot be credentials (`""`, `"true"`, `"0"`, ...) are left alone, and
    provider formats are reported by SEC001. A value put together from `let`
    bindings (`DB_PASSWORD = pw`, `"${user}:${pw}"`) is checked as it evaluates.
    Only the first 4 characters of the value are shown.

    ## Why is this bad?
    Whatever the value is, a spec is the wrong place for it: specs are committed
    and copied into compiled job files. If the value is a real credential it has
    leaked; if it is a placeholder it will be replaced by a real one later, in
    the same place.

    ## Example
    ```xspec
    vars = { WANDB_API_KEY = "0123456789abcdef" }
    ```

    ## Use instead
    ```xspec
    secret wandb_api_key from env("WANDB_API_KEY")
    ```

    ## Fix safety
    No fix: the value must be moved to a secret store.
    """
    for node in ctx.nodes:
        if isinstance(node, ast.Field) and node.key.text == "vars" and isinstance(node.value, ast.MapExpr):
            for entry in node.value.entries:
                yield from _check(ctx, "variable", entry.key.text, entry.value)
        elif isinstance(node, ast.Let):
            yield from _check(ctx, "let", node.name.text, node.value)
    yield from _evaluated(ctx)


def _check(ctx, kind: str, name: str, value):
    if isinstance(value, ast.Str) and value.is_plain:
        yield from _check_text(ctx, kind, name, value.value, value.span)


def _evaluated(ctx):
    """Variables whose value is a literal only after evaluation: a `let`, an interpolation."""
    for item in ctx.envs + ctx.profiles + ctx.experiments:
        field = item.node.field("vars") if item.node is not None else None
        if field is None or not isinstance(field.value, ast.MapExpr):
            continue
        for entry in field.value.entries:
            if isinstance(entry.value, ast.Str) and entry.value.is_plain:
                continue                        # seen as written, above
            text = _literal(item.vars.get(entry.key.text))
            if text is not None:
                yield from _check_text(ctx, "variable", entry.key.text, text, entry.value.span)


def _literal(value) -> str | None:
    """The evaluated value when it is plain text (a template without placeholders)."""
    if isinstance(value, M.Template):
        return None if value.placeholders else "".join(str(part) for part in value.parts)
    return value if isinstance(value, str) else None


def _check_text(ctx, kind: str, name: str, text: str, span):
    if not is_secret_name(name) or text.strip().lower() in NOT_SECRET_VALUES \
            or any(providers(f'{name} = "{text}"')) or re.fullmatch(r"\$\{?[A-Za-z_]\w*\}?", text):
        return
    yield ctx.report("SEC003", span, kind, name, mask(text), hints=[
        f"declare it as a secret: secret {name.lower()} from env(\"{name.upper()}\")"])
