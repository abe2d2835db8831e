"""PIN002 image-without-digest."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import DIGEST
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="PIN002", name="image-without-digest", category="pinning", severity=Severity.WARNING)
def image_without_digest(ctx):
    """## What it does
    Checks that an env's container `image` ends in an `@sha256:` digest of 64 hex
    digits.

    ## Why is this bad?
    A tag such as `python:3.11.9-slim` is a name that the publisher moves: the
    image is rebuilt for security updates of its system packages, so the same tag
    gives different bytes next month. A digest names one image, forever; `xspec
    lock` records the digest a tag points at today.

    ## Example
    ```xspec
    image = "docker.io/library/python:3.11.9-slim"
    ```

    ## Use instead
    ```xspec
    image = "docker.io/library/python:3.11.9-slim@sha256:8fb099199b9f2d70342674bd9dbccd3ed03a258f26bbd1d556822c6dfc60c317"
    ```

    ## Fix safety
    No fix: the digest comes from the registry (`xspec lock`, `skopeo inspect`).
    """
    for env in ctx.envs:
        if isinstance(env.image, str) and not DIGEST.search(env.image):
            yield ctx.report("PIN002", field_span(env.node, "image"), env.image, hints=[
                "append the digest: IMAGE:TAG@sha256:<64 hex> (`xspec lock` or "
                "`skopeo inspect docker://IMAGE` shows it)"])
