"""Lock and drift: pin every moving part of a project and notice when it moves.

``lockfile`` is the format (the contract `xspec build` reads); ``tools`` the one
subprocess layer; ``resolver``, ``images``, ``nix`` and ``data`` find the pins;
``project`` collects what a project has to lock; ``locker`` builds the lock;
``drift`` compares spec, lock, disk and the installed packages.
"""

from xspec.lock.lockfile import (LOCK_NAME, Lock, LockedData, LockedEnv, LockedPackage, LockError,
                                 find_lock, read_lock, requirements_text, write_lock)

__all__ = ["LOCK_NAME", "Lock", "LockError", "LockedData", "LockedEnv", "LockedPackage",
           "find_lock", "read_lock", "requirements_text", "write_lock"]
