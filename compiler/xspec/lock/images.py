"""Container images: the manifest digest behind a tag, via skopeo or crane.

An image already written as ``name@sha256:<digest>`` needs no tool. A tag is
resolved to the digest of its top-level manifest (the manifest list for a
multi-platform image), the value ``image@sha256:...`` pins.
"""

from __future__ import annotations

import hashlib
import re

from xspec.lock.tools import ToolError, find_tool, run_tool

_DIGEST = re.compile(r"@(sha256:[0-9a-f]{64})$")
_TRANSPORTS = ("docker://", "oci:", "oci-archive:", "docker-archive:", "dir:", "containers-storage:")


def pinned_digest(image: str) -> str | None:
    """The ``sha256:...`` an image reference is pinned to, if it is."""
    found = _DIGEST.search(image)
    return found.group(1) if found else None


def resolve_image(image: str, timeout: float = 120) -> str:
    """The image's manifest digest, ``sha256:<64 hex>``."""
    pinned = pinned_digest(image)
    if pinned:
        return pinned
    if find_tool("skopeo"):
        return _with_skopeo(image, timeout)
    if find_tool("crane"):
        return _with_crane(image, timeout)
    raise ToolError("skopeo", f"image {image!r} is a tag, and neither skopeo nor crane is installed "
                              "to look up its digest: install skopeo (`apt-get install skopeo`) or "
                              f"crane, or pin it in the spec as `{image}@sha256:<digest>`", missing=True)


def _with_skopeo(image: str, timeout: float) -> str:
    reference = image if image.startswith(_TRANSPORTS) else "docker://" + image
    done = run_tool("skopeo", ["inspect", "--raw", reference], timeout=timeout, binary=True,
                    why="look up an image digest")
    return "sha256:" + hashlib.sha256(done.stdout).hexdigest()


def _with_crane(image: str, timeout: float) -> str:
    done = run_tool("crane", ["digest", image], timeout=timeout, why="look up an image digest")
    digest = done.stdout.strip()
    if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
        raise ToolError("crane", f"`crane digest {image}` printed {digest!r}, not a sha256 digest")
    return digest
