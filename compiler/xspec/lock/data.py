"""Content hashes of data: streaming SHA-256, many files in parallel, a stat cache.

A file is read in large blocks into one reusable buffer and fed to OpenSSL's
SHA-256 through ``hashlib`` (which releases the GIL for large updates, so a thread
pool hashes several files at once on several cores). A folder's hash is the
SHA-256 of its manifest: one ``<sha256>  <relative/path>\\n`` line per file, sorted
by path, the same text ``sha256sum`` would print; its size is the sum of its files.

The stat cache (``.xspec-cache/stat-cache.json`` at the project root, like DVC's)
remembers ``(size, mtime_ns, inode) -> sha256`` per file, so checking unchanged
data costs one ``stat`` per file.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BLOCK = 4 << 20                  # 4 MiB: measured fastest here (1 MiB loses ~10%)
CACHE_DIR = ".xspec-cache"
CACHE_FILE = "stat-cache.json"
CACHE_VERSION = 1
RACY_NS = 2_000_000_000          # files changed this recently are not trusted from the cache


@dataclass(frozen=True)
class Hashed:
    sha256: str                  # 64 lowercase hex digits
    size: int


class DataError(Exception):
    """A file or folder that cannot be hashed (missing, unreadable)."""


# ---- one file ----------------------------------------------------------------------

def sha256_file(path: Path, buffer: bytearray | None = None) -> Hashed:
    """Stream one file through SHA-256 without holding it in memory."""
    buffer = buffer or bytearray(BLOCK)
    view = memoryview(buffer)
    digest, size = hashlib.sha256(), 0
    from xspec.source import open_regular   # a FIFO as data would block the hashing forever

    with open_regular(path) as handle:
        while count := handle.readinto(buffer):
            digest.update(view[:count])
            size += count
    return Hashed(digest.hexdigest(), size)


def manifest_digest(files: dict[str, Hashed]) -> Hashed:
    """The hash of a folder from its files' hashes (relative POSIX path -> Hashed)."""
    text = "".join(f"{files[name].sha256}  {name}\n" for name in sorted(files))
    return Hashed(hashlib.sha256(text.encode("utf-8")).hexdigest(),
                  sum(h.size for h in files.values()))


# ---- the stat cache ----------------------------------------------------------------

class StatCache:
    """``path -> (size, mtime_ns, inode, sha256)``, trusted only while the stat matches."""

    def __init__(self, root: Path):
        self.root = root
        self.prefix = str(root).rstrip(os.sep) + os.sep
        self.path = root / CACHE_DIR / CACHE_FILE
        self.entries: dict[str, list] = self._load()
        self.dirty = False

    def _load(self) -> dict[str, list]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}     # a missing or broken cache only costs re-hashing
        if not isinstance(document, dict) or document.get("version") != CACHE_VERSION:
            return {}
        entries = document.get("entries")
        return entries if isinstance(entries, dict) else {}

    def key(self, path: Path) -> str:
        text = str(path)     # string slicing: pathlib's relative_to costs more than the stat
        if text.startswith(self.prefix):
            return text[len(self.prefix):].replace(os.sep, "/")
        return text

    def get(self, path: Path, st: os.stat_result) -> Hashed | None:
        entry = self.entries.get(self.key(path))
        if (isinstance(entry, list) and len(entry) == 4
                and entry[:3] == [st.st_size, st.st_mtime_ns, st.st_ino]):
            return Hashed(entry[3], st.st_size)
        return None

    def put(self, path: Path, st: os.stat_result, hashed: Hashed) -> None:
        # A file written within the last RACY_NS may change again without its mtime
        # moving (coarse timestamps): hash it again next time instead of trusting it.
        if time.time_ns() - st.st_mtime_ns < RACY_NS:
            return
        entry = [st.st_size, st.st_mtime_ns, st.st_ino, hashed.sha256]
        if self.entries.get(self.key(path)) != entry:
            self.entries[self.key(path)] = entry
            self.dirty = True

    def save(self) -> None:
        """Write the cache atomically; failures are ignored (the cache is only a speed-up)."""
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(exist_ok=True)
            _ignore_file(self.path.parent)
            temporary = self.path.with_name(f".{CACHE_FILE}.{os.getpid()}.tmp")
            text = json.dumps({"version": CACHE_VERSION, "entries": self.entries},
                              sort_keys=True, separators=(",", ":"))
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
            self.dirty = False
        except OSError:
            pass


def _ignore_file(folder: Path) -> None:
    gitignore = folder / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text("# written by xspec: the stat cache is local to this machine\n*\n")


# ---- many files and folders ------------------------------------------------------------

class Hasher:
    """Hashes files and folders, in parallel, through the stat cache."""

    def __init__(self, root: Path, verify: bool = False, workers: int | None = None,
                 progress: Callable[[str], None] | None = None):
        self.cache = StatCache(root)
        self.verify = verify
        self.workers = workers or os.cpu_count() or 1
        self.progress = progress or (lambda message: None)

    def digest_all(self, targets: dict[str, Path]) -> dict[str, Hashed | DataError]:
        """Hash each named file or folder; a failure is returned, not raised."""
        listed = {name: self._list(path) for name, path in targets.items()}
        hashes, todo = dict[Path, Hashed | DataError](), list[tuple[Path, os.stat_result]]()
        for name, files in listed.items():
            if not isinstance(files, DataError):
                todo += self._lookup(name, files.values(), hashes)
        hashes.update(self._hash_parallel(todo))
        self.cache.save()
        return {name: files if isinstance(files, DataError) else self._combine(files, hashes)
                for name, files in listed.items()}

    def _list(self, path: Path) -> dict[str, tuple[Path, os.stat_result]] | DataError:
        """Relative name -> (path, stat) of the file, or of every file under the folder."""
        try:
            st = path.stat()
            if not stat.S_ISDIR(st.st_mode):
                return {"": (path, st)}
            return dict(sorted(_walk(path, "")))
        except OSError as e:
            return DataError(f"{path}: {e.strerror or e}")

    def _lookup(self, name: str, items, found: dict) -> list[tuple[Path, os.stat_result]]:
        """Fill ``found`` from the cache; returns the files that must be read."""
        todo = []
        for path, st in items:
            cached = None if self.verify else self.cache.get(path, st)
            if cached is not None:
                found[path] = cached
            else:
                todo.append((path, st))
        if todo:
            size = sum(st.st_size for _, st in todo)
            count = f"{len(todo)} files, " if len(todo) > 1 else ""
            self.progress(f"hashing data {name} ({count}{_human_size(size)})")
        return todo

    def _hash_parallel(self, todo: list[tuple[Path, os.stat_result]]) -> dict[Path, Hashed | DataError]:
        workers = min(self.workers, len(todo))
        if workers <= 1:
            return dict(self._hash_one(item) for item in todo)
        with ThreadPoolExecutor(workers) as pool:
            return dict(pool.map(self._hash_one, todo))

    def _hash_one(self, item: tuple[Path, os.stat_result]) -> tuple[Path, Hashed | DataError]:
        path, before = item
        try:
            hashed = sha256_file(path, _thread_buffer())
            after = path.stat()
        except OSError as e:
            return path, DataError(f"{path}: {e.strerror or e}")
        if _same_file(before, after):
            self.cache.put(path, after, hashed)
        return path, hashed

    def _combine(self, files, hashes) -> Hashed | DataError:
        if "" in files:
            return hashes[files[""][0]]
        results = {name: hashes[path] for name, (path, _) in files.items()}
        failed = next((r for r in results.values() if isinstance(r, DataError)), None)
        return failed or manifest_digest(results)


def _walk(folder: Path, prefix: str):
    """(relative POSIX name, (path, stat)) of every regular file under ``folder``."""
    with os.scandir(folder) as entries:
        for entry in entries:
            name = prefix + entry.name
            if entry.is_dir():
                yield from _walk(Path(entry.path), name + "/")
            elif entry.is_file():
                yield name, (Path(entry.path), entry.stat())


def _human_size(size: float) -> str:
    if size < 1000:
        return f"{size:.0f} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.1f} {unit}"
    return ""


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_size, a.st_mtime_ns, a.st_ino) == (b.st_size, b.st_mtime_ns, b.st_ino)


_buffers = threading.local()


def _thread_buffer() -> bytearray:
    """One reusable read buffer per thread: no 4 MiB allocation per file."""
    buffer = getattr(_buffers, "buffer", None)
    if buffer is None:
        buffer = _buffers.buffer = bytearray(BLOCK)
    return buffer


# ---- remote data -------------------------------------------------------------------

FETCHABLE = ("http://", "https://", "file://")


def fetch_sha256(url: str, timeout: float = 60) -> Hashed:
    """Download ``url`` and hash it as it streams; nothing is kept on disk."""
    import urllib.error
    import urllib.request

    digest, size = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            while chunk := response.read(BLOCK):
                digest.update(chunk)
                size += len(chunk)
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise DataError(f"cannot fetch {url}: {getattr(e, 'reason', None) or e}") from None
    return Hashed(digest.hexdigest(), size)
