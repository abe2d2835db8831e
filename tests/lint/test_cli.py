"""`xspec check` as a linter and `xspec rule`: exit codes, messages, no tracebacks."""

from __future__ import annotations

import pytest

from tests.lint.cli_support import xspec

CLEAN = '''xspec 1

import "std/determinism" as det

env py {
  python = "3.11.9"
}

experiment x {
  env         = py
  seed        = 1
  determinism = det.generic
  run         = ["python", "a.py", "--seed", seed]
  target local { max_parallel = 1 }
}
'''
WARNS = CLEAN.replace('python = "3.11.9"', 'python = "3.11"')         # PIN008, a warning
INFO = CLEAN.replace('seed        = 1', 'seed        = 1\n  let unused = 2')   # COR009, info


@pytest.fixture
def project(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    return tmp_path


def put(project, text, name="s.xspec"):
    (project / name).write_text(text)
    return name


@pytest.mark.parametrize("text,config,code", [
    (CLEAN, "", 0),
    (WARNS, "", 1),
    (INFO, "", 0),
    (WARNS, 'fail-on = "error"', 0),
    (INFO, 'fail-on = "info"', 1),
    (WARNS, '[severity]\nPIN008 = "error"\n', 1),
])
def test_exit_code_follows_fail_on(project, text, config, code):
    (project / "xspec.toml").write_text(config)
    done = xspec("check", put(project, text), cwd=project)
    assert done.returncode == code, done.stdout + done.stderr


def test_clean_output(project):
    done = xspec("check", put(project, CLEAN), cwd=project)
    assert done.stdout == "All checks passed.\n"


@pytest.mark.parametrize("config,message", [
    ('select = ["NOPE1"]', "error: "),
    ("select = [", "invalid TOML"),
])
def test_broken_configuration_exits_2_with_one_line(project, config, message):
    (project / "xspec.toml").write_text(config)
    done = xspec("check", put(project, CLEAN), cwd=project)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_unknown_code_on_the_command_line_exits_2(project):
    done = xspec("check", "--select", "XYZ", put(project, CLEAN), cwd=project)
    assert done.returncode == 2 and "unknown rule code, prefix or name 'XYZ'" in done.stderr


def test_config_option(project, tmp_path_factory):
    config = tmp_path_factory.mktemp("cfg") / "strict.toml"
    config.write_text('[tool.xspec]\nignore = ["PIN008"]\n')
    assert xspec("check", "--config", str(config), put(project, WARNS), cwd=project).returncode == 0
    missing = xspec("check", "--config", "nope.toml", put(project, WARNS), cwd=project)
    assert missing.returncode == 2 and "no such configuration file" in missing.stderr


def test_exclude_skips_files_even_when_named(project):
    (project / "xspec.toml").write_text('exclude = ["xml/**"]\n')
    (project / "xml").mkdir()
    (project / "xml" / "suite.xspec").write_text("<x:description/>\n")
    put(project, CLEAN)
    assert xspec("check", ".", cwd=project).returncode == 0
    only = xspec("check", "xml/suite.xspec", cwd=project)
    assert only.returncode == 0 and "excluded" in only.stderr


def test_xml_xspec_file_gets_one_clear_message(project):
    put(project, '<?xml version="1.0"?>\n<x:description xmlns:x="http://www.jenitennison.com/xslt/xspec">\n'
                 '  <x:scenario label="s"/>\n</x:description>\n', "suite.xspec")
    done = xspec("check", "suite.xspec", cwd=project)
    assert done.returncode == 1
    assert done.stdout.count("error[") == 1 and "error[E006]" in done.stdout
    assert "XSpec XML test file" in done.stdout


def test_rule_explains_by_code_or_name():
    by_code = xspec("rule", "PIN002")
    assert by_code.returncode == 0
    assert by_code.stdout.startswith("# PIN002: image-without-digest")
    assert "## Why is this bad?" in by_code.stdout
    assert xspec("rule", "image-without-digest").stdout == by_code.stdout
    assert "E201: unknown-field (error, types)" in xspec("rule", "E201").stdout


def test_rule_all_lists_every_rule():
    from xspec.lint.registry import all_rules

    done = xspec("rule", "--all")
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(all_rules())
    assert lines[0].split()[:4] == ["DET001", "missing-seed", "warning", "unsafe"]


def test_rule_json():
    import json

    facts = json.loads(xspec("rule", "--format", "json", "DET005").stdout)
    assert facts["name"] == "gpu-without-determinism" and facts["category"] == "determinism"


@pytest.mark.parametrize("args", [["rule"], ["rule", "NOPE999"], ["rule", "--all", "DET001"]])
def test_rule_usage_errors_exit_2(args):
    done = xspec(*args)
    assert done.returncode == 2 and "Traceback" not in done.stderr
