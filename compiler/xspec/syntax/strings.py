"""String literals: escapes and ``${name.attr}`` interpolation."""

from __future__ import annotations

import re

_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "$": "$"}
_PIECE = re.compile(r'\\u([0-9a-fA-F]{4})|\\(.)|\$\{([^}]*)\}|\$\{|[^\\$]+|\$', re.S)
# Raw control characters a literal may not hold: all of C0 but the tab (a raw newline
# ends the literal). NUL is dropped by bash, ESC drives terminals, \r hides text.
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
# What an escape may produce of C0: tab, newline and carriage return, nothing else.
_ESCAPED_CONTROLS = frozenset({0x09, 0x0A, 0x0D})
# The longest literal (docs/language.md, "Limits"), in characters between the quotes.
MAX_STRING_CHARS = 1024 * 1024
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
            pieces.append(("text", _code_point(unicode_escape, offset), offset))
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
            control = _RAW_CONTROL.search(text)
            if control:
                raise StringError("E022", _describe(control.group()), offset + control.start(), 1)
            pieces.append(("text", text, offset))
    return pieces


def _code_point(digits: str, offset: int) -> str:
    """The character of a ``\\uXXXX`` escape: not half of a UTF-16 pair, which no UTF-8
    file, command line or JSON record can hold, and not a control character."""
    point = int(digits, 16)
    if 0xD800 <= point <= 0xDFFF:
        raise StringError("E008", f"\\u{digits}", offset, 6)
    if (point < 0x20 and point not in _ESCAPED_CONTROLS) or point == 0x7F:
        raise StringError("E022", _describe(chr(point)), offset, 6)
    return chr(point)


def _describe(char: str) -> str:
    names = {0: "NUL", 0x1B: "ESC", 0x0D: "carriage return", 0x7F: "DEL"}
    point = ord(char)
    return f"U+{point:04X}" + (f" ({names[point]})" if point in names else "")
