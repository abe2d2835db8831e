"""DET008 time-dependent-value."""

from xspec.diagnostics import Severity
from xspec.lint import volatile
from xspec.lint.registry import rule


@rule(code="DET008", name="time-dependent-value", category="determinism",
      severity=Severity.WARNING)
def time_dependent_value(ctx):
    """## What it does
    Checks string values (in `run`, `vars`, `outputs`, params, sweeps, lets) for
    values computed from the clock: `$(date ...)`, `` `date` ``, `$EPOCHSECONDS`,
    `$EPOCHREALTIME`, `printf '%(...)T'`, `datetime.now()`, `time.time()`.

    ## Why is this bad?
    A value taken from the clock is different on every run: a job that names its
    output folder, picks its seed or sets a param from the date cannot be
    repeated, and two runs of one spec write to different places. xspec already
    writes each job's start and end time into its provenance record.

    ## Example
    ```xspec
    run = "python train.py --out runs/$(date +%s)"
    ```

    ## Use instead
    ```xspec
    run = ["python", "train.py", "--out", "runs/${job_index}"]
    ```

    ## Fix safety
    No fix: what should replace the time stamp depends on why it was there.
    """
    for span, text in volatile.matches(ctx, "clock"):
        yield ctx.report("DET008", span, text, hints=[
            "name things by `job_index`, `replicate` or params; the provenance record "
            "already keeps the start time"])
