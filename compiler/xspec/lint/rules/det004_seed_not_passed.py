"""DET004 seed-not-passed."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span, uses


@rule(code="DET004", name="seed-not-passed", category="determinism", severity=Severity.WARNING)
def seed_not_passed(ctx):
    """## What it does
    Checks for experiments that set a `seed` but never hand the job its derived
    seed: the builtin `seed` appears in none of `run`, `vars` or `outputs`.

    ## Why is this bad?
    The seed in the spec only matters if the program uses it. A seed that never
    reaches the program documents a reproducibility that does not exist: the
    program seeds itself (often from the clock) or not at all.
    (With `replicates` above 1 the same problem is reported as DET003.)

    ## Example
    ```xspec
    seed = 42
    run  = ["python", "train.py"]
    ```

    ## Use instead
    ```xspec
    seed = 42
    run  = ["python", "train.py", "--seed", seed]
    ```

    ## Fix safety
    No fix: how the program takes a seed (flag, variable, config file) is up to it.
    """
    for exp in ctx.experiments:
        if exp.seed is not None and exp.replicates <= 1 \
                and not uses(ctx.job_placeholders(exp), "builtin", "seed"):
            yield ctx.report("DET004", field_span(exp.node, "seed") or exp.node.name.span,
                             hints=["pass it to the program: run = [..., \"--seed\", seed], "
                                    "or vars = { SEED = seed }"])
