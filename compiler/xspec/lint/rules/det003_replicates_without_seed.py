"""DET003 replicates-without-seed."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span, uses


@rule(code="DET003", name="replicates-without-seed", category="determinism",
      severity=Severity.WARNING)
def replicates_without_seed(ctx):
    """## What it does
    Checks for experiments with `replicates` above 1 whose jobs never receive the
    builtin `seed` (in `run`, `vars` or `outputs`).

    ## Why is this bad?
    Replicates are the same sweep point run again with a different derived seed.
    If the program never sees that seed, the replicates either repeat exactly the
    same computation (a waste of compute that looks like agreement) or differ by
    randomness nobody controls, so no replicate can be rerun on its own.
    A literal seed in `run` (`"--seed", "42"`) has the same effect.

    ## Example
    ```xspec
    replicates = 3
    run = ["python", "train.py", "--seed", "42"]
    ```

    ## Use instead
    ```xspec
    replicates = 3
    run = ["python", "train.py", "--seed", seed]
    ```

    ## Fix safety
    No fix: where the program reads its seed is up to the program.
    """
    for exp in ctx.experiments:
        if exp.replicates > 1 and not uses(ctx.job_placeholders(exp), "builtin", "seed"):
            span = field_span(exp.node, "replicates") or exp.node.name.span
            yield ctx.report("DET003", span, exp.replicates,
                             hints=["pass the derived seed: run = [..., \"--seed\", seed]"])
