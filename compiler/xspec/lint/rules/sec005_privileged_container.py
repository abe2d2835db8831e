"""SEC005 privileged-container."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import replace
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="SEC005", name="privileged-container", category="security", severity=Severity.WARNING,
      fix="unsafe")
def privileged_container(ctx):
    """## What it does
    Checks for targets that run the job's container privileged
    (`privileged = true`, set in the target or in the preset it starts from).

    ## Why is this bad?
    A privileged container gets every capability and every device of the node:
    it can load kernel modules, mount the host's disks and read other tenants'
    data. An experiment never needs that; GPUs are requested as resources.

    ## Example
    ```xspec
    target k8s { namespace = "research", privileged = true }
    ```

    ## Use instead
    ```xspec
    target k8s { namespace = "research" }
    ```

    ## Fix safety
    The fix sets `privileged = false` where the target itself sets it. It is
    unsafe: a job that really used host access will fail.
    """
    for exp in ctx.experiments:
        for name, target in exp.targets.items():
            if target.settings.get("privileged") is True:
                own = field_span(target.node, "privileged")
                fix = Fix("set `privileged = false`", (replace(own, "false"),), safe=False) \
                    if own else None
                span = own or field_span(target.node, "preset") or target.node.kind.span
                yield ctx.report("SEC005", span, name, fix=fix)
