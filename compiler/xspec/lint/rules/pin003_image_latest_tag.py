"""PIN003 image-latest-tag."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import parse_image
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="PIN003", name="image-latest-tag", category="pinning", severity=Severity.WARNING)
def image_latest_tag(ctx):
    """## What it does
    Checks for images tagged `latest`, and for images with neither a tag nor a
    digest (which means `latest`).

    ## Why is this bad?
    `latest` is whatever was pushed last, so it changes with every release,
    including major versions. Even with a digest, `latest@sha256:...` tells a
    reader nothing about what the image contains; a versioned tag does.

    ## Example
    ```xspec
    image = "pytorch/pytorch"
    ```

    ## Use instead
    ```xspec
    image = "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime@sha256:<64 hex>"
    ```

    ## Fix safety
    No fix: the version to use comes from the registry.
    """
    for env in ctx.envs:
        if not isinstance(env.image, str):
            continue
        ref = parse_image(env.image)
        if ref.tag == "latest":
            problem = "uses the `latest` tag"
        elif ref.tag is None and ref.digest is None:
            problem = "has no tag, which means `latest`"
        else:
            continue
        yield ctx.report("PIN003", field_span(env.node, "image"), env.image, problem,
                         hints=["use a versioned tag, e.g. python:3.11.9-slim, plus its digest"])
