"""Newline handling between the lexer and the LALR parser.

Newlines separate members inside ``{}`` and at the top level, but are only layout
inside ``()`` and ``[]``. Rather than sprinkle optional newlines over the grammar
(which makes LALR conflicts), this pass drops the ones that cannot matter, so the
grammar sees at most one ``_NL`` in a row. It looks only backwards: holding a token
back would desynchronise lark's contextual lexer from the parser state.

lalr.py runs the same steps inline; this class is what lark's own parser runs.
"""

from __future__ import annotations

from typing import Iterator

OPENS = {"LPAR", "LSQB", "LBRACE"}
OPENER_OF = {"RPAR": "LPAR", "RSQB": "LSQB", "RBRACE": "LBRACE"}
# A newline right after these cannot end a member.
NO_NL_AFTER = {None, "_NL", "LBRACE", "COMMA"}


MAX_DEPTH = 64


class NestingTooDeep(Exception):
    def __init__(self, token):
        super().__init__(MAX_DEPTH)
        self.token = token


class NewlineFilter:
    always_accept = ("_NL",)

    def process(self, stream: Iterator) -> Iterator:
        brackets: list[str] = []
        previous: str | None = None
        for token in stream:
            kind = token.type
            if kind == "_NL":
                if (brackets and brackets[-1] != "LBRACE") or previous in NO_NL_AFTER:
                    continue
            elif kind in OPENS:
                brackets.append(kind)
                if len(brackets) > MAX_DEPTH:
                    raise NestingTooDeep(token)
            elif kind in OPENER_OF and brackets and brackets[-1] == OPENER_OF[kind]:
                brackets.pop()
            previous = kind
            yield token
