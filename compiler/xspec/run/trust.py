"""A run folder is untrusted input: what `xspec reproduce` checks before it copies or runs any of it.

A bundle arrives from colleagues, archives and pull requests, and whoever had write access
to it may have changed it. Two kinds of check, in this order:

1. **Paths** (``unsafe_paths``, RUN020, always refused): every path the manifest names is
   relative and stays inside its folder (no ``..``, nothing absolute), and nothing under
   ``bundle/`` — nor the manifest, the crate or a record — is a symlink or anything but a
   regular file or folder. A bundle failing this is not copied, hashed or compiled.
2. **Content** (``modified``): ``xspec verify``'s findings about the bundle, the manifest
   and the records (RUN002, RUN003, RUN004). Changed outputs (RUN001) and inputs (RUN005)
   are not on the list: comparing them is what a reproduction is for, and it reports them.
   The working tree's own spec (RUN006) plays no part in a reproduction.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path, PurePosixPath

from xspec.run.findings import Finding
from xspec.run.layout import BUNDLE, RunDir

NOT_REFUSED = ("RUN001", "RUN005", "RUN006")


def unsafe_paths(run: RunDir, manifest: dict) -> list[Finding]:
    """RUN020 for each manifest path that leaves its folder and each link or special file."""
    found = [Finding("RUN020", (f"manifest {where}", why))
             for where, path in _manifest_paths(manifest) if (why := escapes(path))]
    found += [Finding("RUN020", (run.relative(path), why)) for path, why in _special_files(run.path / BUNDLE)]
    singles = [run.manifest_path, run.crate_path] + [run.record_path(i) for i in _indices(manifest)]
    found += [Finding("RUN020", (run.relative(p), "a symlink: refused")) for p in singles if p.is_symlink()]
    return found


def modified(verification) -> list[Finding]:
    """The findings of ``verify_run`` that say the bundle, manifest or records were changed."""
    return [f for f in verification.differences if f.code not in NOT_REFUSED]


def _manifest_paths(manifest: dict):
    spec, lock = manifest.get("spec") or {}, manifest.get("lock") or {}
    yield "spec.path", spec.get("path")
    for entry in spec.get("files") or []:
        yield "spec.files", entry.get("path") if isinstance(entry, dict) else entry
    if lock:
        yield "lock.path", lock.get("path")
    for name, value in (manifest.get("bundle") or {}).items():
        yield f"bundle.{name}", value
    for path in manifest.get("inputs") or {}:
        yield "inputs", path


def escapes(path) -> str | None:
    """Why ``path`` may not be joined to a folder, or None when it stays inside it."""
    if not isinstance(path, str) or not path or "\0" in path or "\\" in path:
        return f"{path!r} is not a relative path"
    pure = PurePosixPath(path)
    if pure.is_absolute():
        return f"{path!r} is absolute: paths from a bundle stay inside it"
    if ".." in pure.parts:
        return f"{path!r} leaves its folder (`..`): paths from a bundle stay inside it"
    return None


def _special_files(folder: Path):
    """(path, why) for every symlink, FIFO, device or socket under ``folder``, not followed."""
    if not folder.exists() and not folder.is_symlink():
        return
    pending = [folder]
    while pending:
        here = pending.pop()
        mode = os.lstat(here).st_mode
        if stat.S_ISLNK(mode):
            yield here, f"a symlink (to {os.readlink(here)}): refused"
        elif stat.S_ISDIR(mode):
            pending.extend(sorted(here.iterdir(), reverse=True))
        elif not stat.S_ISREG(mode):
            yield here, "not a regular file: refused"


def _indices(manifest: dict) -> list[int]:
    return [i for i in manifest.get("jobs") or [] if isinstance(i, int)]
