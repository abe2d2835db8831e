"""What the cursor is in, from the text alone, so that half-typed specs still complete.

While a user types, the item under the cursor rarely parses, and the parser drops it
(it recovers per top-level item). So completion reads the text before the cursor with
a small tokenizer and a stack of open brackets instead: which blocks enclose the
cursor, which field's value it is in, and what has been typed of the current member.
The same pass over the whole text lists the names declared in it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"?)
  | (?P<nl>\n)
  | (?P<number>[0-9][0-9_]*(?:\.[0-9_]+)?[eE][+-]?[0-9]+)
  | (?P<quantity>[0-9][0-9_]*(?:\.[0-9_]+)?[A-Za-z]+)
  | (?P<number2>[0-9][0-9_]*(?:\.[0-9_]*)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
  | (?P<punct>[{}\[\](),=:.\-])
  | (?P<space>[ \t\f\r]+)
  | (?P<other>.)
""", re.X)
_OPEN = {"{", "[", "("}
_CLOSE = {"}", "]", ")"}
_MEMBER_FRAMES = ("root", "block", "map", "set")
_PREFIX_TYPES = ("name", "quantity", "string", "comment", "number")


@dataclass(frozen=True)
class Token:
    type: str
    value: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.value)


def tokens(text: str):
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        yield Token("number" if kind == "number2" else kind, match.group(), match.start())


@dataclass
class Frame:
    """One open bracket: a block, a map, a list, a call, a param's set or range."""

    kind: str                  # root | block | map | set | list | range | call
    start: int = 0
    words: tuple[str, ...] = ()   # block: (kind, name); call: (function,)
    field: str | None = None   # the field whose value this bracket is part of
    keys: set[str] = dataclasses.field(default_factory=set)   # fields set before the cursor


@dataclass
class Declaration:
    kind: str                  # a top-level block kind, let, import, param, secret
    name: str
    owner: int | None          # start of the enclosing top-level block; None at top level
    statement: str = ""        # the declaring member's text, e.g. a param's line


@dataclass
class Context:
    frames: list[Frame]
    statement: list[Token]     # what is typed of the current member, before the prefix
    prefix: str = ""           # the partial word being completed
    prefix_start: int = 0
    where: str = "code"        # code | string | comment
    dotted: tuple[str, ...] = ()   # `det.pyt|` -> ("det",)
    number: str | None = None  # `32Gi|` -> "32": the cursor is in a unit
    declarations: list[Declaration] = field(default_factory=list)
    source: str = ""           # the whole text

    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    @property
    def words(self) -> list[str]:
        return [t.value for t in self.statement]

    def statement_text(self) -> str:
        """The source of the current member up to the prefix, brackets included."""
        return self.source[self.statement[0].start:self.prefix_start] if self.statement else ""

    def blocks(self) -> list[Frame]:
        return [f for f in self.frames if f.kind == "block"]

    def experiment(self) -> Frame | None:
        top = self.frames[1] if len(self.frames) > 1 else None
        return top if top and top.kind == "block" and top.words[:1] == ("experiment",) else None

    def block_text(self) -> str:
        """The text of the innermost block, from its `{` to the end of the file."""
        blocks = self.blocks()
        return self.source[blocks[-1].start:] if blocks else self.source

    def owned(self, kind: str, owner: Frame | None) -> list[Declaration]:
        start = owner.start if owner else None
        return [d for d in self.declarations if d.kind == kind and d.owner == start]


class _Scanner:
    def __init__(self, text: str):
        self.text = text
        self.frames = [Frame("root")]
        self.statement: list[Token] = []
        self.saved: list[list[Token]] = []
        self.declarations: list[Declaration] = []

    def feed(self, token: Token) -> None:
        if token.type in ("space", "comment"):
            return
        frame = self.frames[-1]
        if token.type == "nl" or token.value == ",":
            if token.value == "," or frame.kind in _MEMBER_FRAMES:
                self.statement = []
            return
        if token.value in _OPEN:
            self._open(token)
        elif token.value in _CLOSE:
            self._close(token)
        else:
            self.statement.append(token)
            self._declare(token)
            if token.value == "=" and len(self.statement) == 2:
                frame.keys.add(self.statement[0].value)

    def _open(self, token: Token) -> None:
        self._declare(token)
        self.frames.append(self._frame_for(token))
        self.saved.append(self.statement + [token])
        self.statement = []

    def _close(self, token: Token) -> None:
        if len(self.frames) > 1:
            self.frames.pop()
            self.statement = self.saved.pop() + [Token("value", token.value, token.start)]

    def _frame_for(self, token: Token) -> Frame:
        words = [t.value for t in self.statement]
        parent = self.frames[-1]
        owner = words[0] if len(words) >= 2 and words[1] == "=" else parent.field
        if token.value == "(":
            return Frame("call", token.start, tuple(words[-1:]), owner)
        if words and words[-1] == "in":
            return Frame("set" if token.value == "{" else "range", token.start, (), owner)
        if token.value == "[":
            return Frame("list", token.start, (), owner)
        if parent.kind in ("root", "block") and 1 <= len(words) <= 2 and "=" not in words:
            return Frame("block", token.start, tuple(words))
        return Frame("map", token.start, (), owner)

    def _declare(self, token: Token) -> None:
        """Record a declaration once the tokens that make it have been seen."""
        words = [t.value for t in self.statement]
        frame = self.frames[-1]
        owner = self.frames[1].start if len(self.frames) > 1 else None
        if frame.kind == "root" and token.value == "{" and len(words) == 2:
            self._add(words[0], words[1], None)
        elif frame.kind in ("root", "block") and len(words) == 2 and words[0] in ("let", "param", "secret"):
            if token.type == "name" and token is self.statement[-1]:
                self._add(words[0], words[1], owner if frame.kind == "block" else None)
        elif frame.kind == "root" and len(words) == 4 and words[0] == "import" and words[2] == "as":
            self._add("import", words[3], None)

    def _add(self, kind: str, name: str, owner: int | None) -> None:
        line_end = self.text.find("\n", self.statement[0].start)
        statement = self.text[self.statement[0].start:line_end if line_end >= 0 else len(self.text)]
        self.declarations.append(Declaration(kind, name, owner, statement.strip()))


def declarations(text: str) -> list[Declaration]:
    scanner = _Scanner(text)
    for token in tokens(text):
        scanner.feed(token)
    return scanner.declarations


def context_at(text: str, offset: int) -> Context:
    """The completion context at ``offset``, with every declaration of the whole text."""
    before = list(tokens(text[:offset]))
    last = before[-1] if before and before[-1].end == offset else None
    if last is not None and last.type in _PREFIX_TYPES:
        before.pop()
    else:
        last = None
    scanner = _Scanner(text)
    for token in before:
        scanner.feed(token)
    context = Context(scanner.frames, scanner.statement, prefix_start=offset,
                      declarations=declarations(text), source=text)
    _describe_cursor(context, last)
    return context


def _describe_cursor(context: Context, last: Token | None) -> None:
    if last is None:
        _take_dotted(context)
        return
    context.prefix, context.prefix_start = last.value, last.start
    if last.type == "comment":
        context.where = "comment"
    elif last.type == "string" and not _closed(last.value):
        context.where, context.prefix, context.prefix_start = "string", last.value[1:], last.start + 1
    elif last.type == "quantity":
        digits = re.match(r"[0-9_.]+", last.value).group()
        context.number, context.prefix = digits, last.value[len(digits):]
        context.prefix_start = last.start + len(digits)
    elif last.type == "number" and re.fullmatch(r"[0-9_]+(\.[0-9_]+)?", last.value):
        context.number, context.prefix, context.prefix_start = last.value, "", last.end
    elif last.type == "name":
        _take_dotted(context)
    else:
        context.where = "closed"


_STRING_BODY = re.compile(r'(?:[^"\\\n]|\\.)*"')


def _closed(string: str) -> bool:
    """True when a string token has its closing quote (escaped quotes do not close it)."""
    return _STRING_BODY.fullmatch(string[1:]) is not None


def _take_dotted(context: Context) -> None:
    """Move `a.b.` from the statement into ``dotted`` when the prefix follows a dot."""
    statement, names = context.statement, list[str]()
    while len(statement) >= 2 and statement[-1].value == "." and statement[-2].type == "name":
        names.insert(0, statement[-2].value)
        statement = statement[:-2]
    context.statement, context.dotted = statement, tuple(names)
