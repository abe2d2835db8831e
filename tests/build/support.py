"""Shared helpers for the build tests: temporary projects, test locks, compiling."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO, SPECS

BUILD_FIXTURES = FIXTURES / "build"
NIX_STUB = BUILD_FIXTURES / "nix-stub"
NIX_CONFIG = "experimental-features = nix-command flakes\nbuild-users-group ="


def copy_project(tmp: Path, spec: Path) -> Path:
    """A copy of the project a spec belongs to, under ``tmp``; returns the copied spec."""
    from xspec.resolve.loader import project_root

    root = project_root(spec.resolve())
    if root == REPO:            # the examples: copy specs/ only, and mark the copy as a project
        shutil.copytree(SPECS, tmp / "specs")
        (tmp / "xspec.toml").write_text("")
        return tmp / spec.resolve().relative_to(REPO)
    shutil.copytree(root, tmp / root.name)
    return tmp / root.name / spec.resolve().relative_to(root)


def fake_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def write_test_lock(spec: Path) -> Path:
    """An xspec.lock for the spec's project, in the lock module's format (via its writer).

    Package hashes and the narHash are made up (no network here), but well-formed;
    images keep the spec's digest. Good for compiling, not for installing.
    """
    from xspec import api
    from xspec.diagnostics import DiagnosticBag
    from xspec.lock.lockfile import Lock, LockedData, write_lock
    from xspec.lock.project import projects

    result = api.check(spec)
    project = projects(result, DiagnosticBag())[0]
    from xspec.lock.config import resolve_options

    platforms = list(resolve_options(project.root).platforms)
    envs = {name: _locked_env(env, project.spec_of.get(("env", name)), platforms)
            for name, env in project.envs.items()}
    data = {name: LockedData(name, d.sha256 or fake_hash(name)[7:], d.size, spec=project.spec_of.get(("data", name)),
                             url=d.url, path=d.path, version=d.version, declared=d.sha256 is not None)
            for name, d in project.data.items()}
    from xspec import __version__

    lock = Lock(1, __version__, "", project.specs, envs, data)
    write_lock(project.lock_path, lock)
    return project.lock_path


def _locked_env(env, spec_path, platforms):
    from xspec.ir.environment import parse_image
    from xspec.lock.lockfile import LockedEnv, LockedPackage

    packages = [LockedPackage(name.split("[")[0], pin.lstrip("="), [fake_hash(f"{name}{pin}")], True)
                for name, pin in sorted(env.packages.items())]
    digest = parse_image(env.image)[2] if env.image else None
    rev = env.nixpkgs.rsplit("/", 1)[1] if env.nixpkgs else None
    nar = "sha256-" + base64.b64encode(hashlib.sha256((rev or "").encode()).digest()).decode() if rev else None
    return LockedEnv(env.name, env.python, platforms, packages, env.image, digest,
                     env.nixpkgs, rev, nar, spec=spec_path, requirements=dict(env.packages),
                     system=list(env.system), index_url=env.index_url)


def compile_files(spec: Path, targets=("all",), allow_unlocked=False, build_dir="build"):
    """The pipeline's result for ``spec`` (in-process)."""
    from xspec.backends.common import Options
    from xspec.backends.pipeline import compile_spec

    return compile_spec(spec, list(targets), Options(allow_unlocked=allow_unlocked, build_dir=build_dir))


def run_xspec(args: list[str], cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m xspec ARGS` in a fresh interpreter."""
    environment = {**os.environ, "PYTHONPATH": str(REPO / "compiler"), **(env or {})}
    return subprocess.run([sys.executable, "-m", "xspec", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=120)
