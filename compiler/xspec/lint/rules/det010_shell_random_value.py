"""DET010 shell-random-value."""

from xspec.diagnostics import Severity
from xspec.lint import volatile
from xspec.lint.registry import rule


@rule(code="DET010", name="shell-random-value", category="determinism",
      severity=Severity.WARNING)
def shell_random_value(ctx):
    """## What it does
    Checks string values for randomness that does not come from the experiment
    seed: `$RANDOM`, `$SRANDOM`, `uuidgen`, `/dev/urandom`, `/dev/random`,
    `/proc/sys/kernel/random/uuid`, `uuid.uuid4()`, `mktemp`, `shuf`,
    `os.urandom()`, `secrets.token_*()`.

    ## Why is this bad?
    The experiment seed fixes every random number xspec hands out. A number
    drawn by the shell or the OS bypasses it: the spec says `seed = 42` but the
    job is seeded, shuffled or named by a number nobody can recover.

    ## Example
    ```xspec
    run = "python train.py --seed $RANDOM"
    ```

    ## Use instead
    ```xspec
    run = ["python", "train.py", "--seed", seed]
    ```

    ## Fix safety
    No fix: the derived `seed` is usually the replacement, but not always.
    """
    for span, text in volatile.matches(ctx, "random"):
        yield ctx.report("DET010", span, text, hints=[
            "use the job's derived `seed`, which comes from the experiment seed"])
