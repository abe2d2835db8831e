"""A short `python` version ("3.11", as MLflow and conda files give) builds and passes.

PIN008 warns that it is inexact, but the spec checks clean, so its Dockerfile, Apptainer
definition and Nix flake must work: the interpreter check compares only the components
the spec gives (docs/build.md). The Dockerfile's and the %post's check commands are run
here with a real interpreter; the flake is evaluated with nix against the nixpkgs stub
(its python311 is 3.11.9).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.build.support import NIX_CONFIG, NIX_STUB, compile_files
from tests.conftest import require_tool

SPEC = """xspec 1

env pinned {
  python  = "VERSION"
  image   = "docker.io/library/python:3.11-slim@sha256:0000000000000000000000000000000000000000000000000000000000000000"
  nixpkgs = "github:NixOS/nixpkgs/0000000000000000000000000000000000000000"
}

experiment one {
  env  = pinned
  seed = 1
  run  = ["python3", "-c", "print(1)"]
}
"""
RUNNING = ".".join(map(str, sys.version_info[:3]))      # this interpreter, e.g. 3.11.7
MAJOR_MINOR = ".".join(map(str, sys.version_info[:2]))
OTHER_MINOR = f"{sys.version_info[0]}.{sys.version_info[1] + 1}"
OTHER_PATCH = f"{MAJOR_MINOR}.{sys.version_info[2] + 1}"


def compiled(tmp_path: Path, version: str) -> dict[str, str]:
    (tmp_path / "xspec.toml").write_text("")
    (tmp_path / "p.xspec").write_text(SPEC.replace("VERSION", version))
    result = compile_files(tmp_path / "p.xspec", ["docker", "apptainer", "nix"], allow_unlocked=True)
    assert not result.failed, result.diagnostics
    return result.files


def check_commands(files: dict[str, str]) -> list[str]:
    """The interpreter checks of the Dockerfile's RUN and of the Apptainer %post."""
    found = [re.search(r"python -c ('[^']*')", files[name]).group(1)
             for name in ("docker/one/Dockerfile", "apptainer/one/one.def")]
    assert len(found) == 2
    return found


def run_check(quoted: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", shlex.split(quoted)[0]], capture_output=True, text=True)


@pytest.mark.parametrize("version", [MAJOR_MINOR, RUNNING, str(sys.version_info[0])])
def test_the_image_check_accepts_the_interpreter_the_spec_names(tmp_path, version):
    for command in check_commands(compiled(tmp_path, version)):
        result = run_check(command)
        assert result.returncode == 0, (version, command, result.stderr)


@pytest.mark.parametrize("version", [OTHER_MINOR, OTHER_PATCH])
def test_the_image_check_refuses_another_interpreter(tmp_path, version):
    for command in check_commands(compiled(tmp_path, version)):
        result = run_check(command)
        assert result.returncode == 1
        assert f"python {RUNNING}, the spec says {version}" in result.stderr


@pytest.mark.parametrize("version, warned", [("3.11", False), ("3.11.9", False), ("3.11.2", True)])
def test_the_flake_warns_only_when_nixpkgs_has_another_python(tmp_path, version, warned):
    tool = require_tool("nix")
    compiled_files = compiled(tmp_path, version)
    flake = tmp_path / "flake"
    flake.mkdir()
    (flake / "flake.nix").write_text(compiled_files["nix/one/flake.nix"])
    (flake / "xspec-job.sh").write_text(compiled_files["nix/one/xspec-job.sh"])
    result = subprocess.run(
        [tool, "eval", "--json", f"path:{flake}#devShells.x86_64-linux.default.XSPEC_PYTHON",
         "--override-input", "nixpkgs", f"path:{NIX_STUB}", "--no-write-lock-file"],
        capture_output=True, text=True, env={**os.environ, "NIX_CONFIG": NIX_CONFIG}, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith('python3-3.11.9/bin/python3"')
    message = f"xspec: nixpkgs has Python 3.11.9, the spec asks for {version}"
    assert (message in result.stderr) == warned, result.stderr
