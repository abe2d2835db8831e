"""Text to AST with lark's LALR parser, and lark's errors turned into diagnostics.

lalr.py parses with lark's tables in one loop; a file it hands back (a syntax error,
or something only lark's contextual lexer can read) goes to lark's own standalone
parser, loaded the first time one does, which parses it or says what is wrong.

When the whole file does not parse, each top-level item is parsed on its own so that
one typo does not hide the rest of the file: the user sees an error per broken item
and the checker still runs on the items that parse.
"""

from __future__ import annotations

import gc
import re
from functools import lru_cache

from xspec.diagnostics import Diagnostic, DiagnosticBag
from xspec.source import MAX_SOURCE_BYTES, SourceFile
from xspec.syntax import ast
from xspec.syntax.lalr import TableDriver
from xspec.syntax.postlex import MAX_DEPTH, NestingTooDeep, NewlineFilter
from xspec.syntax.transform import AstBuilder, ParseContext

_TOP_LEVEL_START = re.compile(r"^[A-Za-z_]", re.M)
_ITEM_NAME = re.compile(r"^(?:let|[A-Za-z_]\w*)\s+([A-Za-z_][\w-]*)")
_XML_START = re.compile(r"\A\s*<[?!A-Za-z]")   # an XML declaration, comment, DOCTYPE or element
# Codes that mean the file cannot be read as a spec at all: reported alone, not checked.
NOT_A_SPEC = frozenset({"E006", "E010", "E020"})

_FRIENDLY = {
    "NAME": "a name", "STRING": "a string", "INT": "an integer", "FLOAT": "a number",
    "QUANTITY": "a quantity like `4h` or `32GiB`", "_NL": "a new line", "$END": "the end of the file",
    "LBRACE": "`{`", "RBRACE": "`}`", "LSQB": "`[`", "RSQB": "`]`", "LPAR": "`(`", "RPAR": "`)`",
    "COMMA": "`,`", "EQUAL": "`=`", "COLON": "`:`", "DOT": "`.`", "MINUS": "`-`",
}


@lru_cache(maxsize=1)
def _table_driver() -> tuple[AstBuilder, TableDriver]:
    """The AST builder, and lalr.py's loop over lark's tables calling it."""
    builder = AstBuilder()
    return builder, TableDriver(builder, {"COMMENT": _keep_comment(builder)})


@lru_cache(maxsize=1)
def _lark():
    """lark's own LALR parser for grammar.lark (tables generated ahead of time, see
    generate.py), building the AST with the same builder as it parses."""
    from xspec.syntax._lark_standalone import Lark_StandAlone

    builder = _table_driver()[0]
    return Lark_StandAlone(postlex=NewlineFilter(), transformer=builder,
                           lexer_callbacks={"COMMENT": _keep_comment(builder)})


def _keep_comment(builder: AstBuilder):
    def keep(token):
        builder.ctx.comments.append(ast.Comment(str(token), builder._tspan(token)))
        return token
    return keep


def parse(source: SourceFile) -> tuple[ast.Module, list[Diagnostic]]:
    """Parse one file. Never raises for bad input: problems come back as diagnostics."""
    # A parse makes a node, a span and a token per few characters, and no cycles: the
    # collector's passes over them were a third of a big file's parse time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(source)
    finally:
        if collecting:
            gc.enable()


def _parse(source: SourceFile) -> tuple[ast.Module, list[Diagnostic]]:
    bag = DiagnosticBag()
    if len(source.text) > MAX_SOURCE_BYTES:   # text from an editor or stdin: files are sized on reading
        bag.add("E020", source.span_at(0, 0), f"{len(source.text):,} characters, over the limit of "
                f"{MAX_SOURCE_BYTES:,}", hints=["split it into modules and import them"])
        return _empty(source), bag.items
    if _XML_START.match(source.text):
        bag.add("E006", source.span_at(0, 1), hints=[
            "xspec specs start with `xspec 1`; XSpec XML test files can be excluded from "
            "`xspec check` with `exclude` in [tool.xspec]"])
        return _empty(source), bag.items
    if "\r" in source.text and "\n" not in source.text:
        bag.add("E010", source.span_at(source.text.index("\r")),
                hints=["save the file with \\n (or \\r\\n) line endings"])
        return _empty(source), bag.items
    module, error = _parse_text(source, source.text, 0, 0, bag)
    if error is None:
        return module, bag.items
    reported = len(bag.items)
    module = _parse_items_separately(source, bag)
    if len(bag.items) > reported:
        bag.items.remove(error)  # the item-by-item pass found it again, in context
    return module, bag.items


def _empty(source: SourceFile) -> ast.Module:
    return ast.Module(source.path, None, (), (), source.span_at(0, 0))


def _parse_text(source: SourceFile, text: str, line_offset: int, pos_offset: int,
                bag: DiagnosticBag) -> tuple[ast.Module, Diagnostic | None]:
    builder, driver = _table_driver()
    builder.ctx = ctx = ParseContext(source.path, line_offset, pos_offset)
    module = driver.parse(text)
    if module is None:   # lark's parser parses it, or finds the error and says what it is
        builder.ctx = ctx = ParseContext(source.path, line_offset, pos_offset)
        module, error = _parse_with_lark(source, text, pos_offset, bag)
        if error is not None:
            return _empty(source), error
    for code, span, message in ctx.errors:
        bag.add(code, span, message)
    comments = tuple(ctx.comments)
    return ast.Module(module.path, module.header, module.items, comments, module.span), None


def _parse_with_lark(source: SourceFile, text: str, pos_offset: int,
                     bag: DiagnosticBag) -> tuple[ast.Module | None, Diagnostic | None]:
    from xspec.syntax._lark_standalone import UnexpectedInput

    try:
        return _lark().parse(text), None
    except UnexpectedInput as e:
        return None, _report(source, text, e, pos_offset, bag)
    except NestingTooDeep as e:
        span = source.span_at(e.token.start_pos + pos_offset)
        return None, bag.add("E007", span, MAX_DEPTH)


def _parse_items_separately(source: SourceFile, bag: DiagnosticBag) -> ast.Module:
    """Parse each top-level item alone; keep those that parse."""
    text = source.text
    starts = [m.start() for m in _TOP_LEVEL_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    starts.append(len(text))
    header, items, comments, lost = None, list[ast.Item](), list[ast.Comment](), []
    line_offset = 0   # counted on from item to item: counting from the start was n²
    for begin, end in zip(starts, starts[1:]):
        module, error = _parse_text(source, text[begin:end], line_offset, begin, bag)
        line_offset += text.count("\n", begin, end)
        if error is None:
            if module.header and begin > 0:
                bag.add("E103", module.header.span, hints=["move `xspec 1` to the first line"])
            header = header or module.header
            items.extend(module.items)
            comments.extend(module.comments)
        else:
            lost.extend(_ITEM_NAME.findall(text[begin:end].split("\n", 1)[0]))
    span = source.span_at(0, len(text))
    return ast.Module(source.path, header, tuple(items), tuple(comments), span, tuple(lost))


def _report(source: SourceFile, text: str, error, pos_offset: int, bag: DiagnosticBag) -> Diagnostic:
    """The diagnostic for lark's error in ``text``, which starts ``pos_offset`` into the file."""
    from xspec.syntax._lark_standalone import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(error, UnexpectedCharacters):
        return _report_character(source, error.pos_in_stream + pos_offset, bag)
    if isinstance(error, UnexpectedEOF) or error.token.type == "$END":
        return _report_end(source, text, error.expected, pos_offset, bag)
    assert isinstance(error, UnexpectedToken)
    token = error.token
    start = token.start_pos + pos_offset
    span = source.span_at(start, max(1, len(str(token))))
    if token.type == "XSPEC":
        return bag.add("E103", span, hints=["move `xspec 1` to the first line"])
    found = "a new line" if token.type == "_NL" else f"`{token}`"
    return bag.add("E001", span, f"unexpected {found}",
                   hints=_token_hints(source, start, token, error.expected))


def _report_end(source: SourceFile, text: str, expected, pos_offset: int,
                bag: DiagnosticBag) -> Diagnostic:
    """Input ended too soon: said at the end of this item (not of the file), naming the
    bracket left open, the usual cause."""
    opened = _table_driver()[1].unclosed_bracket(text)
    if opened is None:
        hints = [_expected(expected)]
    else:
        hints = [f"the `{text[opened]}` on line {source.span_at(pos_offset + opened).line} is never closed"]
    return bag.add("E001", source.span_at(pos_offset + len(text.rstrip()), 0),
                   "unexpected end of file", hints=hints)


def _report_character(source: SourceFile, offset: int, bag: DiagnosticBag) -> Diagnostic:
    char = source.text[offset] if offset < len(source.text) else ""
    if char == '"':
        line_end = source.text.find("\n", offset)
        length = (line_end if line_end >= 0 else len(source.text)) - offset
        return bag.add("E003", source.span_at(offset, max(1, length)),
                       hints=["strings end on the line they start; use \\n for a newline"])
    hints = ["strings use double quotes"] if char == "'" else []
    return bag.add("E002", source.span_at(offset), char, hints=hints)


def _token_hints(source: SourceFile, start: int, token, expected: set[str]) -> list[str]:
    before = source.text[max(0, start - 24):start]
    if token.type == "NAME" and re.search(r"\d\s+$", before) and re.fullmatch(r"[A-Za-z]{1,3}", str(token)):
        number = re.search(r"([\d.]+)\s+$", before).group(1)
        return [f"write the unit right after the number, with no space: `{number}{token}`"]
    if token.type == "NAME" and "_NL" in expected | {"COMMA"} and re.search(r"[\w\"\])]\s*$", before):
        return ["separate fields with a new line or `,`"]
    if token.type == "EQUAL" and re.search(r"\bparam\s+\w+\s*$", before):
        return ["a param needs a type: `param NAME: TYPE = DEFAULT`"]
    return [_expected(expected)]


def _expected(expected) -> str:
    names = sorted({_FRIENDLY.get(t, f"`{t.lower()}`") for t in expected if not t.startswith("__")})
    if not names:
        return "check the syntax near here"
    if len(names) > 6:
        return "expected one of: " + ", ".join(names[:6]) + ", ..."
    return "expected " + (names[0] if len(names) == 1 else "one of: " + ", ".join(names))
