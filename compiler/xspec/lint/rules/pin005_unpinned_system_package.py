"""PIN005 unpinned-system-package."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import NIX_PINNED
from xspec.lint.registry import rule
from xspec.lint.walk import list_items


@rule(code="PIN005", name="unpinned-system-package", category="pinning", severity=Severity.WARNING)
def unpinned_system_package(ctx):
    """## What it does
    Checks that each `system` package of an env that is installed with apt (the
    env has an `image`, or no pinned `nixpkgs`) gives its version: `name=version`.
    In an env built from a pinned `nixpkgs` commit and no image, system packages
    come from that commit and are pinned already.

    ## Why is this bad?
    `apt-get install libgomp1` installs whatever version the mirror has on the day
    the image is built, so two builds of one spec can link different native
    libraries (hadolint reports the same as DL3008).

    ## Example
    ```xspec
    system = ["libgomp1"]
    ```

    ## Use instead
    ```xspec
    system = ["libgomp1=12.2.0-14"]
    ```

    ## Fix safety
    No fix: the version comes from the image's package index
    (`apt-cache policy NAME` inside the image).
    """
    for env in ctx.envs:
        nix_only = env.image is None and isinstance(env.nixpkgs, str) and NIX_PINNED.search(env.nixpkgs)
        if nix_only:
            continue
        items = list_items(env.node, "system")
        for index, name in enumerate(env.system or []):
            if isinstance(name, str) and "=" not in name:
                span = items[index].span if index < len(items) else env.node.name.span
                yield ctx.report("PIN005", span, name, hints=[
                    f"write \"{name}=VERSION\" (`apt-cache policy {name}` in the image shows it)"])
