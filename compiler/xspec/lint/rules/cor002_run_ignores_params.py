"""COR002 run-ignores-params."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="COR002", name="run-ignores-params", category="hygiene", severity=Severity.WARNING)
def run_ignores_params(ctx):
    """## What it does
    Checks experiments that declare params but pass none of them to the job:
    no param appears in `run`, `vars`, `outputs` or `workdir`.

    ## Why is this bad?
    Every job of the experiment then runs the same command with the same
    environment, whatever the sweep says. Usually a `run` was copied from a
    script that read its settings from a file; the params in the spec are then
    documentation that silently disagrees with what runs.

    ## Example
    ```xspec
    param lr: float = 0.1
    sweep grid { lr = [0.01, 0.1] }
    run = ["python", "train.py", "--config", "config.yaml"]
    ```

    ## Use instead
    ```xspec
    param lr: float = 0.1
    sweep grid { lr = [0.01, 0.1] }
    run = ["python", "train.py", "--config", "config.yaml", "--lr", lr]
    ```

    ## Fix safety
    No fix: how the program takes each param is up to the program.
    """
    for exp in ctx.experiments:
        if exp.params and not any(p.kind == "param" for p in ctx.job_placeholders(exp)):
            span = field_span(exp.node, "run") or exp.node.name.span
            yield ctx.report("COR002", span, ", ".join(exp.params), hints=[
                "pass params as arguments: run = [..., \"--lr\", lr], or through vars"])
