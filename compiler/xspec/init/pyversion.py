"""Python versions from the ways sources write them: `3.11.9`, `=3.11`, `>=3.10`, `^3.10`."""

from __future__ import annotations

import platform
import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

_EXACT = re.compile(r"(?:==?|===)?(\d+\.\d+(?:\.\d+)?)(?:\.\*)?")
_LOWER = re.compile(r">=?\s*(\d+\.\d+(?:\.\d+)?)")


def exact(spec: str) -> str | None:
    """The version a spec names exactly (`3.11.9`, `==3.11.9`, conda `=3.11`), else None."""
    match = _EXACT.fullmatch(spec.replace(" ", ""))
    return match.group(1) if match else None


def running() -> str:
    return platform.python_version()


def choose(constraint: str) -> tuple[str, str]:
    """(version, why) for an env whose source gives ``constraint`` (maybe "") but no version."""
    here = running()
    if not constraint:
        return here, f"the Python running `xspec init` ({here}): the sources name no version"
    if _allows(constraint, here):
        return here, f"the Python running `xspec init` ({here}), within `{constraint}`"
    lower = _LOWER.search(constraint)
    if lower:
        return lower.group(1), f"the lowest version `{constraint}` allows"
    return here, f"the Python running `xspec init` ({here}); it is NOT within `{constraint}`"


def _allows(constraint: str, version: str) -> bool:
    try:
        return SpecifierSet(constraint.replace(" ", "")).contains(Version(version))
    except InvalidSpecifier:
        return False
