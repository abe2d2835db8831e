"""DET002 random-sweep-without-own-seed."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import name_span


@rule(code="DET002", name="random-sweep-without-own-seed", category="determinism",
      severity=Severity.WARNING)
def random_sweep_without_own_seed(ctx):
    """## What it does
    Checks for `sweep random` blocks without their own `seed`.

    ## Why is this bad?
    Without its own seed, a random sweep draws its points from the experiment
    seed. Changing the experiment seed, for example to repeat the study with new
    initialisations, then also moves every point of the search, so the two runs
    no longer try the same configurations and cannot be compared point by point.
    A sweep seed keeps "which configurations" separate from "which random numbers
    inside a job".

    ## Example
    ```xspec
    sweep random {
      trials = 16
      lr     = loguniform(1e-4, 1e-1)
    }
    ```

    ## Use instead
    ```xspec
    sweep random {
      trials = 16
      seed   = 7
      lr     = loguniform(1e-4, 1e-1)
    }
    ```

    ## Fix safety
    No fix: which seed the draws used so far depends on how the points were derived,
    and a new seed draws new points.
    """
    for exp in ctx.experiments:
        for sweep in exp.sweeps:
            if sweep.kind == "random" and sweep.seed is None and sweep.node.field("seed") is None \
                    and exp.seed is not None:
                yield ctx.report("DET002", name_span(sweep.node),
                                 hints=["add `seed = N` to the sweep"])
