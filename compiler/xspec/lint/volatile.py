"""Values that change from run to run: the clock, the host, the OS's randomness.

Each table is a list of regexes. They are searched in the source text of string
literals (prose fields and param docs excluded), so a diagnostic points at the
exact characters; an unescaped ``${...}`` is an xspec interpolation, not the shell's.
"""

from __future__ import annotations

import re

from xspec.source import Span

CLOCK = [
    r"\$\(\s*date\b", r"`\s*date\b", r"\$\{?EPOCH(?:SECONDS|REALTIME)\b",
    r"\bdatetime\.(?:datetime\.)?(?:now|today|utcnow)\(", r"\btime\.(?:time|time_ns|ctime)\(",
    r"%\([^)]*\)T",
]
HOST = [
    r"\$\(\s*(?:hostname|uname)\b", r"`\s*(?:hostname|uname)\b", r"\$\{?HOSTNAME\b", r"\$\$",
    r"\$\{?(?:PPID|BASHPID)\b", r"\bsocket\.gethostname\(", r"\bplatform\.node\(",
    r"\bos\.getpid\(",
]
RANDOM = [
    r"\$\{?S?RANDOM\b", r"\buuidgen\b", r"/dev/u?random\b", r"/proc/sys/kernel/random/uuid",
    r"\buuid\.uuid[14]\(", r"\bmktemp\b", r"\bshuf\b", r"\bos\.urandom\(", r"\bsecrets\.token_",
]
# Each pattern above contains one of these; a file with none is skipped without the regex.
MARKERS = ("$(", "`", "EPOCH", "datetime.", "time.", ")T", "HOSTNAME", "$$", "PPID", "BASHPID",
           "gethostname", "platform.node", "getpid", "RANDOM", "uuid", "/dev/", "mktemp", "shuf",
           "urandom", "secrets.token_")
_TABLES = {"clock": CLOCK, "host": HOST, "random": RANDOM}
# Compiled on first use (by re's cache): only a file with a marker needs it.
_ALL = "|".join(f"(?P<{name}>{'|'.join(f'(?:{p})' for p in table)})" for name, table in _TABLES.items())


def matches(ctx, table: str) -> list[tuple[Span, str]]:
    """(span, matched text) for each string literal of the module that matches the table
    named ``table`` ("clock", "host" or "random"); one search serves all three rules."""
    found = ctx.memo.get("volatile")
    if found is None:
        found = ctx.memo["volatile"] = _search(ctx)
    return found[table]


def _search(ctx) -> dict[str, list]:
    """One regex over the whole file; a match counts inside a clean job-visible literal,
    once per table and literal."""
    found: dict[str, list] = {name: [] for name in _TABLES}
    if not any(marker in ctx.text for marker in MARKERS):
        return found
    seen = set()
    for match in re.finditer(_ALL, ctx.text):
        literal = _literal_at(ctx, match)
        if literal is None or (id(literal), match.lastgroup) in seen:
            continue
        seen.add((id(literal), match.lastgroup))
        span = ctx.source.span_at(match.start(), match.end() - match.start())
        found[match.lastgroup].append((span, match.group(0)))
    return found


def _literal_at(ctx, match):
    """The clean string literal that holds all of ``match``, unless it is a ``${...}``."""
    import bisect

    literals = ctx.memo.get("clean strings")
    if literals is None:
        literals = ctx.memo["clean strings"] = [s for s in ctx.strings if ctx.is_clean(s)]
    at = bisect.bisect_right([s.span.start for s in literals], match.start()) - 1
    if at < 0 or match.end() > literals[at].span.end:
        return None
    literal = literals[at]
    return None if _is_interpolation(literal.raw, match.start() - literal.span.start) else literal


def _is_interpolation(raw: str, at: int) -> bool:
    return raw.startswith("${", at) and not raw[max(0, at - 1):at] == "\\"
