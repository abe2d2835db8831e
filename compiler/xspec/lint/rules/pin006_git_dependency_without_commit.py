"""PIN006 git-dependency-without-commit."""

import re

from xspec.diagnostics import Severity
from xspec.lint.patterns import is_vcs
from xspec.lint.registry import rule
from xspec.lint.walk import map_entry

COMMIT = re.compile(r"@[0-9a-f]{40}(?=$|[#&\s])")


@rule(code="PIN006", name="git-dependency-without-commit", category="pinning",
      severity=Severity.WARNING)
def git_dependency_without_commit(ctx):
    """## What it does
    Checks Python packages given as VCS URLs (`git+https://...`, `hg+`, `svn+`,
    `bzr+`) for a full commit hash after `@`. Branches, tags, short hashes and no
    ref at all are reported.

    ## Why is this bad?
    A branch moves with every push, and a tag can be deleted and pushed again to
    other code. A short hash can become ambiguous as the repository grows. Only a
    full commit hash names one tree.

    ## Example
    ```xspec
    packages = { mylib = "git+https://github.com/lab/mylib@main" }
    ```

    ## Use instead
    ```xspec
    packages = { mylib = "git+https://github.com/lab/mylib@3f5e0c1d2b4a69788796a5b4c3d2e1f0a9b8c7d6" }
    ```

    ## Fix safety
    No fix: the commit comes from the repository (`git ls-remote URL main`).
    """
    for env in ctx.envs:
        for name, spec in env.packages.items():
            if isinstance(spec, str) and is_vcs(spec) and not COMMIT.search(spec):
                entry = map_entry(env.node, "packages", name)
                span = entry.value.span if entry else env.node.name.span
                yield ctx.report("PIN006", span, spec, hints=[
                    "end the URL with @<40-hex commit> (`git ls-remote URL BRANCH` shows it)"])
