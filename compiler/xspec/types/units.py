"""Units of the two quantity kinds: durations (canonical: seconds) and sizes (bytes)."""

from __future__ import annotations

DURATION_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
SIZE_UNITS = {
    "B": 1,
    "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15,
    "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40, "PiB": 2**50,
}
KINDS = {"duration": DURATION_UNITS, "size": SIZE_UNITS}


class UnitError(ValueError):
    """A unit that is unknown or ambiguous; ``hint`` says what to write instead."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


def unit_kind(unit: str) -> str:
    """'duration' or 'size' for a known unit; raises UnitError with a suggestion otherwise."""
    for kind, table in KINDS.items():
        if unit in table:
            return kind
    raise UnitError(f"unknown unit {unit!r}", _suggest(unit))


def _suggest(unit: str) -> str:
    prefix = unit[:1].upper()
    if len(unit) >= 2 and unit[-1] == "b" and prefix in "KMGTP":
        return (f"`{unit}` would be bits; memory is measured in bytes: write `{prefix}B` "
                f"(10^n bytes) or `{prefix}iB` (2^n bytes)")
    if unit.upper() in {"K", "M", "G", "T", "P"} or unit.lower() in {"kb", "mb", "gb", "tb", "pb"}:
        return f"sizes need an explicit base: `{prefix}B` (10^n bytes) or `{prefix}iB` (2^n bytes)"
    lowered = unit.lower()
    for name, canonical in (("sec", "s"), ("second", "s"), ("hour", "h"), ("hr", "h"),
                            ("day", "d"), ("minute", "m"), ("week", "w")):
        if lowered.startswith(name):
            return f"write durations as `30s`, `30m`, `4h` or `2d`; here: `{canonical}`"
    return "durations use s, m, h, d, w; sizes use B, KB, MB, GB, TB or KiB, MiB, GiB, TiB"


def to_canonical(magnitude: float, unit: str) -> int:
    """Seconds for a duration, bytes for a size, rounded to a whole number."""
    return round(magnitude * KINDS[unit_kind(unit)][unit])


def format_duration(seconds: int) -> str:
    for unit in ("d", "h", "m"):
        if seconds and seconds % DURATION_UNITS[unit] == 0:
            return f"{seconds // DURATION_UNITS[unit]}{unit}"
    return f"{seconds}s"
