"""The project's own files: examples check clean, the dev shell parses, CI runs the
README's test command."""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO, example_specs, require_tool
from xspec import api


def test_there_are_example_specs():
    assert len(example_specs()) >= 4


def test_every_example_and_stdlib_module_checks_clean():
    paths = sorted((REPO / "specs").rglob("*.xspec")) + sorted((REPO / "stdlib").rglob("*.xspec"))
    problems = [d for p in paths for d in api.check(p).diagnostics]
    assert problems == []


def test_examples_are_formatted():
    for path in sorted((REPO / "specs").rglob("*.xspec")) + sorted((REPO / "stdlib").rglob("*.xspec")):
        text = path.read_text()
        assert api.format_text(text, str(path))[0] == text, f"{path} is not formatted"


def test_flake_parses():
    nix_instantiate = require_tool("nix-instantiate")
    done = subprocess.run([nix_instantiate, "--parse", str(REPO / "flake.nix")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"^python3 -m venv .*pytest.*$", readme, re.M)
    assert len(commands) == 1
    assert commands[0] in (REPO / ".ci" / "run").read_text()


def test_ci_runs_the_readme_lint_command():
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"^\.venv/bin/pip install .*ruff check.*mypy$", readme, re.M)
    assert len(commands) == 1
    assert commands[0] in (REPO / ".ci" / "run").read_text()
