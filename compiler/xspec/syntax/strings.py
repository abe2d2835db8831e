"""String literals: escapes and ``${name.attr}`` interpolation."""

from __future__ import annotations

import re

_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "$": "$"}
_PIECE = re.compile(r'\\u([0-9a-fA-F]{4})|\\(.)|\$\{([^}]*)\}|\$\{|[^\\$]+|\$', re.S)
_DOTTED = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z_][A-Za-z0-9_\-]*)*)\s*$")


class StringError(Exception):
    def __init__(self, code: str, message: str, offset: int, length: int):
        super().__init__(message)
        self.code, self.message, self.offset, self.length = code, message, offset, length


def split_string(raw: str) -> list[tuple[str, str, int]]:
    """Split the body of a quoted literal into ("text", value, offset) and
    ("ref", dotted name, offset) pieces; offsets are into ``raw`` (quotes included)."""
    body = raw[1:-1]
    pieces: list[tuple[str, str, int]] = []
    for match in _PIECE.finditer(body):
        offset = match.start() + 1
        unicode_escape, escape, interpolation = match.group(1), match.group(2), match.group(3)
        text = match.group(0)
        if unicode_escape:
            pieces.append(("text", chr(int(unicode_escape, 16)), offset))
        elif escape is not None:
            if escape not in _ESCAPES:
                raise StringError("E008", f"\\{escape}", offset, 2)
            pieces.append(("text", _ESCAPES[escape], offset))
        elif interpolation is not None:
            name = _DOTTED.match(interpolation)
            if not name:
                raise StringError("E217", f"`${{{interpolation}}}` is not a name; write `${{param}}` "
                                  "or `${data.path}` (use `\\$` for a literal dollar)", offset, len(text))
            pieces.append(("ref", name.group(1), offset + 2 + interpolation.index(name.group(1))))
        elif text == "${":
            raise StringError("E217", "unclosed `${` in string (use `\\$` for a literal dollar)", offset, 2)
        else:
            pieces.append(("text", text, offset))
    return pieces
