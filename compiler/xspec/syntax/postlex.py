"""Newline handling between the lexer and the LALR parser.

Newlines separate members inside ``{}`` and at the top level, but are only layout
inside ``()`` and ``[]``. Rather than sprinkle optional newlines over the grammar
(which makes LALR conflicts), this pass drops the ones that cannot matter, so the
grammar sees at most one ``_NL`` in a row. It looks only backwards: holding a token
back would desynchronise lark's contextual lexer from the parser state.
"""

from __future__ import annotations

from typing import Iterator

from xspec.syntax._lark_standalone import Token

_OPEN = {"LPAR": "RPAR", "LSQB": "RSQB", "LBRACE": "RBRACE"}
_CLOSE = {v: k for k, v in _OPEN.items()}
# A newline right after these cannot end a member.
_NO_NL_AFTER = {None, "_NL", "LBRACE", "COMMA"}


MAX_DEPTH = 64


class NestingTooDeep(Exception):
    def __init__(self, token: Token):
        super().__init__(MAX_DEPTH)
        self.token = token


class NewlineFilter:
    always_accept = ("_NL",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        brackets: list[str] = []
        previous: str | None = None
        for token in stream:
            kind = token.type
            if kind == "_NL":
                if (brackets and brackets[-1] != "LBRACE") or previous in _NO_NL_AFTER:
                    continue
            if kind in _OPEN:
                brackets.append(kind)
                if len(brackets) > MAX_DEPTH:
                    raise NestingTooDeep(token)
            elif kind in _CLOSE and brackets and brackets[-1] == _CLOSE[kind]:
                brackets.pop()
            previous = kind
            yield token
