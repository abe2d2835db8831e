"""DET011 random-hash-seed."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import replace
from xspec.lint.registry import rule
from xspec.syntax import ast


@rule(code="DET011", name="random-hash-seed", category="determinism", severity=Severity.WARNING,
      fix="unsafe")
def random_hash_seed(ctx):
    """## What it does
    Checks `vars` maps (of envs, profiles and experiments) for
    `PYTHONHASHSEED = "random"`.

    ## Why is this bad?
    With a random hash seed, Python hashes `str` and `bytes` differently in
    every process, so iterating over a `set` of strings (or a dict built from
    one) visits items in a different order each run. Code that samples,
    batches or assigns ids in that order gives different results each run.
    `PYTHONHASHSEED = "0"` (as every `std/determinism` profile sets) fixes it.

    ## Example
    ```xspec
    vars = { PYTHONHASHSEED = "random" }
    ```

    ## Use instead
    ```xspec
    vars = { PYTHONHASHSEED = "0" }
    ```

    ## Fix safety
    The fix sets the value to `"0"`. It is unsafe: it changes the iteration
    order the program sees (to one that no longer changes).
    """
    for node in ctx.nodes:
        if isinstance(node, ast.Field) and node.key.text == "vars" \
                and isinstance(node.value, ast.MapExpr) and ctx.is_clean(node):
            yield from _check_map(ctx, node.value)


def _check_map(ctx, mapping):
    for entry in mapping.entries:
        value = entry.value
        if entry.key.text == "PYTHONHASHSEED" and isinstance(value, ast.Str) \
                and value.value.strip().lower() == "random":
            fix = Fix('set PYTHONHASHSEED to "0"', (replace(value.span, '"0"'),), safe=False)
            yield ctx.report("DET011", value.span, value.value, fix=fix)
