"""Settings: where they are found, what each key does, and what a broken file says."""

from __future__ import annotations

import textwrap

import pytest

from tests.lint.support import lint
from xspec.lint.config import ConfigError, load_file, project_root, settings_for
from xspec.resolve import loader

# One PIN008 (line 4), one COR004 and one DET007 (line 7), one COR001 (line 10).
SPEC = '''
xspec 1

env e {
  python = "3.11"
}

experiment x {
  env = e
  seed = 1
  param unused: int = 1
  param lr: float = 0.1
  run = ["python", "a.py", "--seed", seed, "--lr", lr]
}
'''


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def test_defaults_enable_every_rule(tmp_path):
    assert lint(SPEC, tmp_path) == ["PIN008", "COR004", "DET007", "COR001"]


@pytest.mark.parametrize("table,codes", [
    ('select = ["PIN"]', ["PIN008"]),
    ('select = ["inexact-python-version", "COR001"]', ["PIN008", "COR001"]),
    ('ignore = ["COR"]', ["PIN008", "DET007"]),
    ('select = ["COR"]\nextend-select = ["DET007"]', ["COR004", "DET007", "COR001"]),
    ('ignore = ["COR"]\nselect = ["ALL", "COR001"]', ["PIN008", "DET007", "COR001"]),
    ('ignore = ["COR001"]\nselect = ["COR001"]', []),
])
def test_select_and_ignore(tmp_path, table, codes):
    write(tmp_path, "xspec.toml", table)
    assert lint(SPEC, tmp_path) == codes


def test_pyproject_tool_table(tmp_path):
    write(tmp_path, "pyproject.toml", '[project]\nname = "p"\n\n[tool.xspec]\nselect = ["PIN"]\n')
    assert lint(SPEC, tmp_path) == ["PIN008"]


def test_nearest_file_wins_and_xspec_toml_beats_pyproject(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.xspec]\nselect = ["PIN"]\n')
    write(tmp_path, "sub/pyproject.toml", '[project]\nname = "no lint settings here"\n')
    assert lint(SPEC, tmp_path / "sub") == ["PIN008"]
    write(tmp_path, "sub/xspec.toml", 'select = ["DET"]\n')
    write(tmp_path, "sub/pyproject.toml", '[tool.xspec]\nselect = ["COR"]\n')
    assert lint(SPEC, tmp_path / "sub") == ["DET007"]


def test_per_file_ignores(tmp_path):
    write(tmp_path, "xspec.toml", '[per-file-ignores]\n"legacy/*.xspec" = ["PIN", "COR"]\n'
                                  '"one.xspec" = ["DET007"]\n')
    assert lint(SPEC, tmp_path / "legacy") == ["DET007"]
    assert lint(SPEC, tmp_path / "new") == ["PIN008", "COR004", "DET007", "COR001"]
    assert lint(SPEC, tmp_path / "new", name="one.xspec") == ["PIN008", "COR004", "COR001"]


def test_severity_overrides_and_fail_on(tmp_path):
    write(tmp_path, "xspec.toml", 'fail-on = "error"\n[severity]\nPIN008 = "error"\n'
                                  '"unused-param" = "info"\n')
    settings = settings_for(tmp_path / "t.xspec")
    from tests.lint.support import diagnostics

    found = {d.code: str(d.severity) for d in diagnostics(SPEC, tmp_path)}
    assert found == {"PIN008": "error", "COR004": "warning", "DET007": "warning", "COR001": "info"}
    assert settings.fails(settings.severity_of("PIN008", None))
    from xspec.diagnostics import Severity

    assert not settings.fails(Severity.WARNING)


def test_exclude_globs(tmp_path):
    write(tmp_path, "xspec.toml", 'exclude = ["tests/xml/**", "*.generated.xspec"]\n')
    settings = settings_for(tmp_path / "a.xspec")
    assert settings.is_excluded(tmp_path / "tests/xml/deep/a.xspec")
    assert settings.is_excluded(tmp_path / "sub/b.generated.xspec")
    assert not settings.is_excluded(tmp_path / "tests/a.xspec")


def test_command_line_overrides(tmp_path):
    write(tmp_path, "xspec.toml", 'select = ["PIN"]\n')
    assert lint(SPEC, tmp_path, select=("COR",)) == ["COR004", "COR001"]
    assert lint(SPEC, tmp_path, extend_select=("DET",)) == ["PIN008", "DET007"]
    assert lint(SPEC, tmp_path, ignore=("PIN008",)) == []


def test_explicit_config_file(tmp_path):
    config = write(tmp_path / "elsewhere", "lint.toml", 'ignore = ["ALL"]\n')
    assert lint(SPEC, tmp_path, config=config) == []
    assert load_file(config).root == config.parent


@pytest.mark.parametrize("table,message", [
    ('select = "PIN"', "expected a list of strings"),
    ('select = ["PIN999"]', "unknown rule code, prefix or name 'PIN999'"),
    ('ignore = ["no-such-rule"]', "unknown rule code, prefix or name 'no-such-rule'"),
    ('ignore = ["E201"]', "E201 is an error"),
    ('fail-on = "never"', 'expected "error", "warning" or "info"'),
    ('[severity]\nPIN001 = "fatal"', 'expected "error", "warning" or "info"'),
    ('per-file-ignores = ["x"]', "expected a table"),
    ("select = [", "invalid TOML"),
])
def test_broken_configuration_is_one_clear_error(tmp_path, table, message):
    write(tmp_path, "xspec.toml", table)
    with pytest.raises(ConfigError) as caught:
        settings_for(tmp_path / "t.xspec")
    assert message in str(caught.value) and "xspec.toml" in str(caught.value)


def test_unrelated_keys_are_left_to_other_parts_of_xspec(tmp_path):
    write(tmp_path, "xspec.toml", '[lock]\nplatforms = ["linux"]\n')
    assert lint(SPEC, tmp_path) == ["PIN008", "COR004", "DET007", "COR001"]


@pytest.mark.parametrize("layout", [["xspec.toml"], ["pyproject.toml"], [".git/"], []])
def test_project_root_agrees_with_the_loader(tmp_path, layout):
    for marker in layout:
        target = tmp_path / marker
        target.mkdir() if marker.endswith("/") else target.write_text("")
    spec = tmp_path / "a" / "b" / "s.xspec"
    spec.parent.mkdir(parents=True)
    assert project_root(spec) == loader.project_root(spec)
