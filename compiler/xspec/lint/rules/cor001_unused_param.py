"""COR001 unused-param."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule


@rule(code="COR001", name="unused-param", category="hygiene", severity=Severity.WARNING)
def unused_param(ctx):
    """## What it does
    Checks for params that no job sees: not in `run`, `vars`, `outputs` or
    `workdir`. (When no param at all is used, COR002 reports the `run` instead.)

    ## Why is this bad?
    An unused param does nothing, but it looks like a knob: readers assume it
    changes the experiment. Swept, it is worse: each value multiplies the number
    of jobs, all of them computing the same thing, and the sweep's results show
    differences that are only noise.

    ## Example
    ```xspec
    param lr: float = 0.1
    param momentum: float = 0.9
    run = ["python", "train.py", "--lr", lr]
    ```

    ## Use instead
    ```xspec
    param lr: float = 0.1
    param momentum: float = 0.9
    run = ["python", "train.py", "--lr", lr, "--momentum", momentum]
    ```

    ## Fix safety
    No fix: either the param should be passed, or it should go.
    """
    for exp in ctx.experiments:
        used = {p.name for p in ctx.job_placeholders(exp) if p.kind == "param"}
        if not used:
            continue
        for name, param in exp.params.items():
            if name not in used:
                yield ctx.report("COR001", param.node.name.span, name, hints=[
                    f"pass it to the program (\"--{name.replace('_', '-')}\", {name}) or remove it"])
