"""COR004 missing-resources."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule

WHAT = {"time": "how long a job may run (`time`)", "memory": "how much memory a job needs (`memory`)"}


@rule(code="COR004", name="missing-resources", category="hygiene", severity=Severity.WARNING)
def missing_resources(ctx):
    """## What it does
    Checks that experiments with a Slurm or Kubernetes target (or no target yet)
    give `time` and `memory` in their `resources` block. Experiments that only
    run locally are left alone.

    ## Why is this bad?
    Without a request, the scheduler's defaults decide: a partition's default
    time limit (often minutes, or days) and a default memory per CPU that differ
    from site to site. Jobs are killed halfway on one cluster and wait for hours
    on another, and the spec no longer says what an experiment costs.

    ## Example
    ```xspec
    resources { cpus = 8, gpus = 1 }
    ```

    ## Use instead
    ```xspec
    resources { cpus = 8, gpus = 1, memory = 32GiB, time = 4h }
    ```

    ## Fix safety
    No fix: only the author knows what a job needs.
    """
    for exp in ctx.experiments:
        if exp.targets and set(exp.targets) <= {"local"}:
            continue
        missing = [k for k in ("time", "memory")
                   if exp.resources is None or getattr(exp.resources, k) is None]
        if not missing:
            continue
        node = exp.resources.node if exp.resources is not None else None
        span = node.kind.span if node is not None else exp.node.name.span
        yield ctx.report("COR004", span, exp.name, " or ".join(WHAT[k] for k in missing),
                         hints=["add them: resources { memory = 8GiB, time = 2h }"])
