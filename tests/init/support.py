"""Run `xspec init` on copies of the fixtures and read back what it wrote, checked.

Each test copies a fixture folder into ``tmp_path/project`` (with an xspec.toml, so
that folder is the project root) and writes the spec there: the repository stays
untouched and paths in the spec are the same on every machine.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import FIXTURES
from xspec import api
from xspec.cli import cli
from xspec.diagnostics import Severity

INIT = FIXTURES / "init"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    project: Path
    spec: Path

    @property
    def result(self):
        return api.check(self.spec)

    @property
    def module(self):
        result = self.result
        assert not result.has_errors, [d.message for d in result.diagnostics]
        return result.entry_modules()[0]

    def notes(self, code: str = "INI100") -> set[tuple[str, int]]:
        """(file, line) of every diagnostic with ``code``, from the concise report."""
        found = set()
        for line in self.stdout.splitlines():
            parts = line.split(":", 3)
            if len(parts) == 4 and parts[3].strip().startswith(code + " "):
                found.add((parts[0], int(parts[1])))
        return found


def project(tmp_path: Path, *fixtures: str) -> Path:
    """``tmp_path/project`` holding copies of the named fixture folders' files."""
    root = tmp_path / "project"
    root.mkdir(exist_ok=True)
    (root / "xspec.toml").write_text("# project root for the test\n")
    for name in fixtures:
        shutil.copytree(INIT / name, root, dirs_exist_ok=True)
    return root


def run_init(root: Path, *args: str, output: str = "experiment.xspec", stdin: str | None = None) -> Run:
    """`xspec init ARGS -o OUTPUT --format concise`, run in ``root``."""
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        outcome = runner.invoke(cli, ["init", *args, "-o", output, "--format", "concise"],
                                input=stdin, standalone_mode=False, catch_exceptions=False)
    finally:
        os.chdir(cwd)
    code = outcome.return_value if outcome.exit_code == 0 else outcome.exit_code
    return Run(code or 0, outcome.stdout, outcome.stderr, root, root / output)


def errors(result) -> list[str]:
    return [f"{d.code} {d.message}" for d in result.diagnostics if d.severity is Severity.ERROR]


def argv(experiment) -> list[str]:
    """The run as text: placeholders as `${name}`, so a test can compare it with a list."""
    return ["".join(str(part) for part in arg) for arg in experiment.run]
