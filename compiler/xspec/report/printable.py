"""Spec text made safe to print on a terminal or in a CI log.

A spec can hold raw control characters in strings and comments (ESC, BEL, backspace,
carriage return): echoed verbatim, they let a spec clear the screen, move the cursor or
print a fake "All checks passed.". Bidirectional overrides (the "Trojan Source" trick)
reorder what a reader sees, and U+2028/U+2029 break lines where a reader expects none.
Every renderer passes spec text through ``printable``, which writes each such character
as a Python-style escape (``\\x1b``, ``\\u202e``): visible, and one-to-one.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, line and paragraph separators, and the
# bidirectional embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with every unsafe character escaped; tabs and newlines kept."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(lambda m: _escape(m[0]), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable_line(text: str) -> str:
    """A source line for an excerpt: also newlines and tabs made harmless (one line)."""
    return printable(text.replace("\t", " ")).replace("\n", "\\n")
