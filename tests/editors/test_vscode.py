"""The VS Code extension builds, packages and passes its own tests (TextMate grammar on
the example specs, the language client's launch settings), from a clean copy."""

from __future__ import annotations

import shutil
import subprocess

from tests.conftest import REPO, require_tool

EXTENSION = REPO / "editors" / "vscode"
BUILD_OUTPUTS = ("node_modules", "dist", "out")


def npm(args: list[str], cwd) -> None:
    done = subprocess.run([require_tool("npm"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"npm {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def test_extension_builds_packages_and_passes_its_tests(tmp_path):
    # The extension's tests read the example specs two folders up, as in the repository.
    copy = tmp_path / "editors" / "vscode"
    shutil.copytree(EXTENSION, copy, ignore=shutil.ignore_patterns(*BUILD_OUTPUTS))
    for folder in ("specs", "stdlib", "fixtures"):
        (tmp_path / folder).symlink_to(REPO / folder)
    npm(["ci", "--no-audit", "--no-fund"], copy)
    npm(["run", "build"], copy)
    assert (copy / "dist" / "xspec.vsix").stat().st_size > 0
    npm(["test"], copy)
