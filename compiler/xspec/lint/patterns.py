"""Recognisers for the strings pinning rules look at: versions, images, URLs, packages."""

from __future__ import annotations

import re
from typing import NamedTuple

HEX40 = re.compile(r"[0-9a-f]{40}")
EXACT_PIN = re.compile(r"^\s*===?\s*[0-9][0-9A-Za-z.!+_-]*\s*$")
FULL_VERSION = re.compile(r"^\d+\.\d+\.\d+([a-z]+\d*)?$")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
NIX_PINNED = re.compile(
    r"^github:NixOS/nixpkgs/[0-9a-f]{40}$"
    r"|[?&]rev=[0-9a-f]{40}\b"
    r"|/archive/[0-9a-f]{40}\.tar\.gz$"
    r"|[?&]narHash=", re.I)


# ---- Python packages ------------------------------------------------------------------------

def normalize(name: str) -> str:
    """A PyPI project name without extras, in PEP 503 normal form."""
    return re.sub(r"[-_.]+", "-", name.split("[", 1)[0]).strip().lower()


def is_vcs(spec: str) -> bool:
    return re.search(r"(^|[@\s])(git|hg|svn|bzr)\+", spec) is not None


def is_url(spec: str) -> bool:
    return re.search(r"(^|[@\s])(https?|file)://", spec) is not None and not is_vcs(spec)


def pinned_version(spec: str) -> str | None:
    """The exact version of an ``==`` pin, else None."""
    if not EXACT_PIN.match(spec) or "*" in spec:
        return None
    return spec.strip().lstrip("=").strip()


def version_tuple(version: str) -> tuple[int, ...]:
    numbers = re.match(r"^(\d+(?:\.\d+)*)", version)
    return tuple(int(n) for n in numbers.group(1).split(".")) if numbers else ()


# ---- container images ------------------------------------------------------------------------

class ImageRef(NamedTuple):
    name: str
    tag: str | None
    digest: str | None


def parse_image(ref: str) -> ImageRef:
    """``registry/name:tag@sha256:...``; a ``:port`` in the registry is not a tag."""
    rest, _, digest = ref.partition("@")
    last = rest.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else None
    name = rest[: len(rest) - len(tag) - 1] if tag is not None else rest
    return ImageRef(name, tag, digest or None)


# ---- URLs ---------------------------------------------------------------------------------

OBJECT_STORE = re.compile(
    r"^(s3|gs|gcs|az|abfss?|wasbs?|r2|oss|cos)://"
    r"|^https://[^/]*(\.s3[.-][^/]*amazonaws\.com|s3\.amazonaws\.com|storage\.googleapis\.com"
    r"|\.blob\.core\.windows\.net|\.r2\.cloudflarestorage\.com)/", re.I)
VERSION_ID = re.compile(r"[?&](versionId|generation|versionid|snapshot)=|#\d+$", re.I)
BRANCH_URL = re.compile(
    r"/(resolve|raw|blob|tree)/(main|master|develop|dev|trunk|HEAD|latest)/"
    r"|raw\.githubusercontent\.com/[^/]+/[^/]+/(main|master|develop|dev|trunk|HEAD)/"
    r"|/refs/heads/", re.I)


def scheme(url: str) -> str:
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", url)
    return match.group(1).lower() if match else ""


def mutable_location(url: str) -> str | None:
    """What makes a data ``url`` mutable, or None."""
    if OBJECT_STORE.search(url) and not VERSION_ID.search(url):
        return "an object-store key without a version id"
    if BRANCH_URL.search(url):
        return "a URL that follows a branch"
    return None


ABSOLUTE_PATH = re.compile(r"^(/|~|[A-Za-z]:[\\/]|\\\\|file:)")
