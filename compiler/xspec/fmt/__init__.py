"""``xspec fmt``: print a spec in the one canonical layout (docs/formatting.md)."""

from xspec.fmt.formatter import format_module, format_source

__all__ = ["format_module", "format_source"]
