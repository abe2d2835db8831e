"""Drift: where spec, lock, data on disk and installed packages disagree.

Each comparison yields ``Drift`` rows, matching ones included, so `xspec status`
can show a full table and `xspec lock --check` the rows that moved.
"""

from __future__ import annotations

import re
import sys
from typing import Any
from dataclasses import dataclass
from pathlib import Path

from xspec.lock.data import DataError, Hasher
from xspec.lock.lockfile import Lock, LockedEnv, LockedPackage
from xspec.lock.project import Project, data_request, env_request, local_path
from xspec.lock.resolver import ResolveOptions, normalize_name
from xspec.resolve.loader import display_path

OK = "ok"


@dataclass(frozen=True)
class Drift:
    kind: str          # spec env package data disk python installed lock
    name: str
    state: str         # ok changed added removed missing unlocked remote
    locked: str = ""   # what the lock says
    actual: str = ""   # what the spec, the disk or the environment says
    detail: str = ""   # one sentence for people

    @property
    def ok(self) -> bool:
        return self.state in (OK, "remote")

    def to_dict(self) -> dict:
        return {"kind": self.kind, "name": self.name, "state": self.state,
                "locked": self.locked, "actual": self.actual, "detail": self.detail}


# ---- spec against lock -----------------------------------------------------------------

def spec_drift(project: Project, lock: Lock, options: ResolveOptions) -> list[Drift]:
    """Every env, data entry and spec file of the project against the lock."""
    rows = [_spec_row(path, digest, lock) for path, digest in sorted(project.specs.items())]
    for name, env in sorted(project.envs.items()):
        rows += _env_rows(name, env_request(env), lock.envs.get(name), options)
    for name, entry in sorted(project.data.items()):
        rows += _data_rows(name, data_request(entry), lock.data.get(name))
    return rows + _removed(project, lock)


def _spec_row(path: str, digest: str, lock: Lock) -> Drift:
    locked = lock.specs.get(path)
    if locked is None:
        return Drift("spec", path, "unlocked", "", digest, f"spec {path} is not in the lock")
    if locked != digest:
        return Drift("spec", path, "changed", locked, digest,
                     f"spec {path}: its envs or data changed since the lock was made")
    return Drift("spec", path, OK, locked, digest)


def _env_rows(name: str, request: dict, locked: LockedEnv | None, options) -> list[Drift]:
    if locked is None:
        return [Drift("env", name, "unlocked", "", "", f"env {name} is in the spec but not in the lock")]
    rows = [_changed("env", name, key, getattr(locked, key), request[key])
            for key in ("python", "image", "nixpkgs", "index_url", "system")]
    if request["packages"] and sorted(locked.platforms) != sorted(options.platforms):
        rows.append(_changed("env", name, "platforms", sorted(locked.platforms), sorted(options.platforms)))
    rows += _requirement_rows(name, locked, request["packages"])
    rows = [r for r in rows if r is not None]
    return rows or [Drift("env", name, OK, detail=f"env {name} matches the lock")]


def _changed(kind, name, key, locked, actual) -> Drift | None:
    if (locked or None) == (actual or None):
        return None
    return Drift(kind, name, "changed", _show(locked), _show(actual),
                 f"{kind} {name}: {key} changed from {_show(locked)} (lock) to {_show(actual)} (spec)")


def _requirement_rows(env: str, locked: LockedEnv, wanted: dict[str, str]) -> list[Drift]:
    rows = []
    for package in sorted(set(wanted) | set(locked.requirements)):
        label = f"{env}/{package}"
        before, after = locked.requirements.get(package), wanted.get(package)
        if before is None:
            rows.append(Drift("package", label, "added", "", after,
                              f"env {env}: package {package} {after} was added to the spec"))
        elif after is None:
            rows.append(Drift("package", label, "removed", before, "",
                              f"env {env}: package {package} was removed from the spec"))
        elif before != after:
            rows.append(Drift("package", label, "changed", before, after,
                              f"env {env}: package {package} changed from {before} to {after}"))
        else:
            rows += _pin_rows(env, package, after, locked.packages)
    return rows


def _pin_rows(env: str, package: str, specifier: str, packages: list[LockedPackage]) -> list[Drift]:
    """A locked version the spec's specifier does not allow (a hand-edited lock)."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        allowed = SpecifierSet(specifier.strip().removeprefix("*"))
    except InvalidSpecifier:
        return []        # URLs, markers and the like: uv judged them when it resolved
    name = normalize_name(re.split(r"[\[;]", package)[0])
    versions = sorted({p.version for p in packages if p.name == name})
    wrong = [v for v in versions if not allowed.contains(v, prereleases=True)]
    if not wrong:
        return []
    return [Drift("package", f"{env}/{package}", "changed", ", ".join(versions), specifier,
                  f"env {env}: the lock has {package} {', '.join(wrong)}, "
                  f"which the spec's {specifier!r} does not allow")]


def _data_rows(name: str, request: dict, locked) -> list[Drift]:
    if locked is None:
        return [Drift("data", name, "unlocked", "", "", f"data {name} is in the spec but not in the lock")]
    rows = [_changed("data", name, key, getattr(locked, key), request[key])
            for key in ("url", "path", "version")]
    if request["sha256"] is not None and request["sha256"] != locked.sha256:
        rows.append(_changed("data", name, "sha256", locked.sha256, request["sha256"]))
    if request["size"] is not None and locked.size is not None and request["size"] != locked.size:
        rows.append(_changed("data", name, "size", locked.size, request["size"]))
    rows = [r for r in rows if r is not None]
    return rows or [Drift("data", name, OK, detail=f"data {name} matches the lock")]


def _removed(project: Project, lock: Lock) -> list[Drift]:
    """Lock entries whose spec was loaded but no longer defines them, or no longer exists."""
    rows, exists = list[Drift](), dict[str | None, bool]()
    tables: tuple[tuple[str, dict[str, Any], dict], ...] = (("env", lock.envs, project.envs), ("data", lock.data, project.data))
    for kind, table, current in tables:
        for name, item in sorted(table.items()):
            if item.spec not in exists:
                exists[item.spec] = item.spec is not None and (project.root / item.spec).is_file()
            gone = not exists[item.spec]
            if name not in current and (item.spec in project.spec_paths or gone):
                rows.append(Drift(kind, name, "removed", item.spec or "", "",
                                  f"{kind} {name} is in the lock but no longer in {item.spec or 'the specs'}"))
    return rows


def _show(value) -> str:
    if value is None or value == []:
        return "(none)"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


# ---- lock against the data on disk --------------------------------------------------------

def disk_drift(project: Project, lock: Lock | None, verify: bool = False, progress=None) -> list[Drift]:
    """Each local data entry's content against its locked (or declared) sha256."""
    locations = {n: local_path(project, e) for n, e in project.data.items()}
    local = {n: p for n, p in locations.items() if p is not None}
    hashed = Hasher(project.root, verify=verify, progress=progress).digest_all(local)
    rows = []
    for name, entry in sorted(project.data.items()):
        locked = lock.data.get(name) if lock else None
        expected = locked.sha256 if locked else entry.sha256
        rows.append(_disk_row(name, expected, hashed.get(name), local.get(name)))
    return rows


def _disk_row(name, expected, hashed, path: Path | None) -> Drift:
    if path is None:
        return Drift("disk", name, "remote", expected or "", "", f"data {name} is remote: not checked")
    if isinstance(hashed, DataError):
        return Drift("disk", name, "missing", expected or "", "", f"data {name}: {hashed}")
    if expected is None:
        return Drift("disk", name, "unlocked", "", hashed.sha256,
                     f"data {name} has no locked or declared sha256 to compare with")
    if hashed.sha256 != expected:
        return Drift("disk", name, "changed", expected, hashed.sha256,
                     f"data {name}: {display_path(path)} changed on disk "
                     f"(sha256 {hashed.sha256}, expected {expected})")
    return Drift("disk", name, OK, expected, hashed.sha256)


# ---- lock against the running Python environment ------------------------------------------

def installed_drift(lock: Lock, names: list[str], installed: dict[str, str] | None = None,
                    python: str | None = None) -> list[Drift]:
    """The packages of the named locked envs against what this Python has installed."""
    installed = installed_packages() if installed is None else installed
    python = python or ".".join(map(str, sys.version_info[:3]))
    rows = []
    for name in names:
        env = lock.envs.get(name)
        if env is None:
            rows.append(Drift("installed", name, "unlocked", "", "", f"env {name} is not in the lock"))
            continue
        rows.append(_python_row(env, python))
        rows += [_installed_row(env.name, p, installed) for p in env.packages if applies(p.markers)]
    return rows


def _python_row(env: LockedEnv, python: str) -> Drift:
    wanted = env.python or ""
    running = ".".join(python.split(".")[:len(wanted.split("."))]) if wanted else python
    state = OK if not wanted or running == wanted else "changed"
    return Drift("python", env.name, state, wanted, python,
                 "" if state == OK else f"env {env.name} wants Python {wanted}, this is Python {python}")


def _installed_row(env: str, package: LockedPackage, installed: dict[str, str]) -> Drift:
    label = f"{env}/{package.name}"
    have = installed.get(package.name)
    if have is None:
        return Drift("installed", label, "missing", package.version, "",
                     f"env {env}: {package.name} {package.version} is not installed")
    if have != package.version:
        return Drift("installed", label, "changed", package.version, have,
                     f"env {env}: {package.name} {have} is installed, the lock has {package.version}")
    return Drift("installed", label, OK, package.version, have)


def installed_packages() -> dict[str, str]:
    """Normalized name -> version of every distribution this Python can import."""
    from importlib import metadata

    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found.setdefault(normalize_name(name), dist.version)
    return found


def applies(markers: str | None) -> bool:
    """Whether markers written by xspec (platform_machine, sys_platform) hold here."""
    if not markers:
        return True
    import platform

    facts = {"platform_machine": platform.machine(), "sys_platform": sys.platform}
    return any(all(_term_holds(term, facts) for term in clause.strip(" ()").split(" and "))
               for clause in markers.split(" or "))


def _term_holds(term: str, facts: dict[str, str]) -> bool:
    found = re.fullmatch(r"\s*(\w+)\s*==\s*'([^']*)'\s*", term)
    return bool(found) and facts.get(found.group(1)) == found.group(2)
