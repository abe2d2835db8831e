"""A stand-in for torch: the determinism switches only, as module state."""
import types

from torch import backends  # noqa: F401  (torch imports its backends too)

__version__ = "0.0-fake"
version = types.SimpleNamespace(cuda=None)
cuda = types.SimpleNamespace(is_initialized=lambda: False)
_deterministic = False
_warn_only = False


def use_deterministic_algorithms(mode, *, warn_only=False):
    global _deterministic, _warn_only
    _deterministic, _warn_only = bool(mode), bool(warn_only)


def are_deterministic_algorithms_enabled():
    return _deterministic


def is_deterministic_algorithms_warn_only_enabled():
    return _warn_only
