"""COR005 unused-import."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import delete_lines
from xspec.lint.registry import rule


@rule(code="COR005", name="unused-import", category="hygiene", severity=Severity.WARNING,
      fix="safe")
def unused_import(ctx):
    """## What it does
    Checks for imports whose alias is never referenced in the file. Files with
    errors are skipped, since a block that did not parse may be the user.

    ## Why is this bad?
    Every import is loaded and checked on every run, an import that is not used
    suggests a dependency that does not exist, and it can hide that the spec
    meant to use the module (a `determinism` line that was deleted, say).

    ## Example
    ```xspec
    import "std/determinism" as det
    import "std/k8s" as k8s

    experiment x {
      determinism = det.numpy
      # ... no k8s target
    }
    ```

    ## Use instead
    ```xspec
    import "std/determinism" as det

    experiment x {
      determinism = det.numpy
    }
    ```

    ## Fix safety
    The fix deletes the import line. It is safe: nothing refers to the alias.
    """
    if ctx.has_errors:
        return
    used = {ref.parts[0].text for ref in ctx.refs}
    for imp in ctx.module.ast.imports:
        if imp.alias.text not in used:
            fix = Fix(f"remove the import of {imp.path.value!r}", (delete_lines(ctx.text, imp.span),))
            yield ctx.report("COR005", imp.span, imp.alias.text, fix=fix)
