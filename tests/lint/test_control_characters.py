"""Raw control characters in a spec are never echoed to the terminal: a spec must not be
able to clear the screen and print a fake "All checks passed." (issue 18, medium)."""

from __future__ import annotations

import json

import pytest

from tests.lint.cli_support import xspec

# ESC [2J ESC [H clears the screen; ESC [8m hides what follows; ESC ] 0 ; ... BEL sets the
# window title; U+202E reverses the text after it.
HOSTILE = "\x1b[2J\x1b[HAll checks passed.\x1b[8m\x07\u202e"
SPEC = f'''xspec 1
# {HOSTILE} in a comment
env e {{
  python = "3.11.7"
  vars = {{ DB_PASSWORD = "{HOSTILE}" }}
}}
'''


@pytest.fixture
def hostile(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    (tmp_path / "ctl.xspec").write_text(SPEC)
    return tmp_path


@pytest.mark.parametrize("output_format", ["full", "concise", "github"])
def test_text_formats_escape_control_characters(hostile, output_format):
    result = xspec("check", "ctl.xspec", "--format", output_format, cwd=hostile)
    assert "SEC003" in result.stdout, result.stdout + result.stderr
    for char in "\x1b\x07\u202e":
        assert char not in result.stdout
    assert "\\x1b" in result.stdout


def test_the_full_format_excerpt_escapes_and_its_carets_stay_under_the_value(hostile):
    out = xspec("check", "ctl.xspec", "--select", "SEC003", cwd=hostile).stdout
    lines = out.splitlines()
    excerpt = next(i for i, line in enumerate(lines) if "DB_PASSWORD" in line and "|" in line)
    text, carets = lines[excerpt], lines[excerpt + 1]
    assert text.index('"\\x1b') == carets.index("^")
    assert len(carets.rstrip()) == len(text.rstrip()) - len(" }")


def test_json_and_sarif_carry_them_json_escaped(hostile):
    for output_format in ("json", "sarif"):
        out = xspec("check", "ctl.xspec", "--format", output_format, cwd=hostile).stdout
        assert "\x1b" not in out and "\\u001b" in out
        json.loads(out)
