"""nixpkgs pins: the commit and NAR hash a flake reference locks to, via ``nix``.

``nix flake metadata --json REF`` fetches the tree (or finds it in the store) and
reports ``locked.rev`` (absent for ``path:`` references) and ``locked.narHash``,
the same values a flake.lock records.
"""

from __future__ import annotations

import json
import re

from xspec.lock.tools import ToolError, run_tool

_REV = re.compile(r"^[0-9a-f]{40}$")


def resolve_nixpkgs(reference: str, timeout: float = 600) -> tuple[str | None, str]:
    """``(rev, narHash)`` of a nixpkgs flake reference."""
    done = run_tool("nix", ["flake", "metadata", "--json", "--no-write-lock-file", reference],
                    timeout=timeout, why=f"pin nixpkgs {reference!r}")
    try:
        locked = json.loads(done.stdout)["locked"]
        nar_hash = locked["narHash"]
    except (ValueError, KeyError, TypeError):
        raise ToolError("nix", f"`nix flake metadata {reference}` gave no locked narHash") from None
    rev = locked.get("rev")
    return (rev if isinstance(rev, str) and _REV.match(rev) else None), nar_hash
