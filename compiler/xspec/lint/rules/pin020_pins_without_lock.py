"""PIN020 pins-without-lock."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import name_span


@rule(code="PIN020", name="pins-without-lock", category="pinning", severity=Severity.WARNING)
def pins_without_lock(ctx):
    """## What it does
    Checks that every env with Python packages has a current entry in the
    project's `xspec.lock`: the lockfile exists, can be read, names the env, and
    was made for the env's present Python version, packages and index.

    ## Why is this bad?
    `==` pins fix the packages a spec names, not their dependencies: `torch==2.3.1`
    still installs whatever `numpy`, `filelock` or `sympy` is newest on the day of
    the build, and nothing checks that the files are the ones that were tested.
    The lock pins every package transitively, with the sha256 of every file, and
    `xspec build --locked` refuses to build from a lock that no longer matches.

    ## Example
    ```xspec
    env torch {
      python   = "3.11.9"
      packages = { torch = "==2.3.1" }
    }
    ```
    with no `xspec.lock` beside the project, or one made before `torch` changed.

    ## Use instead
    Run `xspec lock` and commit `xspec.lock` with the spec.

    ## Fix safety
    No fix: the lock is written by `xspec lock`, which asks the package index.
    """
    envs = [env for env in ctx.envs if env.packages]
    if not envs:
        return
    lock = _project_lock(ctx.project_root)
    for env in envs:
        reason = _reason(env, lock)
        if reason:
            yield ctx.report("PIN020", name_span(env.node), env.name, reason,
                             hints=["run `xspec lock` and commit xspec.lock"])


def _project_lock(root):
    # A project without a lock is answered by one stat, without loading the lock module
    # (TOML reader and writer, schema): that keeps a first `xspec check` quick.
    if not (root / "xspec.lock").exists():
        return None
    from xspec.lock.lookup import lock_at

    return lock_at(root)


def _reason(env, lock) -> str | None:
    if lock is None:
        return "the project has no xspec.lock"
    from xspec.lock.lookup import is_current
    from xspec.lock.lockfile import LockError

    if isinstance(lock, LockError):
        return f"xspec.lock cannot be read ({lock})"
    locked = lock.envs.get(env.name)
    if locked is None:
        return "xspec.lock has no entry for it"
    if not is_current(env, locked):
        return "its entry in xspec.lock is out of date"
    return None
