"""PIN021 loose-pin-with-lock."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import quote, replace
from xspec.lint.patterns import is_url, is_vcs, normalize, pinned_version
from xspec.lint.registry import rule
from xspec.lint.walk import map_entry


@rule(code="PIN021", name="loose-pin-with-lock", category="pinning", severity=Severity.WARNING,
      fix="safe")
def loose_pin_with_lock(ctx):
    """## What it does
    Checks, for envs with a current entry in `xspec.lock`, that every package
    the spec names with a range (`>=`, `~=`, `<`) or no version at all is pinned
    with `==` to the version the lock resolved.

    ## Why is this bad?
    The lock pins the exact version, but the spec still says "any version": whoever
    reads the spec, or builds it without `--locked`, or re-locks with `--upgrade`,
    gets something else. The spec should say what actually runs.

    ## Example
    ```xspec
    packages = { numpy = ">=1.26" }     # xspec.lock has numpy 1.26.4
    ```

    ## Use instead
    ```xspec
    packages = { numpy = "==1.26.4" }
    ```

    ## Fix safety
    Safe: the fix writes the version the lock already installs, so the environment
    that gets built does not change. Run `xspec lock` afterwards to record the new
    requirement; it keeps the same versions. Packages locked to different versions
    on different platforms get no fix.
    """
    from xspec.lock.lookup import is_current, lock_at

    lock = lock_at(ctx.project_root)
    if lock is None or not hasattr(lock, "envs"):
        return
    for env in ctx.envs:
        locked = lock.envs.get(env.name)
        if is_current(env, locked):
            yield from _loose(ctx, env, locked)


def _loose(ctx, env, locked):
    for name, spec in sorted(env.packages.items()):
        if not isinstance(spec, str) or is_vcs(spec) or is_url(spec) or pinned_version(spec):
            continue
        versions = {p.version for p in locked.packages if p.name == normalize(name)}
        entry = map_entry(env.node, "packages", name)
        if len(versions) != 1 or entry is None:
            continue
        version = versions.pop()
        fix = Fix(f"pin {name} to =={version} from xspec.lock",
                  (replace(entry.value.span, quote(f"=={version}")),))
        yield ctx.report("PIN021", entry.value.span, name, spec, version, fix=fix,
                         hints=[f"write {name} = \"=={version}\", then run `xspec lock`"])
