"""PIN001 unpinned-package."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import quote, replace
from xspec.lint.patterns import is_url, is_vcs, normalize, pinned_version
from xspec.lint.registry import rule
from xspec.lint.walk import map_entry


@rule(code="PIN001", name="unpinned-package", category="pinning", severity=Severity.WARNING,
      fix="safe")
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
    When `xspec.lock` has a current entry for the env, the fix rewrites the pin to
    the version the lock resolved (`numpy = ">=1.26"` becomes `"==1.26.4"`). It is
    safe: the environment that gets built does not change, only the spec now says
    what runs. Run `xspec lock` afterwards to record the new requirement; it keeps
    the same versions. Without a lock, or when the lock resolved different versions
    on different platforms, there is no fix: the version to pin is not known.
    """
    for env in ctx.envs:
        locked = None
        for name, spec in sorted(env.packages.items()):
            if not isinstance(spec, str) or is_vcs(spec) or is_url(spec) or pinned_version(spec):
                continue
            if locked is None:
                locked = _locked_versions(ctx, env)
            yield _report(ctx, env, name, spec, locked.get(normalize(name), set()))


def _locked_versions(ctx, env) -> dict[str, set[str]]:
    """Package -> versions in a current lock entry for ``env``; empty without one.
    Imported only here, so specs that pin everything never load the lock module."""
    if not (ctx.project_root / "xspec.lock").exists():
        return {}
    from xspec.lock.lookup import is_current, lock_at

    lock = lock_at(ctx.project_root)
    entry = lock.envs.get(env.name) if hasattr(lock, "envs") else None
    if not is_current(env, entry):
        return {}
    versions: dict[str, set[str]] = {}
    for package in entry.packages:
        versions.setdefault(package.name, set()).add(package.version)
    return versions


def _report(ctx, env, name, spec, versions):
    entry = map_entry(env.node, "packages", name)
    span = entry.value.span if entry else env.node.name.span
    if len(versions) != 1 or entry is None:
        return ctx.report("PIN001", span, name, spec, hints=[
            f"pin one version: {name} = \"==X.Y.Z\" (`xspec lock` shows the resolved one)"])
    version = next(iter(versions))
    fix = Fix(f"pin {name} to =={version} from xspec.lock", (replace(span, quote(f"=={version}")),))
    return ctx.report("PIN001", span, name, spec, fix=fix, hints=[
        f"xspec.lock has {version}: write {name} = \"=={version}\" (`--fix` does), then run `xspec lock`"])
