"""COR011 placeholder-run."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span

# The program `xspec init` writes when no source names the command (docs/migrating.md).
PLACEHOLDER_PROGRAM = "TODO"


@rule(code="COR011", name="placeholder-run", category="hygiene", severity=Severity.WARNING)
def placeholder_run(ctx):
    """## What it does
    Checks for a `run` whose program is `TODO`: the placeholder `xspec init`
    writes when none of the files it imported names the command to run (a
    requirements.txt or an environment.yml only says what to install).

    ## Why is this bad?
    The spec checks and builds, so nothing else says that it runs nothing the
    experiment is about. A job that starts it fails at once with "TODO: No
    such file or directory" (never silently succeeding), after the scheduler
    has queued it.

    ## Example
    ```xspec
    run = ["TODO", "write the command this experiment runs"]
    ```

    ## Use instead
    ```xspec
    run = ["python", "train.py", "--lr", lr]
    ```

    ## Fix safety
    No fix: only you know the command.
    """
    for exp in ctx.experiments:
        if _program(exp.run) == PLACEHOLDER_PROGRAM:
            yield ctx.report("COR011", field_span(exp.node, "run") or exp.node.name.span, hints=[
                "write the experiment's command: run = [\"python\", \"train.py\", ...]"])


def _program(run) -> str | None:
    """The first argv element when it is plain text, else None."""
    if not isinstance(run, list) or not run:
        return None
    first = run[0]
    return "".join(first) if all(isinstance(part, str) for part in first) else None
