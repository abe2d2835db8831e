"""The result cache: a spec whose inputs have not changed is not checked again.

Like ruff's and black's caches, an entry is keyed by everything its diagnostics
depend on: the spec's bytes, the settings that apply to it, the xspec version (and,
so that a development checkout never serves stale results, the size and mtime of
xspec's own source files), the working folder (paths are shown relative to it) and
the project root. The modules a spec imports and the project's xspec.lock are
recorded in the entry with their hashes and checked on every lookup: an entry is
used only if they are unchanged (or still missing).

Entries live in ``.xspec-cache/`` at the project root, one small JSON file each,
written to a temporary file and renamed, so parallel workers never see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from xspec.diagnostics import Diagnostic, Edit, Fix, Severity
from xspec.source import Span, read_regular

FOLDER = ".xspec-cache"
LAYOUT = "lint-1"            # bump when the entry format changes


class Cache:
    def __init__(self, root: Path):
        self.folder = root / FOLDER / LAYOUT

    def key(self, spec: Path, data: bytes, settings_fingerprint: str) -> str:
        parts = [hashlib.sha256(data).hexdigest(), settings_fingerprint, code_fingerprint(),
                 os.getcwd(), str(spec.resolve())]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def get(self, key: str) -> tuple[list[Diagnostic], dict[str, str]] | None:
        """The cached diagnostics and {shown path: real path}, if the entry is still valid."""
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if any(file_hash(Path(p)) != h for p, h in entry["imports"].items()):
            return None
        return [_load(d) for d in entry["diagnostics"]], entry["files"]

    def put(self, key: str, diagnostics: list[Diagnostic], imports: dict[str, str],
            files: dict[str, str]) -> None:
        entry = {"diagnostics": [_dump(d) for d in diagnostics], "imports": imports, "files": files}
        try:
            self._write(key, json.dumps(entry, separators=(",", ":")))
        except OSError:
            pass            # a read-only project still checks, only without a cache

    def _write(self, key: str, text: str) -> None:
        temporary = self.folder / f".{key}.{os.getpid()}.tmp"
        try:
            temporary.write_text(text, encoding="utf-8")
        except FileNotFoundError:
            self.folder.mkdir(parents=True, exist_ok=True)
            _mark(self.folder.parent)
            temporary.write_text(text, encoding="utf-8")
        temporary.replace(self.folder / f"{key}.json")


def _mark(root: Path) -> None:
    """Keep the cache out of git and out of backups, as ruff does."""
    ignore, tag = root / ".gitignore", root / "CACHEDIR.TAG"
    if not ignore.exists():
        ignore.write_text("# Automatically created by xspec.\n*\n")
    if not tag.exists():
        tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                       "# This file is a cache directory tag created by xspec.\n")


def file_hash(path: Path) -> str:
    """sha256 of a file ("missing" if there is none), read again only when its size or
    modification time changes."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    return _hash(Path(path), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=4096)
def _hash(path: Path, size: int, mtime_ns: int) -> str:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except OSError:   # NotRegularFile too: a FIFO would block the check
        return "missing"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    from xspec import __version__

    package = Path(__file__).resolve().parents[1]
    source_tree_stdlib = package.parents[1] / "stdlib"     # a development checkout
    stamps = [__version__]
    for folder, pattern in ((package, "*.py"), (package, "*.lark"), (package, "*.xspec"),
                            (source_tree_stdlib, "*.xspec")):
        for path in sorted(folder.rglob(pattern)) if folder.is_dir() else ():
            info = path.stat()
            stamps.append(f"{path.relative_to(folder)}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


# ---- (de)serialising diagnostics ------------------------------------------------------------

def _dump(d: Diagnostic) -> list:
    s = d.span
    fix = None if d.fix is None else [d.fix.message, d.fix.safe,
                                      [[e.start, e.end, e.text] for e in d.fix.edits]]
    return [d.code, int(d.severity), [s.path, s.line, s.column, s.end_line, s.end_column,
                                      s.start, s.end], d.message, list(d.hints), fix]


def _load(row: list) -> Diagnostic:
    code, severity, span, message, hints, fix = row
    if fix is not None:
        fix = Fix(fix[0], tuple(Edit(*e) for e in fix[2]), fix[1])
    return Diagnostic(code, Severity(severity), Span(*span), message, tuple(hints), fix)
