"""The parser: spans, recovery, and one-line cases for the codes fixtures cannot show."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fmt.test_properties import spec
from tests.harness import codes
from xspec.source import SourceFile
from xspec.syntax import ast
from xspec.syntax.parser import parse

HEADER = "xspec 1\n"


def parsed(text: str) -> ast.Module:
    module, diagnostics = parse(SourceFile("t.xspec", text))
    assert diagnostics == []
    return module


def test_fields_separated_by_newlines_or_commas():
    module = parsed(HEADER + 'env a {\n  python = "3.11.9", image = "x"\n  system = []\n}\n')
    assert [f.key.text for f in module.blocks[0].fields()] == ["python", "image", "system"]


def test_newlines_inside_brackets_are_layout():
    module = parsed(HEADER + 'env a {\n  system = [\n    "a",\n    "b",\n  ]\n  python = "3"\n}\n')
    assert module.blocks[0].field("system").value.items[1].value == "b"


def test_spans_are_one_based_with_offsets():
    text = HEADER + "let answer = 42\n"
    let = parsed(text).lets[0]
    assert (let.name.span.line, let.name.span.column) == (2, 5)
    assert text[let.value.span.start:let.value.span.end] == "42"


def test_quantities_and_floats_lex_apart():
    module = parsed(HEADER + "let a = [1e-5, 1e5, 1.5GiB, 30m, 2d, 10]\n")
    kinds = [type(i).__name__ for i in module.lets[0].value.items]
    assert kinds == ["Float", "Float", "Quantity", "Quantity", "Quantity", "Int"]


def test_string_escapes_and_interpolation():
    value = parsed(HEADER + 'let s = "a\\tb \\"q\\" ${lr} \\${raw} \\u00e9"\n').lets[0].value
    assert value.parts[0] == 'a\tb "q" '
    assert isinstance(value.parts[1], ast.Ref) and value.parts[1].dotted == "lr"
    assert value.parts[2] == " ${raw} é"


def test_comments_are_kept_with_positions():
    module = parsed(HEADER + "# lead\nlet a = 1  # trailing\n")
    assert [(c.text, c.span.line) for c in module.comments] == [("# lead", 2), ("# trailing", 3)]


def test_one_broken_item_does_not_hide_the_others():
    text = HEADER + "env a {\n  python = \n}\n\nenv b {\n  python = 3 4\n}\n\nlet ok = 1\n"
    module, diagnostics = parse(SourceFile("t.xspec", text))
    assert [d.span.line for d in diagnostics] == [3, 7]
    assert [i.name.text for i in module.items] == ["ok"]
    assert module.unparsed_names == ("a", "b")


def test_unit_written_with_a_space_gets_a_hint():
    _, diagnostics = parse(SourceFile("t.xspec", HEADER + "let m = 32 GiB\n"))
    assert "`32GiB`" in diagnostics[0].hints[0]


def test_deep_nesting_is_an_error_not_a_crash():
    _, diagnostics = parse(SourceFile("t.xspec", HEADER + "let a = " + "[" * 5000 + "]" * 5000 + "\n"))
    assert [d.code for d in diagnostics] == ["E007"]


def test_duplicate_import_alias(tmp_path):
    (tmp_path / "m.xspec").write_text(HEADER)
    assert codes('xspec 1\nimport "./m.xspec" as m\nimport "./m.xspec" as m\n', tmp_path) == ["E114"]


def test_top_level_block_needs_a_name():
    assert codes('xspec 1\nenv { python = "3.11.9" }\n') == ["E216"]


def test_import_of_a_folder_is_unreadable(tmp_path):
    (tmp_path / "dir.xspec").mkdir()
    assert codes('xspec 1\nimport "./dir.xspec" as d\n', tmp_path) == ["E005"]   # not a regular file


def test_unreadable_entry_file(tmp_path):
    from xspec import api

    result = api.check(tmp_path / "missing.xspec")
    assert [d.code for d in result.diagnostics] == ["E005"]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "xspec 1", "xspec 1\n\n\n"])
def test_trivial_files_parse(text):
    module, diagnostics = parse(SourceFile("t.xspec", text))
    assert diagnostics == [] and module.items == ()


def test_the_vendored_parser_is_labelled_with_the_licence_it_embeds():
    from xspec.syntax import generate

    text = (generate.HERE / "_lark_standalone.py").read_text()
    assert text.startswith(generate.STANDALONE_HEADER)        # what the generator writes
    assert "subject to the terms of the Mozilla Public License, v. 2.0" in text
    assert "MPL-2.0" in generate.STANDALONE_HEADER and "MIT licence" not in generate.STANDALONE_HEADER


def test_generated_parser_matches_the_grammar():
    from xspec.syntax import _lark_standalone, _tables
    from xspec.syntax.generate import grammar_digest

    assert _lark_standalone.GRAMMAR_SHA256 == _tables.GRAMMAR_SHA256 == grammar_digest(), \
        "grammar.lark changed: run `python -m xspec.syntax.generate`"


def _mutations(text: str, count: int, seed: int):
    import random

    rng = random.Random(seed)
    pieces = ["{", "}", "[", "]", "\n", '"', "#", "param", "=", ",", "'", "xspec 1", "1e5", "@", "é"]
    for _ in range(count):
        position = rng.randrange(len(text) + 1)
        yield text[:position] + rng.choice(pieces) + text[position + rng.randrange(4):]


def test_table_driver_matches_larks_own(monkeypatch):
    """lalr.py runs lark's tables in one loop; trees, spans, comments and diagnostics
    must be exactly those of lark's own driver, on good and broken input."""
    from tests.conftest import FIXTURES, REPO
    from xspec.syntax.lalr import TableDriver
    from xspec.syntax.parser import _table_driver

    paths = sorted((REPO / "specs").rglob("*.xspec")) + sorted((FIXTURES / "check").glob("*.xspec"))
    paths += sorted((REPO / "stdlib").rglob("*.xspec"))
    texts = [p.read_bytes().decode("utf-8", "replace") for p in paths]
    texts += [m for t in texts[:6] for m in _mutations(t, 40, len(t))]
    ours = [parse(SourceFile("t.xspec", t)) for t in texts]
    driver = _table_driver()[1]
    assert sum(driver.parse(t) is not None for t in texts) > len(paths) // 2   # not all falling back
    monkeypatch.setattr(TableDriver, "parse", lambda self, text: None)
    assert [parse(SourceFile("t.xspec", t)) for t in texts] == ours


@given(spec())
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_table_driver_matches_larks_own_on_generated_specs(text):
    from xspec.syntax.lalr import TableDriver

    ours = parse(SourceFile("t.xspec", text))
    with mock.patch.object(TableDriver, "parse", lambda self, text: None):
        assert parse(SourceFile("t.xspec", text)) == ours


def test_lark_runtime_loads_only_for_files_the_loop_hands_back():
    import subprocess
    import sys

    code = ("import sys; from xspec.source import SourceFile; from xspec.syntax.parser import parse; "
            "parse(SourceFile('t.xspec', sys.argv[1])); print('xspec.syntax._lark_standalone' in sys.modules)")

    def loads_lark(text: str) -> str:
        return subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert loads_lark(HEADER + 'env e { python = "3.11" }\n') == "False"
    assert loads_lark(HEADER + "env e { python = }\n") == "True"


def test_an_unclosed_block_is_reported_where_it_ends_naming_the_bracket():
    text = HEADER + '\nenv a {\n  python = "3.11"\n\nenv b {\n  python = "3.12.1"\n}\n'
    module, diagnostics = parse(SourceFile("t.xspec", text))
    assert [(d.code, d.span.line, d.hints) for d in diagnostics] == \
        [("E001", 4, ("the `{` on line 3 is never closed",))]
    assert [i.name.text for i in module.items] == ["b"]


def test_an_unclosed_list_at_the_end_of_the_file_names_the_bracket():
    _, diagnostics = parse(SourceFile("t.xspec", HEADER + 'let a = ["x", "]"\n# ] in a comment\n'))
    assert diagnostics[0].hints == ("the `[` on line 2 is never closed",)


def test_classic_mac_line_endings_are_one_clear_error(tmp_path):
    from xspec import api

    path = tmp_path / "mac.xspec"
    path.write_bytes(b'xspec 1\renv e {\r  python = "3.11.9"\r}\r')
    assert [(d.code, d.span.column) for d in api.check(path).diagnostics] == [("E010", 8)]
    assert [d.code for d in parse(SourceFile("t.xspec", HEADER.replace("\n", "\r\n") + "let a = 1\r\n"))[1]] == []
