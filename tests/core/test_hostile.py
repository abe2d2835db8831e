"""Inputs built to hang, exhaust or crash the compiler (issue 18): each gets a diagnostic
with a code and a span. Their speed is measured by bench/hostile.py, not here."""

from __future__ import annotations

import os
import sys

import pytest

from tests.core.test_cli import xspec
from tests.harness import codes
from xspec import api
from xspec.lint.rules.sec002_high_entropy_secret import ASSIGNMENT
from xspec.source import MAX_SOURCE_BYTES, NotRegularFile, SourceFile, read_regular
from xspec.syntax import _tables, lalr
from xspec.syntax.parser import parse
from xspec.syntax.strings import MAX_STRING_CHARS

HEADER = 'xspec 1\n\nenv py {\n  python = "3.11.7"\n}\n\n'


def spec_with(value: str) -> str:
    return HEADER + f"let v = {value}\n"


# -- limits ---------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.xspec"
    path.write_text(spec_with("1") + "# " + "x" * MAX_SOURCE_BYTES + "\n")
    result = api.check(path)
    assert [d.code for d in result.diagnostics] == ["E020"]
    assert "over the limit of 4,194,304" in result.diagnostics[0].message


def test_text_over_the_size_limit_is_refused_by_the_parser():
    module, diagnostics = parse(SourceFile("t.xspec", spec_with("1") + " " * MAX_SOURCE_BYTES))
    assert [d.code for d in diagnostics] == ["E020"]
    assert module.items == ()


def test_a_string_literal_over_the_limit_is_refused_with_its_span():
    text = spec_with('"' + "a" * (MAX_STRING_CHARS + 1) + '"')
    _, diagnostics = parse(SourceFile("t.xspec", text))
    assert [d.code for d in diagnostics] == ["E021"]
    assert diagnostics[0].span.start == text.index('"a')
    assert codes(spec_with('"' + "a" * MAX_STRING_CHARS + '"')) == []


def test_an_import_chain_past_the_limit_is_reported_not_a_recursion_error(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    depth = 600   # past Python's recursion limit for the old recursive loader
    for n in range(depth):
        (tmp_path / f"m{n}.xspec").write_text(f'xspec 1\n\nimport "./m{n + 1}.xspec" as next\n')
    (tmp_path / f"m{depth}.xspec").write_text("xspec 1\n")
    found = [d.code for d in api.check(tmp_path / "m0.xspec").diagnostics]
    assert found == ["E115"]


# -- strings that would not survive the trip to a job ------------------------------


@pytest.mark.parametrize("literal, code", [
    ('"a\x00b"', "E022"),           # bash drops NUL: the job got `ab`
    ('"a\\u0000b"', "E022"),
    ('"\x1b[2J"', "E022"),          # ESC: clears the terminal that prints it
    ('"\\u001b[2J"', "E022"),
    ('"a\rb"', "E022"),             # a raw carriage return hides what precedes it
    ('"a\\u007fb"', "E022"),
    ('"\\ud800"', "E008"),          # half a UTF-16 pair: no UTF-8 file or argv can hold it
    ('"x\\uDFFFy"', "E008"),
])
def test_strings_that_cannot_reach_a_job_intact_are_refused(literal, code):
    assert codes(spec_with(literal)) == [code]


@pytest.mark.parametrize("literal", ['"a\tb"', '"a\\tb\\nc\\rd"', '"\\u0009\\u000a\\u000d"', '"é\\u00e9"'])
def test_tabs_and_escaped_line_breaks_are_fine(literal):
    assert codes(spec_with(literal)) == []


def test_nul_in_a_data_path_is_a_diagnostic_not_an_internal_error(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    spec = tmp_path / "d.xspec"
    spec.write_text('xspec 1\n\ndata d {\n  path = "data/a\\u0000b.csv"\n  sha256 = "' + "0" * 64
                    + '"\n  version = "1"\n}\n')
    assert [d.code for d in api.check(spec).diagnostics] == ["E022"]
    done = xspec("build", str(spec), "-t", "all", "-o", str(tmp_path / "out"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "E022" in done.stdout + done.stderr


def test_a_lone_surrogate_fails_build_with_its_code(tmp_path):
    spec = tmp_path / "s.xspec"
    spec.write_text(HEADER + 'experiment e {\n  env = py\n  run = ["echo", "\\ud800"]\n  seed = 1\n}\n')
    done = xspec("build", str(spec), "-t", "all", "-o", str(tmp_path / "out"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "E008" in done.stdout + done.stderr


# -- files that are not files --------------------------------------------------------


@pytest.fixture
def fifo(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    path = tmp_path / "pipe.xspec"
    os.mkfifo(path)
    return path


def test_reading_a_fifo_is_refused_without_waiting_for_a_writer(fifo):
    with pytest.raises(NotRegularFile, match="a FIFO"):
        read_regular(fifo)
    with pytest.raises(NotRegularFile):
        SourceFile.read(fifo)


def test_check_reports_a_fifo_given_or_found_in_a_folder(fifo):
    for target in (fifo, fifo.parent):
        done = xspec("check", str(target))
        assert done.returncode == 1, done.stdout + done.stderr
        assert "E005" in done.stdout and "not a regular file (a FIFO)" in done.stdout


def test_an_import_that_cannot_be_read_is_e005_at_the_import(fifo):
    spec = fifo.parent / "a.xspec"
    spec.write_text('xspec 1\n\nimport "./pipe.xspec" as p\n\nlet x = p.y\n')
    diagnostics = api.check(spec).diagnostics   # was a KeyError in the checker
    assert [(d.code, d.span.line) for d in diagnostics] == [("E005", 3)]


# -- cost that grew with the square of the input -----------------------------------------


def test_a_left_recursive_list_rule_extends_its_list_instead_of_copying_it():
    """`__list_star: __list_star "," expr` copied the list at each reduction: a list of n
    items cost n squared (100,000 items took 103 s)."""
    simple = ((0, True, 0), (1, False, 0), (2, False, 0))   # the one lists, calls and types share
    steps = next(s for s in _tables.RULES if s[0].startswith("__") and s[4] == simple)
    reduce = lalr._reduction(steps, builder=None)
    so_far = ["a", ",", "b"]
    assert reduce([so_far, ",", "c"]) is so_far == ["a", ",", "b", ",", "c"]


@pytest.mark.parametrize("text, found", [
    ("API_KEY=9f8e7d6c5b4a39281706f5e4", [("API_KEY", "9f8e7d6c5b4a39281706f5e4")]),
    ("--api-token=9f8e7d6c5b4a39281706f5e4", [("api-token", "9f8e7d6c5b4a39281706f5e4")]),
    ("1TOKEN: 9f8e7d6c5b4a39281706f5e4", [("TOKEN", "9f8e7d6c5b4a39281706f5e4")]),
    ('"password": "9f8e7d6c5b4a3928"', [("password", "9f8e7d6c5b4a3928")]),
    ("a" * 200_000, []),   # each of its 200,000 starts was scanned to the end: minutes
    ("a-" * 100_000 + "=x", []),
])
def test_sec002_finds_assignments_and_scans_a_long_word_once(text, found):
    assert [(m.group("name"), m.group("value")) for m in ASSIGNMENT.finditer(text)] == found


def test_a_long_string_parses_with_bounded_memory():
    """The STRING terminal kept regex state per character: a 10 MB string took 3.3 GB.
    Under the limit of 1 MiB, its parse must not need more than a few copies of it."""
    import tracemalloc

    text = spec_with('"' + "a" * MAX_STRING_CHARS + '"')
    tracemalloc.start()
    parse(SourceFile("t.xspec", text))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * MAX_STRING_CHARS, peak


if sys.platform == "win32":   # pragma: no cover
    pytestmark = pytest.mark.skip("FIFOs are POSIX")
