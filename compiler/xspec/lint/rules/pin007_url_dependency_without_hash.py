"""PIN007 url-dependency-without-hash."""

import re

from xspec.diagnostics import Severity
from xspec.lint.patterns import is_url
from xspec.lint.registry import rule
from xspec.lint.walk import map_entry

HASH = re.compile(r"#(?:.*&)?sha256=[0-9a-f]{64}\b")


@rule(code="PIN007", name="url-dependency-without-hash", category="pinning",
      severity=Severity.WARNING)
def url_dependency_without_hash(ctx):
    """## What it does
    Checks Python packages given as a direct URL (`https://.../pkg.whl`, a
    source archive, `file://`) for a `#sha256=<64 hex>` fragment.

    ## Why is this bad?
    Whoever controls the URL can replace the file behind it, and a file with the
    same name can hold different code. pip and uv verify a `#sha256=` fragment
    and refuse a file that does not match.

    ## Example
    ```xspec
    packages = { mylib = "https://example.org/mylib-1.0-py3-none-any.whl" }
    ```

    ## Use instead
    ```xspec
    packages = { mylib = "https://example.org/mylib-1.0-py3-none-any.whl#sha256=<64 hex>" }
    ```

    ## Fix safety
    No fix: the hash must come from a copy of the file you trust (`sha256sum`).
    """
    for env in ctx.envs:
        for name, spec in env.packages.items():
            if isinstance(spec, str) and is_url(spec) and not HASH.search(spec):
                entry = map_entry(env.node, "packages", name)
                span = entry.value.span if entry else env.node.name.span
                yield ctx.report("PIN007", span, spec, hints=[
                    "append #sha256=<64 hex> of the file (`sha256sum FILE`)"])
