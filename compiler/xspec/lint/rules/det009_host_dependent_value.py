"""DET009 host-dependent-value."""

from xspec.diagnostics import Severity
from xspec.lint import volatile
from xspec.lint.registry import rule


@rule(code="DET009", name="host-dependent-value", category="determinism",
      severity=Severity.WARNING)
def host_dependent_value(ctx):
    """## What it does
    Checks string values for values computed from the machine or the process:
    `$(hostname)`, `` `uname -n` ``, `$HOSTNAME`, `$$`, `$PPID`, `$BASHPID`,
    `socket.gethostname()`, `platform.node()`, `os.getpid()`.

    ## Why is this bad?
    The host name and the process id change with every node and every run. A
    seed, a param or an output path built from them makes the job's result
    depend on where the scheduler happened to place it, so it cannot be repeated
    and two replicates can collide or diverge for no reason in the spec.

    ## Example
    ```xspec
    vars = { RUN_ID = "run-$$" }
    ```

    ## Use instead
    ```xspec
    vars = { RUN_ID = "run-${job_index}-${replicate}" }
    ```

    ## Fix safety
    No fix: what should replace the value depends on why it was there.
    """
    for span, text in volatile.matches(ctx, "host"):
        yield ctx.report("DET009", span, text, hints=[
            "use `job_index`, `replicate` or `seed`; the provenance record already "
            "keeps the host"])
