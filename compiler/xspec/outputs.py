"""Folders xspec writes, which no command ever reads as project sources.

A run folder holds a copy of the project (``bundle/project/``: its specs, lock and
``xspec.toml``) and each job's folder links the workdir's files, specs included; a
build folder holds compiled files. Found by a folder walk, those copies would be
checked, formatted, locked and built as if they were the project, and changed: a
run's record is only worth something if nothing touches it afterwards.

Every such folder is recognised by a marker file, ``.xspec-output``, that xspec
writes in it before anything else (the first line says which kind it is), so a run
or build folder is still recognised after it is moved or copied elsewhere. A folder
holding a run manifest (``xspec-run.json``) counts as a run folder too, for runs made
before the marker existed. Only ``os`` is imported: ``xspec check`` walks folders with
this on its cold path.
"""

from __future__ import annotations

import os
from pathlib import Path

MARKER = ".xspec-output"
RUN_MANIFEST = "xspec-run.json"        # the same name as run.layout.MANIFEST
SPEC_SUFFIX = ".xspec"
KINDS = ("run", "build")


def marker_text(kind: str) -> str:
    return (f"xspec {kind} folder\n"
            "Written by xspec. No xspec command reads the specs in this folder as project sources "
            "or changes anything in it.\n")


def mark(folder: Path, kind: str) -> None:
    """Write the marker into ``folder`` (which exists) unless it has one already."""
    try:
        with open(Path(folder) / MARKER, "x", encoding="utf-8") as handle:
            handle.write(marker_text(kind))
    except FileExistsError:
        pass


def _marked(names) -> bool:
    return MARKER in names or RUN_MANIFEST in names


def is_output_dir(folder: Path) -> bool:
    return os.path.isfile(os.path.join(folder, MARKER)) or os.path.isfile(os.path.join(folder, RUN_MANIFEST))


def output_dir_of(path: Path) -> Path | None:
    """The run or build folder ``path`` is in (or is), nearest first; None outside one."""
    folder = Path(os.path.abspath(path))
    if not os.path.isdir(folder):
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if is_output_dir(candidate):
            return candidate
    return None


def run_dir_of(path: Path) -> Path | None:
    """The run folder ``path`` is in; None outside one (a build folder is not a run)."""
    folder = output_dir_of(path)
    while folder is not None:
        if os.path.isfile(folder / RUN_MANIFEST) or _kind(folder) == "run":
            return folder
        parent = folder.parent
        folder = output_dir_of(parent) if parent != folder else None
    return None


def _kind(folder: Path) -> str | None:
    try:
        with open(folder / MARKER, encoding="utf-8") as handle:
            words = handle.readline().split()
    except OSError:
        return None
    return words[1] if len(words) > 1 and words[1] in KINDS else None


def find_specs(folder: Path) -> list[Path]:
    """The ``*.xspec`` files under ``folder``, sorted, skipping hidden folders, run and build
    folders (the folder itself too, when it is one) and symlinked folders."""
    folder = Path(folder)
    if is_output_dir(folder):
        return []
    found = []
    for current, dirs, files in os.walk(folder):
        if current != str(folder) and _marked(files):
            dirs[:] = []
            continue
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(current, f) for f in files if f.endswith(SPEC_SUFFIX) and not f.startswith(".")]
    return sorted(found)


def refusal(paths, what: str) -> str | None:
    """The error for a command that would write ``what`` into a run folder; None if none would."""
    seen: set[str] = set()
    for path in paths:
        folder = os.path.dirname(os.path.abspath(path))
        if folder in seen:      # one walk up per folder, not per file
            continue
        seen.add(folder)
        run = run_dir_of(Path(path))
        if run is not None:
            return (f"{path} is inside the run folder {os.path.relpath(run)}: xspec never changes "
                    f"what a run wrote, so it does not {what} there")
    return None
