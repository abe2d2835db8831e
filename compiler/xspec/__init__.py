"""xspec: typed, linted, locked experiment specs.

The public API lives in ``xspec.api``; the names below are imported from it lazily so
that ``import xspec`` stays cheap for the CLI.
"""

__version__ = "0.1.0"

_API = ("load", "check", "check_paths", "format_text", "Result")


def __getattr__(name):
    if name in _API:
        from xspec import api

        return getattr(api, name)
    raise AttributeError(f"module 'xspec' has no attribute {name!r}")


__all__ = ["__version__", *_API]
