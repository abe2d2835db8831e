"""The lock as lint rules and editors see it: found by project root, read once.

Reading is cached by the file's stat, so linting many specs of one project reads
its xspec.lock once, and an edited lock is read again.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from xspec.lock.lockfile import LOCK_NAME, Lock, LockedEnv, LockError, read_lock
from xspec.lock.project import env_request
from xspec.types.model import Env


def lock_at(root: Path) -> Lock | LockError | None:
    """The project's lock, the error that stops it being read, or None if there is none."""
    path = root / LOCK_NAME
    try:
        st = path.stat()
    except OSError:
        return None
    return _read(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=16)
def _read(path: Path, size: int, mtime_ns: int) -> Lock | LockError:
    try:
        return read_lock(path)
    except LockError as e:
        e.path = Path(os.path.relpath(path)) if path.is_absolute() else path
        return e


def is_current(env: Env, locked: LockedEnv | None) -> bool:
    """The lock entry was made for what the env asks for now."""
    if locked is None:
        return False
    request = env_request(env)
    return ((locked.python, locked.requirements, locked.index_url)
            == (request["python"], request["packages"], request["index_url"]))
