"""The result cache: same answers as a fresh check, invalidated by everything the
answers depend on, and cheap enough not to load the parser when nothing changed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO
from tests.lint.cli_support import xspec
from xspec.lint.cache import FOLDER

SPEC = '''xspec 1

import "./envs.xspec" as envs

experiment x {
  env  = envs.py
  seed = 1
  run  = ["python", "a.py", "--seed", seed]
}
'''
ENVS = 'xspec 1\n\nenv py {\n  python = "3.11.9"\n}\n'


@pytest.fixture
def project(tmp_path):
    (tmp_path / "xspec.toml").write_text("")
    (tmp_path / "envs.xspec").write_text(ENVS)
    (tmp_path / "main.xspec").write_text(SPEC)
    return tmp_path


def check(project, *args):
    done = xspec("check", "--format", "json", *args, "main.xspec", cwd=project)
    return sorted((d["code"], d["line"]) for d in json.loads(done.stdout))


def entries(project):
    return sorted((project / FOLDER).rglob("*.json"))


def test_cached_answers_equal_fresh_ones(project):
    fresh = check(project, "--no-cache")
    assert entries(project) == []
    assert check(project) == fresh          # fills the cache
    assert len(entries(project)) == 1
    assert check(project) == fresh          # served from it
    assert (project / FOLDER / ".gitignore").read_text().endswith("*\n")
    assert (project / FOLDER / "CACHEDIR.TAG").exists()


def test_editing_the_spec_invalidates(project):
    assert ("DET007", 5) in check(project)
    (project / "main.xspec").write_text(SPEC.replace("seed = 1", "seed = 1\n  vars = { OMP_NUM_THREADS = \"1\" }"))
    assert ("DET007", 5) not in check(project)


def test_editing_an_imported_module_invalidates(project):
    assert check(project) == [("COR004", 5), ("DET007", 5)]
    (project / "envs.xspec").write_text(ENVS.replace("}", "  vars = { OMP_NUM_THREADS = \"2\" }\n}"))
    assert check(project) == [("COR004", 5)]


def test_changing_the_settings_invalidates(project):
    assert check(project) == [("COR004", 5), ("DET007", 5)]
    (project / "xspec.toml").write_text('ignore = ["COR004"]\n')
    assert check(project) == [("DET007", 5)]
    assert check(project, "--select", "DET") == [("DET007", 5)]


def test_the_lockfile_is_a_dependency(project):
    first = xspec("check", "--format", "json", "main.xspec", cwd=project)
    entry = json.loads(entries(project)[0].read_text())
    assert str(project.resolve() / "xspec.lock") in entry["imports"]
    assert entry["imports"][str(project.resolve() / "xspec.lock")] == "missing"
    assert first.returncode == 1


def test_a_corrupt_entry_is_ignored(project):
    fresh = check(project)
    for entry in entries(project):
        entry.write_text("{not json")
    assert check(project) == fresh


def test_a_fully_cached_run_does_not_load_the_parser(project):
    check(project)
    code = ("import sys; from pathlib import Path; from xspec.lint import lint_paths; "
            "lint_paths([Path('main.xspec')]); "
            "print('xspec.syntax.parser' in sys.modules, 'xspec.lint.rules' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=project, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO / "compiler"), "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == ["False", "False"], done.stderr
