"""PIN004 nixpkgs-without-commit."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import NIX_PINNED
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="PIN004", name="nixpkgs-without-commit", category="pinning", severity=Severity.WARNING)
def nixpkgs_without_commit(ctx):
    """## What it does
    Checks that an env's `nixpkgs` names a commit: `github:NixOS/nixpkgs/<40 hex>`,
    a flake reference with `rev=<40 hex>` or a `narHash`, or an
    `archive/<40 hex>.tar.gz` URL. Channels and branches (`nixos-24.05`,
    `nixpkgs-unstable`, `github:NixOS/nixpkgs`, `<nixpkgs>`) are reported.

    ## Why is this bad?
    A channel or branch gets new commits every day, and every commit can change
    any package's version or build flags. Two builds of the same spec a week
    apart then get different compilers and libraries. A commit is one package set.

    ## Example
    ```xspec
    nixpkgs = "github:NixOS/nixpkgs/nixos-24.05"
    ```

    ## Use instead
    ```xspec
    nixpkgs = "github:NixOS/nixpkgs/57d6973abba7ea108bac64ae7629e7431e0199b6"
    ```

    ## Fix safety
    No fix: the commit a branch points at today comes from GitHub (`xspec lock`
    records it, with its narHash).
    """
    for env in ctx.envs:
        if isinstance(env.nixpkgs, str) and not NIX_PINNED.search(env.nixpkgs):
            yield ctx.report("PIN004", field_span(env.node, "nixpkgs"), env.nixpkgs, hints=[
                "pin a commit: github:NixOS/nixpkgs/<40-hex commit> (`xspec lock` resolves it)"])
