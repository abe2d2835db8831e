"""lark's contextual lexer, driven with less work per token.

Lexing is most of the time a parse takes. lark's contextual lexer keeps, for each
LALR state, a scanner for just the terminals that state accepts; this module uses
exactly those scanners, their keyword callbacks and their order, but matches each
token with one regex call and keeps the line count in locals instead of updating
lark's bookkeeping objects per token. Anything unusual (a character no terminal
matches) is handed back to lark's own lexer at that position, so errors are the
ones lark reports. tests/core/test_syntax.py checks both lexers agree token for token.
"""

from __future__ import annotations

from xspec.syntax._lark_standalone import Token


class FastContextualLexer:
    def __init__(self, contextual):
        self.contextual = contextual
        self.tables: dict[int, tuple] = {}
        self._shared: dict[int, tuple] = {}   # lark shares one scanner between states

    def _table(self, state: int) -> tuple:
        # Built on first use, as lark builds its scanners: most states never lex.
        basic = self.contextual.lexers[state]
        table = self._shared.get(id(basic))
        if table is None:
            table = self._shared[id(basic)] = _table(basic)
        self.tables[state] = table
        return table

    def lex(self, lexer_state, parser_state):
        text, end = lexer_state.text.text, lexer_state.text.end
        counter = lexer_state.line_ctr
        pos, line, line_start = counter.char_pos, counter.line, counter.line_start_pos
        tables = self.tables
        while pos < end:
            state = parser_state.position
            match, callbacks, ignore, newline_types = tables.get(state) or self._table(state)
            found = match(text, pos)
            if found is None:
                break
            value, kind = found.group(0), found.lastgroup
            new_pos, end_line, new_start = pos + len(value), line, line_start
            if kind in newline_types and "\n" in value:
                end_line += value.count("\n")
                new_start = pos + value.rindex("\n") + 1
            token = None
            if kind not in ignore or kind in callbacks:
                token = Token(kind, value, pos, line, pos - line_start + 1,
                              end_line, new_pos - new_start + 1, new_pos)
                if kind in callbacks:
                    token = callbacks[kind](token)
            pos, line, line_start = new_pos, end_line, new_start
            if kind in ignore:
                continue
            _sync(counter, pos, line, line_start)
            lexer_state.last_token = token
            yield token
        _sync(counter, pos, line, line_start)
        if pos < end:   # no terminal matches here: let lark say so, in its words
            yield from self.contextual.lex(lexer_state, parser_state)


def _table(basic):
    scanner = basic.scanner   # built on first use; also fills basic.callback
    if len(scanner._mres) != 1:
        raise RuntimeError("grammar too large for one regex per state")   # not ours
    return scanner._mres[0].match, dict(basic.callback), basic.ignore_types, basic.newline_types


def _sync(counter, pos: int, line: int, line_start: int) -> None:
    counter.char_pos, counter.line, counter.line_start_pos = pos, line, line_start
    counter.column = pos - line_start + 1


def install(lark) -> None:
    """Swap lark's contextual lexer for this driver, inside the post-lexer connector."""
    connector = lark.parser.lexer
    connector.lexer = FastContextualLexer(connector.lexer)
