"""SEC004 secret-on-command-line."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span, placeholders


@rule(code="SEC004", name="secret-on-command-line", category="security",
      severity=Severity.WARNING)
def secret_on_command_line(ctx):
    """## What it does
    Checks `run`, `outputs` and `workdir` for interpolated secrets
    (`"--token=${api_token}"`, or `api_token` as an argv element).

    ## Why is this bad?
    A process's command line is world-readable (`ps`, `/proc/PID/cmdline`) on a
    shared login or compute node, and schedulers and job wrappers log it. Output
    paths end up in provenance records and listings. A secret belongs in the
    job's environment, where only the job can read it.

    ## Example
    ```xspec
    secret hf_token from env("HF_TOKEN")
    run = ["python", "train.py", "--hf-token", hf_token]
    ```

    ## Use instead
    ```xspec
    secret hf_token from env("HF_TOKEN")
    run = ["python", "train.py"]          # train.py reads HF_TOKEN itself
    ```

    ## Fix safety
    No fix: the program has to read the secret from its environment instead.
    """
    for exp in ctx.experiments:
        for field in ("run", "outputs", "workdir"):
            found = {p.name for p in placeholders(getattr(exp, field)) if p.kind == "secret"}
            for name in sorted(found):
                yield ctx.report("SEC004", field_span(exp.node, field) or exp.node.name.span,
                                 name, field, hints=["let the program read it from its "
                                                     "environment"])
