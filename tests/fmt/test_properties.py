"""Property tests: random valid specs, written with random layout, format to a fixed
point that means the same as the input.

The strategy writes text directly (not trees) so that the layout varies the way hand
written files do: separators, spacing, blank lines and comments in every place the
grammar allows them.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fmt.support import fmt, parses, shape

NAMES = st.sampled_from(["a", "lr", "batch_size", "x-y", "_private", "data2"])
REF_NAMES = st.sampled_from(["a", "lr", "cifar10", "envs", "x-y"])
QUOTED_KEYS = st.sampled_from(['"a b"', '"true"', '"plain"', '"x\\"y"', '"param"', '"scikit-learn"'])
STRINGS = st.sampled_from(['""', '"text"', '"tab\\there"', '"a \\"q\\""', '"${lr}"', '"p/${data.path}/x"',
                           '"\\${not}"', '"\\u00e9"', '"' + "long " * 30 + '"'])
NUMBERS = st.sampled_from(["0", "42", "1_000", "0.1", "1e-5", "2.5E+3", "30m", "4h", "32GiB", "1.5TB"])
COMMENTS = st.sampled_from(["# c", "#tight", "# has ] and } and ,", "#", "# ${x} \"q\""])


@st.composite
def newline(draw) -> str:
    """A line break, possibly with a comment before it and blank or comment lines after."""
    text = draw(st.sampled_from(["", " ", "  "]))
    if draw(st.booleans()):
        text += draw(COMMENTS)
    text += "\n"
    for _ in range(draw(st.integers(0, 2))):
        text += draw(st.sampled_from(["\n", "  # own line\n", "\t\n"]))
    return text + draw(st.sampled_from(["", "  ", "    "]))


def space(draw, *, may_break: bool) -> str:
    """Whitespace between two tokens; inside () and [] it may break the line."""
    if may_break and draw(st.integers(0, 4)) == 0:
        return draw(newline())
    return draw(st.sampled_from(["", " ", "  "]))


def member_separator(draw) -> str:
    """Between members of a block or entries of a map: `,` or a newline, never both
    the other way round (`\\n,` would be two separators)."""
    return draw(st.sampled_from([",", ", ", " ,"])) + (draw(newline()) if draw(st.booleans()) else "")


@st.composite
def value(draw, depth: int = 0) -> str:
    kinds = ["string", "number", "bool", "ref", "neg"] + (["list", "map", "call"] if depth < 3 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "string":
        return draw(STRINGS)
    if kind == "number":
        return draw(NUMBERS)
    if kind == "bool":
        return draw(st.sampled_from(["true", "false"]))
    if kind == "ref":
        return ".".join(draw(st.lists(REF_NAMES, min_size=1, max_size=3)))
    if kind == "neg":
        return "-" + draw(NUMBERS)
    if kind == "map":
        return draw(map_value(depth))
    return draw(bracketed(depth, kind))


@st.composite
def bracketed(draw, depth: int, kind: str) -> str:
    """A list or a call: newlines and comments may go anywhere inside."""
    items = draw(st.lists(value(depth + 1), max_size=5))
    text = "[" if kind == "list" else draw(st.sampled_from(["env", "loguniform", "f"])) + "("
    for index, item in enumerate(items):
        text += space(draw, may_break=True) + item + space(draw, may_break=True)
        if index < len(items) - 1 or draw(st.booleans()):
            text += ","
    return text + space(draw, may_break=True) + ("]" if kind == "list" else ")")


@st.composite
def map_value(draw, depth: int) -> str:
    fields = draw(st.lists(field(depth + 1), max_size=4))
    return "{" + draw(braced_body(fields)) + "}"


@st.composite
def braced_body(draw, members: list[str]) -> str:
    """The inside of `{}`: members with separators, a comment may trail the `{`."""
    text = draw(newline()) if draw(st.booleans()) else draw(st.sampled_from(["", " "]))
    for index, member in enumerate(members):
        text += member
        if index < len(members) - 1:
            text += member_separator(draw) if draw(st.booleans()) else draw(newline())
    if members and draw(st.booleans()):
        text += draw(st.sampled_from([",", "", " ,"])) + draw(newline())
    return text + draw(st.sampled_from(["", " "]))


@st.composite
def field(draw, depth: int = 0) -> str:
    key = draw(st.one_of(NAMES, QUOTED_KEYS))
    return key + draw(st.sampled_from([" = ", "=", "  =  "])) + draw(value(depth))


@st.composite
def param(draw) -> str:
    text = "param " + draw(NAMES) + draw(st.sampled_from([": ", ":", " : "]))
    text += draw(st.sampled_from(["int", "float", "str", 'enum("a", "b")', "int()", "size"]))
    constraint = draw(st.sampled_from(["", " in [1, 10]", " in [-1.5,2.5]", " in {1, 2, 3}", " in {64\n128}",
                                       " in [ # lo\n 1, 2]"]))
    text += constraint
    if draw(st.booleans()):
        text += " =" + draw(st.sampled_from([" ", ""])) + draw(value(1))
    if draw(st.booleans()):
        text += " " + draw(STRINGS)
    return text


@st.composite
def member(draw, depth: int) -> str:
    kinds = ["field", "field", "param", "secret", "let"] + (["block"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "field":
        return draw(field(depth))
    if kind == "param":
        return draw(param())
    if kind == "secret":
        return "secret " + draw(NAMES) + " from " + draw(st.sampled_from(['env("KEY")', 'k8s("name", "key")']))
    if kind == "let":
        return "let " + draw(NAMES) + " = " + draw(value(1))
    return draw(block(depth + 1))


@st.composite
def block(draw, depth: int = 0) -> str:
    head = draw(st.sampled_from(["data", "experiment", "resources", "sweep", "target"]))
    if draw(st.booleans()):
        head += " " + draw(NAMES)
    members = draw(st.lists(member(depth), max_size=4))
    return head + draw(st.sampled_from([" ", ""])) + "{" + draw(braced_body(members)) + "}"


@st.composite
def item(draw) -> str:
    kind = draw(st.sampled_from(["import", "let", "block", "block"]))
    if kind == "import":
        return "import " + draw(st.sampled_from(['"std/determinism"', '"./envs.xspec"'])) + " as " + draw(NAMES)
    if kind == "let":
        return "let " + draw(NAMES) + " = " + draw(value(1))
    return draw(block())


@st.composite
def spec(draw) -> str:
    text = draw(st.sampled_from(["", "\n", "# top\n"]))
    if draw(st.booleans()):
        text += "xspec 1" + draw(newline())
    for entry in draw(st.lists(item(), max_size=4)):
        text += entry + draw(newline())
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return text


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(spec())
def test_generated_specs_are_valid(text: str):
    assert parses(text), text


@SETTINGS
@given(spec())
def test_formatting_is_idempotent(text: str):
    once = fmt(text)
    assert fmt(once) == once


@SETTINGS
@given(spec())
def test_formatting_keeps_the_meaning(text: str):
    assert shape(fmt(text)) == shape(text)
