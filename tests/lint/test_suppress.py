"""The suppression regex, case by case, and suppressions applied to real specs."""

from __future__ import annotations

import pytest

from tests.lint.support import lint
from xspec.lint.suppress import DIRECTIVE

# comment text -> (kind, codes as written, reason), or None when it is no directive
TABLE = [
    ("# xspec: ignore[PIN001]", ("ignore", "PIN001", "")),
    ("# xspec: ignore[PIN001, PIN002] pinned by the site", ("ignore", "PIN001, PIN002", "pinned by the site")),
    ("#xspec:ignore[PIN001]", ("ignore", "PIN001", "")),
    ("# xspec: ignore[PIN001]: legacy image", ("ignore", "PIN001", "legacy image")),
    ("# xspec: ignore[PIN001] -- legacy image", ("ignore", "PIN001", "legacy image")),
    ("# xspec: ignore[image-without-digest]", ("ignore", "image-without-digest", "")),
    ("# xspec: ignore-file[DET, COR009] scratch file", ("ignore-file", "DET, COR009", "scratch file")),
    ("# pinned upstream  # xspec: ignore[PIN002]", ("ignore", "PIN002", "")),
    ("# xspec: ignore", ("ignore", None, "")),
    ("# xspec: ignore[]", ("ignore", "", "")),
    ("# xspec: ignore-file", ("ignore-file", None, "")),
    ("# xspec: ignored[PIN001]", None),
    ("# xspec: ignore-files[PIN001]", None),
    ("# xspec is a tool: ignore[PIN001]", None),
    ("# see xspec: ignore[PIN001] in the docs", None),
    ("# noqa: PIN001", None),
]


@pytest.mark.parametrize("comment,expected", TABLE)
def test_directive_regex(comment, expected):
    match = DIRECTIVE.search(comment)
    found = None if match is None else (match["kind"], match["codes"], match["reason"].strip())
    assert found == expected


SPEC = '''
xspec 1

env e {{
  python = "3.11"  {comment}
}}
'''


@pytest.mark.parametrize("comment,codes", [
    ("", ["PIN008"]),
    ("# xspec: ignore[PIN008]", []),
    ("# xspec: ignore[PIN008] the image decides", []),
    ("# xspec: ignore[inexact-python-version]", []),
    ("# xspec: ignore[PIN]", []),
    ("# xspec: ignore[ALL]", []),
    ("# xspec: ignore[PIN001]", ["PIN008", "COR006"]),
    ("# xspec: ignore[PIN008, PIN001]", ["COR006"]),
    ("# xspec: ignore[PIN08]", ["PIN008", "COR007"]),
    ("# xspec: ignore[E203]", ["PIN008", "COR007"]),
    ("# xspec: ignore", ["PIN008", "COR008"]),
    ("# xspec: ignore[pin 008]", ["PIN008", "COR008"]),
])
def test_line_suppression(tmp_path, comment, codes):
    assert lint(SPEC.format(comment=comment), tmp_path) == codes


def test_a_suppression_covers_only_its_own_line(tmp_path):
    text = '''
    xspec 1

    # xspec: ignore[PIN008]
    env e {
      python = "3.11"
    }
    '''
    assert lint(text, tmp_path) == ["COR006", "PIN008"]


def test_file_suppression_anywhere_in_the_file(tmp_path):
    text = '''
    xspec 1

    env e {
      python = "3.11"
    }

    env f {
      python = "3"
    }
    # xspec: ignore-file[PIN008] sandbox envs
    '''
    assert lint(text, tmp_path) == []


def test_a_suppression_inside_a_string_is_not_a_suppression(tmp_path):
    text = '''
    xspec 1

    env e {
      python = "3.11"
      vars = { NOTE = "# xspec: ignore[PIN008]" }
    }
    '''
    assert lint(text, tmp_path) == ["PIN008"]


def test_suppressions_of_rules_turned_off_are_not_reported_unused(tmp_path):
    text = '''
    xspec 1

    env e {
      python = "3.11.9"  # xspec: ignore[PIN008]
    }
    '''
    assert lint(text, tmp_path) == ["COR006"]
    assert lint(text, tmp_path, ignore=("PIN008",)) == []


def test_errors_cannot_be_suppressed(tmp_path):
    text = '''
    xspec 1

    env e {
      python = 3  # xspec: ignore[E203]
    }
    '''
    assert lint(text, tmp_path) == ["E203", "COR007"]


def test_unused_suppression_can_itself_be_ignored_file_wide(tmp_path):
    text = '''
    xspec 1
    # xspec: ignore-file[COR006] kept for the next Python upgrade

    env e {
      python = "3.11.9"  # xspec: ignore[PIN008]
    }
    '''
    assert lint(text, tmp_path) == []
