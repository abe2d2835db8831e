"""SEC006 container-runs-as-root."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="SEC006", name="container-runs-as-root", category="security", severity=Severity.WARNING)
def container_runs_as_root(ctx):
    """## What it does
    Checks for targets that run the job as root: `run_as_user = 0`, set in the
    target or in the preset it starts from.

    ## Why is this bad?
    Root inside a container is root on the node as soon as anything goes wrong:
    a container escape, a mounted host path, a misconfigured volume. Jobs also
    write root-owned files into shared storage that users cannot clean up.
    Kubernetes targets run as UID 1000 unless told otherwise.

    ## Example
    ```xspec
    target k8s { namespace = "research", run_as_user = 0 }
    ```

    ## Use instead
    ```xspec
    target k8s { namespace = "research", run_as_user = 1000 }
    ```

    ## Fix safety
    No fix: which user the job should run as depends on the image and storage.
    """
    for exp in ctx.experiments:
        for name, target in exp.targets.items():
            if target.settings.get("run_as_user") == 0:
                span = field_span(target.node, "run_as_user") or field_span(target.node, "preset") \
                    or target.node.kind.span
                yield ctx.report("SEC006", span, name, hints=["run as an unprivileged UID, "
                                                              "e.g. run_as_user = 1000"])
