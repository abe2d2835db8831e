"""DET001 missing-seed."""


from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import insert_field
from xspec.lint.registry import rule
from xspec.lint.walk import name_span


@rule(code="DET001", name="missing-seed", category="determinism", severity=Severity.WARNING,
      fix="unsafe")
def missing_seed(ctx):
    """## What it does
    Checks for experiments without a `seed`.

    ## Why is this bad?
    Every job's seed is derived from the experiment seed. Without one, xspec has
    nothing to derive from, so the jobs either get no seed or one that changes from
    run to run: initial weights, data order and dropout masks differ every time, and
    two runs of the same spec cannot be compared.

    ## Example
    ```xspec
    experiment train {
      env = torch
      run = ["python", "train.py"]
    }
    ```

    ## Use instead
    ```xspec
    experiment train {
      env  = torch
      seed = 20251126
      run  = ["python", "train.py", "--seed", seed]
    }
    ```

    ## Fix safety
    The fix adds `seed = N`, with N derived from the experiment's name so that the
    fix itself is reproducible. It is unsafe: the jobs' random numbers change.
    """
    for exp in ctx.experiments:
        if exp.seed is None and exp.node.field("seed") is None:
            import hashlib   # here, not at the top: OpenSSL costs 2 ms of every cold check

            seed = int(hashlib.sha256(exp.name.encode()).hexdigest()[:8], 16) % 2**31
            edit = insert_field(ctx.text, exp.node, f"seed = {seed}",
                                after=("description", "env", "data"))
            yield ctx.report("DET001", name_span(exp.node), exp.name,
                             hints=["add `seed = N`, and pass `seed` to the program in `run`"],
                             fix=Fix(f"add `seed = {seed}`", (edit,), safe=False))
