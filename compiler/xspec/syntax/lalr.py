"""lark's LALR(1) table, run by one loop, without loading lark's runtime.

generate.py writes ``_tables.py`` from the lark parser for grammar.lark: its parse
table, the regex of its scanner over every terminal, and for each rule the steps
lark's ParseTreeBuilder wraps around the rule's callback (which children to keep,
which inlined ``_rule`` children to splice in, where ``[...]`` placeholders go,
whether a ``?rule`` hands up its single child). ``TableDriver.parse`` lexes, drops
layout newlines (as postlex.NewlineFilter does) and shifts and reduces in one frame,
calling the AstBuilder's methods with the children lark would pass them.

Loading lark's standalone runtime and building its lexers costs about 8 ms of a cold
`xspec check`, and its three stacked generators and ``Rule``-keyed callbacks about
half of every parse; this loop needs neither. It lexes with lark's root scanner
instead of one scanner per parser state: where that gives a token the state accepts,
the state's own scanner gives the same one (its terminals are a subset, in the same
order, and its keyword callback knows a subset of the keywords). Where the token is
not accepted, or no terminal matches, or brackets nest past MAX_DEPTH, ``parse``
returns None and parser.py runs lark's own parser, with its contextual lexer, on the
text: every syntax error, and any file that needs the contextual lexer, is lark's to
parse and report. tests/core/test_syntax.py checks both give the same trees, spans,
comments and diagnostics, on the fixtures, on mutations of them and on generated specs.
"""

from __future__ import annotations

import re

from xspec.syntax import _tables
from xspec.syntax.postlex import MAX_DEPTH, NO_NL_AFTER, OPENER_OF, OPENS


class Token(str):
    """A terminal's text, with what the AstBuilder reads of lark's ``Token``."""

    __slots__ = ("type", "start_pos", "line", "column", "end_line", "end_column", "end_pos")
    type: str
    start_pos: int
    line: int
    column: int
    end_line: int
    end_column: int
    end_pos: int


class TableDriver:
    def __init__(self, builder, ignored: dict):
        """``builder`` has a method per callback name in the tables; ``ignored`` maps
        an ignored terminal (a comment) to a function that receives its token."""
        self.match = re.compile(_tables.TERMINALS).match
        self.keywords = _tables.KEYWORDS
        self.ignore = frozenset(_tables.IGNORE)
        self.newline_types = frozenset(_tables.NEWLINE_TYPES)
        self.ignored = ignored
        self.actions = _tables.ACTIONS
        self.rules = [(steps[1], _reduction(steps, builder), steps[0]) for steps in _tables.RULES]

    def parse(self, text: str):
        """The value of the start rule, or None where lark must report an error."""
        match, keywords, ignore, newline_types = self.match, self.keywords, self.ignore, self.newline_types
        actions, rules, end_state = self.actions, self.rules, _tables.END_STATE
        new = str.__new__
        states, values = [_tables.START_STATE], []
        pos, line, line_start, end = 0, 1, 0, len(text)
        brackets: list[str] = []
        previous = None
        while True:
            if pos == end:   # the end of the input: reduce until the start rule is complete
                kind, token = "$END", None
            else:
                found = match(text, pos)
                if found is None:
                    return None
                value, kind = found.group(0), found.lastgroup
                new_pos, end_line, new_start = pos + len(value), line, line_start
                if kind in newline_types and "\n" in value:
                    end_line += value.count("\n")
                    new_start = pos + value.rindex("\n") + 1
                if kind in ignore:
                    if kind in self.ignored:
                        self.ignored[kind](_token(kind, value, pos, line, pos - line_start + 1,
                                                  end_line, new_pos - new_start + 1, new_pos))
                    pos, line, line_start = new_pos, end_line, new_start
                    continue
                if kind in keywords:
                    kind = keywords[kind].get(value, kind)
                # _token, inline: this runs for every token
                token = new(Token, value)
                token.type, token.start_pos, token.line, token.column = kind, pos, line, pos - line_start + 1
                token.end_line, token.end_column, token.end_pos = end_line, new_pos - new_start + 1, new_pos
                pos, line, line_start = new_pos, end_line, new_start
                # postlex.NewlineFilter, inline (the tests run both on the same input)
                if kind == "_NL":
                    if (brackets and brackets[-1] != "LBRACE") or previous in NO_NL_AFTER:
                        continue
                elif kind in OPENS:
                    brackets.append(kind)
                    if len(brackets) > MAX_DEPTH:
                        return None
                elif kind in OPENER_OF and brackets and brackets[-1] == OPENER_OF[kind]:
                    brackets.pop()
                previous = kind
            # lark's ParserState.feed_token, inline
            while True:
                action = actions[states[-1]].get(kind)
                if action is None:
                    return None
                if action >= 0:
                    if token is None:   # lark never shifts the end of the input
                        return None
                    states.append(action)
                    values.append(token)
                    break
                size, reduce, origin = rules[-1 - action]
                if reduce is None:
                    states.pop()   # the child is the value: it stays on the stack
                else:
                    if size:
                        children = values[-size:]
                        del states[-size:], values[-size:]
                    else:
                        children = []
                    values.append(reduce(children))
                states.append(actions[states[-1]][origin])
                if token is None and states[-1] == end_state:
                    return values[-1]

    def unclosed_bracket(self, text: str) -> int | None:
        """Where the innermost bracket that ``text`` opens and never closes is (strings
        and comments are tokens, so brackets inside them do not count); None if none.
        For the message at an unexpected end of the input."""
        opened: list[tuple[str, int]] = []
        pos = 0
        while pos < len(text):
            found = self.match(text, pos)
            if found is None:   # a character no token starts with: reported on its own
                pos += 1
                continue
            kind = found.lastgroup
            if kind in OPENS:
                opened.append((kind, pos))
            elif kind in OPENER_OF and opened and opened[-1][0] == OPENER_OF[kind]:
                opened.pop()
            pos = found.end()
        return opened[-1][1] if opened else None


def _token(kind, value, start, line, column, end_line, end_column, end) -> Token:
    token = str.__new__(Token, value)
    token.type, token.start_pos, token.line, token.column = kind, start, line, column
    token.end_line, token.end_column, token.end_pos = end_line, end_column, end
    return token


def _reduction(steps: tuple, builder):
    """What reducing a rule does to its children, as lark's ParseTreeBuilder would;
    None when the value is the rule's only child, unchanged."""
    origin, size, name, expand_single, keep, trailing = steps
    inlined = origin.startswith("_")
    if inlined:
        build = _as_is   # an inlined rule: the rule that uses it splices its children in
    elif hasattr(builder, name):
        build = getattr(builder, name)
    elif expand_single and size == 1 and keep is None:
        return None
    else:
        raise RuntimeError(f"no AstBuilder method for rule {name!r}")
    if expand_single:
        if size == 1 and keep is None:
            return None
        build = _expand_single(build)
    if keep is None:
        return build
    if inlined and not expand_single and keep[0] == (0, True, 0):
        return _extend_first(keep[1:], trailing)
    return _child_filter(keep, trailing, build)


def _as_is(children: list) -> list:
    return children   # a fresh slice of the value stack, which nothing else holds


def _extend_first(keep: tuple, trailing: int):
    """An inlined left-recursive rule (``_items: _items "," expr``): its first child is
    the list built so far, held by nothing but the value stack, so it is extended in
    place. Copying it at each reduction made a list of n items cost n squared."""
    def kept(children):
        return _keep(children[0], children, keep, trailing)
    return kept


def _expand_single(build):
    def expand(children):
        return children[0] if len(children) == 1 else build(children)
    return expand


def _child_filter(keep: tuple, trailing: int, build):
    def kept(children):
        return build(_keep([], children, keep, trailing))
    return kept


def _keep(filtered: list, children, keep: tuple, trailing: int) -> list:
    """lark's tree-builder steps, appended to ``filtered``: kept children, spliced
    ``_rules``, ``[..]`` placeholders."""
    for index, splice, placeholders in keep:
        if placeholders:
            filtered += [None] * placeholders
        if splice:
            filtered += children[index]
        else:
            filtered.append(children[index])
    if trailing:
        filtered += [None] * trailing
    return filtered
