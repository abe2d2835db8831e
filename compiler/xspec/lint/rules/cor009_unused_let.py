"""COR009 unused-let."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import delete_lines
from xspec.lint.registry import rule
from xspec.syntax.ast import walk
from xspec.syntax import ast


@rule(code="COR009", name="unused-let", category="hygiene", severity=Severity.INFO, fix="safe")
def unused_let(ctx):
    """## What it does
    Checks for `let` bindings inside an experiment that nothing in the experiment
    refers to. (Top-level lets can be imported by other files, so they are left
    alone.)

    ## Why is this bad?
    A dead binding is text that readers have to understand and that looks like
    it configures something. Often it is a value that was meant to be passed to
    the job and never was.

    ## Example
    ```xspec
    let log_every = 50
    run = ["python", "train.py"]
    ```

    ## Use instead
    ```xspec
    let log_every = 50
    run = ["python", "train.py", "--log-every", log_every]
    ```

    ## Fix safety
    The fix deletes the binding. It is safe: nothing refers to it.
    """
    for exp in ctx.experiments:
        lets = [m for m in exp.node.members if isinstance(m, ast.Let)]
        if not lets:
            continue
        used = _names_used(exp.node)
        for let in lets:
            if let.name.text not in used:
                fix = Fix(f"remove `let {let.name.text}`", (delete_lines(ctx.text, let.span),))
                yield ctx.report("COR009", let.name.span, let.name.text, fix=fix)


def _names_used(block: ast.Block) -> set[str]:
    names = set()
    for node in walk(block.members):
        if isinstance(node, ast.Ref):
            names.add(node.parts[0].text)
        elif isinstance(node, ast.Str):
            names.update(p.parts[0].text for p in node.parts if isinstance(p, ast.Ref))
    return names
