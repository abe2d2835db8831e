"""Python versions from the ways sources write them: `3.11.9`, `=3.11`, `>=3.10`, `^3.10`.

When a source gives a range (or nothing), the env needs a version the pinned packages can
install with: `torch==1.9.1` has wheels up to Python 3.9 only, so `python>=3.8` must not
become the 3.11 running `xspec init`. ``NEWEST_PYTHON`` is a short table of the newest
Python each release series of a few common packages publishes wheels for (from their
release notes and PyPI files); a pin older than a row's bound caps the Python version.
"""

from __future__ import annotations

import platform
import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_EXACT = re.compile(r"(?:==?|===)?(\d+\.\d+(?:\.\d+)?)(?:\.\*)?")
_LOWER = re.compile(r">=?\s*(\d+\.\d+(?:\.\d+)?)")
MINORS = [f"3.{minor}" for minor in range(6, 14)]

# package -> [(first version NOT covered, newest Python of the versions below it)], in order.
NEWEST_PYTHON = {
    "torch": [("1.4", "3.7"), ("1.7.1", "3.8"), ("1.11", "3.9"), ("1.13", "3.10"),
              ("2.2", "3.11"), ("2.5", "3.12")],
    "torchvision": [("0.5", "3.7"), ("0.8.2", "3.8"), ("0.12", "3.9"), ("0.14", "3.10"),
                    ("0.17", "3.11"), ("0.20", "3.12")],
    "tensorflow": [("2.2", "3.7"), ("2.5", "3.8"), ("2.8", "3.9"), ("2.12", "3.10"),
                   ("2.16", "3.11")],
    "numpy": [("1.17.3", "3.7"), ("1.19.3", "3.8"), ("1.21.3", "3.9"), ("1.23.2", "3.10"), ("1.26", "3.11"),
              ("2.1", "3.12")],
    "scipy": [("1.5.4", "3.8"), ("1.7.2", "3.9"), ("1.9.2", "3.10"), ("1.11.2", "3.11"),
              ("1.14.1", "3.12")],
    "pandas": [("1.1.3", "3.8"), ("1.3.4", "3.9"), ("1.5.1", "3.10"), ("2.1.1", "3.11"),
               ("2.2.3", "3.12")],
    "scikit-learn": [("0.24", "3.8"), ("1.0.1", "3.9"), ("1.1.3", "3.10"), ("1.3.1", "3.11"),
                     ("1.5.2", "3.12")],
}


def exact(spec: str) -> str | None:
    """The version a spec names exactly (`3.11.9`, `==3.11.9`, conda `=3.11`), else None."""
    match = _EXACT.fullmatch(spec.replace(" ", ""))
    return match.group(1) if match else None


def running() -> str:
    return platform.python_version()


def newest_for(pins: dict[str, str]) -> tuple[str, str] | None:
    """(newest Python, the pin that says so) over ``pins`` (name -> exact version), or None."""
    found = None
    for name, version in pins.items():
        cap = _cap(name, version)
        if cap and (found is None or Version(cap) < Version(found[0])):
            found = (cap, f"{name}=={version}")
    return found


def _cap(name: str, version: str) -> str | None:
    try:
        pinned = Version(version)
    except InvalidVersion:
        return None
    for bound, newest in NEWEST_PYTHON.get(name, []):
        if pinned < Version(bound):
            return newest
    return None


def choose(constraint: str, pins: dict[str, str] | None = None) -> tuple[str, str]:
    """(version, why) for an env whose source gives ``constraint`` (maybe "") but no version,
    and whose packages pin ``pins`` (name -> exact version)."""
    here = running()
    cap = newest_for(pins or {})
    if cap and Version(cap[0]) < Version(".".join(here.split(".")[:2])):
        return _capped(constraint, *cap)
    if not constraint:
        return here, f"the Python running `xspec init` ({here}): the sources name no version"
    if _allows(constraint, here):
        return here, f"the Python running `xspec init` ({here}), within `{constraint}`"
    lower = _LOWER.search(constraint)
    if lower:
        return lower.group(1), f"the lowest version `{constraint}` allows"
    return here, f"the Python running `xspec init` ({here}); it is NOT within `{constraint}`"


def _capped(constraint: str, newest: str, pin: str) -> tuple[str, str]:
    """The newest Python that ``pin`` installs on, within ``constraint``."""
    within = f", within `{constraint}`" if constraint else ""
    fitting = [m for m in MINORS if Version(m) <= Version(newest) and _allows(constraint or ">=3", m + ".0")]
    if fitting:
        return fitting[-1], f"`{pin}` has wheels up to Python {newest}{within}"
    return newest, (f"`{pin}` has wheels up to Python {newest}; it is NOT within `{constraint}`")


def _allows(constraint: str, version: str) -> bool:
    try:
        return SpecifierSet(constraint.replace(" ", "")).contains(Version(version))
    except InvalidSpecifier:
        return False
