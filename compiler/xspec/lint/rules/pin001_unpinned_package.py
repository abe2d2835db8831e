"""PIN001 unpinned-package."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import is_url, is_vcs, pinned_version
from xspec.lint.registry import rule
from xspec.lint.walk import map_entry


@rule(code="PIN001", name="unpinned-package", category="pinning", severity=Severity.WARNING)
def unpinned_package(ctx):
    """## What it does
    Checks that every Python package of an env is pinned to one version with
    `==` (or `===`). Ranges (`>=`, `~=`, `<`), wildcards (`==2.*`) and empty
    specifiers are reported. This is stricter than hadolint's DL3013, which
    accepts `>=`. Git and URL dependencies are checked by PIN006 and PIN007.

    ## Why is this bad?
    A range is resolved when the environment is built, so a build next month can
    install a newer release than the one the results came from, with different
    defaults, kernels or bugs. Only an exact pin names one release, and only a
    lockfile (`xspec lock`) pins the dependencies of that release too.

    ## Example
    ```xspec
    packages = { torch = ">=2.0", numpy = "" }
    ```

    ## Use instead
    ```xspec
    packages = { torch = "==2.3.1", numpy = "==1.26.4" }
    ```

    ## Fix safety
    No fix here: the version to pin comes from the lockfile; `xspec lock` records it.
    """
    for env in ctx.envs:
        for name, spec in env.packages.items():
            if not isinstance(spec, str) or is_vcs(spec) or is_url(spec):
                continue
            if pinned_version(spec) is None:
                entry = map_entry(env.node, "packages", name)
                span = entry.value.span if entry else env.node.name.span
                yield ctx.report("PIN001", span, name, spec, hints=[
                    f"pin one version: {name} = \"==X.Y.Z\" (`xspec lock` shows the resolved one)"])
