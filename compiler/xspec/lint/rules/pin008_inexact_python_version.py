"""PIN008 inexact-python-version."""

import re

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import quote, replace
from xspec.lint.patterns import FULL_VERSION, parse_image
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="PIN008", name="inexact-python-version", category="pinning", severity=Severity.WARNING,
      fix="sometimes")
def inexact_python_version(ctx):
    """## What it does
    Checks that an env's `python` is a full version, `MAJOR.MINOR.PATCH`
    (`"3.11.9"`), not `"3"` or `"3.11"`.

    ## Why is this bad?
    xspec derives the interpreter from this field where the env does not fix it
    otherwise: the base image of the generated Dockerfile and Apptainer
    definition, and the Nix attribute. `3.11` follows every patch release, and
    patch releases change behaviour too (bug fixes, `hash()` and `random`
    details, bundled `pip` and `sqlite` versions).

    ## Example
    ```xspec
    env train {
      python = "3.11"
      image  = "docker.io/library/python:3.11.9-slim@sha256:<64 hex>"
    }
    ```

    ## Use instead
    ```xspec
    env train {
      python = "3.11.9"
      image  = "docker.io/library/python:3.11.9-slim@sha256:<64 hex>"
    }
    ```

    ## Fix safety
    When the env's image tag names a full Python version that starts with the
    given one (as `python:3.11.9-slim` does for `"3.11"`), the fix writes that
    version. This is safe: the image already decides the interpreter. Otherwise
    there is no fix.
    """
    for env in ctx.envs:
        if not isinstance(env.python, str) or FULL_VERSION.match(env.python):
            continue
        span = field_span(env.node, "python")
        full = _from_image(env.image, env.python)
        fix = Fix(f"write the image's Python version {full}", (replace(span, quote(full)),)) \
            if full else None
        yield ctx.report("PIN008", span, env.python, fix=fix,
                         hints=[f"write the full version, e.g. \"{full or env.python + '.X'}\""])


def _from_image(image, given: str) -> str | None:
    if not isinstance(image, str):
        return None
    ref = parse_image(image)
    match = re.match(r"^(\d+\.\d+\.\d+)(?:$|-)", ref.tag or "")
    if match and ref.name.rsplit("/", 1)[-1] == "python" and match.group(1).startswith(given + "."):
        return match.group(1)
    return None
