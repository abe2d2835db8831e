"""The formatter's API and individual layout rules, one small case each."""

from __future__ import annotations

from xspec.fmt import format_module, format_source
from xspec.source import SourceFile
from xspec.syntax.parser import parse

from tests.fmt.support import fmt


def test_refuses_a_file_with_syntax_errors():
    out, diagnostics = format_source(SourceFile("bad.xspec", "xspec 1\ndata x {\n  a = \n}\n"))
    assert out is None
    assert [d.code for d in diagnostics] == ["E001"]


def test_refuses_a_file_with_a_bad_escape():
    out, diagnostics = format_source(SourceFile("bad.xspec", 'data x {\n  a = "\\q"\n}\n'))
    assert out is None and diagnostics[0].code == "E008"


def test_format_module_takes_a_parsed_tree():
    source = SourceFile("a.xspec", "data x {a=1}")
    module, _ = parse(source)
    assert format_module(module, source.text) == "data x {\n  a = 1\n}\n"


def test_empty_file_stays_empty():
    assert fmt("") == ""
    assert fmt("\n\n  \n") == ""


def test_a_file_of_comments():
    assert fmt("\n# one\n\n\n# two   \n\n") == "# one\n\n# two\n"


def test_header_is_not_invented():
    assert fmt("data x {}") == "data x {}\n"


def test_header_is_followed_by_one_blank_line():
    assert fmt("xspec 1\ndata x {}\n") == "xspec 1\n\ndata x {}\n"


def test_ends_with_exactly_one_newline():
    assert fmt("data x {}\n\n\n\n") == "data x {}\n"


def test_crlf_becomes_lf_and_comments_lose_their_cr():
    assert fmt("data x {\r\n  a = 1  # c\r\n}\r\n") == "data x {\n  a = 1  # c\n}\n"


def test_tabs_and_trailing_whitespace_go():
    assert fmt("data x {\t\n\ta\t=\t1\t\n}\t\n") == "data x {\n  a = 1\n}\n"


def test_trailing_comment_is_two_spaces_after_the_code():
    assert fmt("data x {\n  a = 1 # c\n}\n") == "data x {\n  a = 1  # c\n}\n"


def test_list_filling_exactly_100_columns_stays_inline():
    items = ", ".join(["1234567"] * 10)  # 88 characters
    line = f"  abcde = [{items}]"
    assert len(line) == 100
    assert fmt(f"data x {{\n{line}\n}}\n") == f"data x {{\n{line}\n}}\n"


def test_list_one_column_too_long_explodes():
    items = ", ".join(["1234567"] * 10)
    out = fmt(f"data x {{\n  abcdef = [{items}]\n}}\n")
    assert out.startswith("data x {\n  abcdef = [\n    1234567,\n")
    assert out.endswith("    1234567,\n  ]\n}\n")


def test_map_has_spaces_inside_braces_and_empty_map_has_none():
    assert fmt("data x {\n  m = {a=1,b=2}\n  e = { }\n}\n") == "data x {\n  m = { a = 1, b = 2 }\n  e = {}\n}\n"


def test_keys_keep_quotes_only_when_needed():
    src = 'data x {\n  "plain" = 1\n  "in" = 2\n  "has space" = 3\n  "param" = 4\n  "a\\u0062" = 5\n}\n'
    assert fmt(src) == 'data x {\n  plain = 1\n  "in" = 2\n  "has space" = 3\n  "param" = 4\n  ab = 5\n}\n'


def test_top_level_blocks_are_always_multi_line():
    assert fmt("experiment e { seed = 1 }") == "experiment e {\n  seed = 1\n}\n"


def test_nested_block_written_across_lines_stays_multi_line():
    src = "experiment e {\n  resources {\n    cpus = 8\n  }\n}\n"
    assert fmt(src) == src


def test_nested_block_too_long_for_one_line_breaks():
    fields = ", ".join(f"field_{i} = {i}" for i in range(10))
    out = fmt(f"experiment e {{\n  resources {{ {fields} }}\n}}\n")
    assert out.splitlines()[1:4] == ["  resources {", "    field_0 = 0", "    field_1 = 1"]


def test_nested_block_with_a_non_field_member_breaks():
    out = fmt("experiment e {\n  sweep grid { param p: int }\n}\n")
    assert out == "experiment e {\n  sweep grid {\n    param p: int\n  }\n}\n"


def test_type_without_arguments_loses_empty_parentheses():
    assert fmt("e x {\n  param p: int() = 1\n}\n") == "e x {\n  param p: int = 1\n}\n"


def test_range_explodes_without_a_trailing_comma():
    out = fmt("e x {\n  param p: int in [ # lo\n 1, 2] = 1\n}\n")
    assert out == "e x {\n  param p: int in [  # lo\n    1,\n    2\n  ] = 1\n}\n"
