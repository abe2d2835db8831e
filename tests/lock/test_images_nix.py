"""Image digests (skopeo, crane) and nixpkgs pins (nix), with local inputs only."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.lock.conftest import run_cli
from xspec.lock import tools
from xspec.lock.images import resolve_image
from xspec.lock.lockfile import read_lock
from xspec.lock.nix import resolve_nixpkgs
from xspec.lock.tools import ToolError


def _blob(layout: Path, data: bytes) -> dict:
    digest = hashlib.sha256(data).hexdigest()
    (layout / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def oci_layout(folder: Path, tag: str) -> str:
    """A one-layer OCI image layout on disk; returns its manifest digest."""
    (folder / "blobs" / "sha256").mkdir(parents=True)
    (folder / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')
    layer = _blob(folder, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00")
    config = _blob(folder, json.dumps({"architecture": "amd64", "os": "linux",
                                       "rootfs": {"type": "layers", "diff_ids": []}}).encode())
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                       **layer}]}).encode()
    entry = _blob(folder, manifest)
    (folder / "index.json").write_text(json.dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json", **entry,
        "annotations": {"org.opencontainers.image.ref.name": tag}}]}))
    return entry["digest"]


def test_skopeo_gives_the_manifest_digest_of_a_tag(tmp_path):
    require_tool("skopeo")
    digest = oci_layout(tmp_path / "image", "v1")
    assert resolve_image(f"oci:{tmp_path / 'image'}:v1", timeout=60) == digest


def test_a_pinned_image_needs_no_tool(monkeypatch):
    monkeypatch.setattr(tools, "find_tool", lambda name: None)
    digest = "sha256:" + "ab" * 32
    assert resolve_image(f"docker.io/library/python:3.11@{digest}") == digest


def test_without_skopeo_or_crane_a_tag_is_a_clear_error(monkeypatch):
    monkeypatch.setattr("xspec.lock.images.find_tool", lambda name: None)
    with pytest.raises(ToolError) as caught:
        resolve_image("python:3.11")
    message = str(caught.value)
    assert "neither skopeo nor crane is installed" in message
    assert "python:3.11@sha256:<digest>" in message


def _fake_tool(folder: Path, name: str, script: str) -> None:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_crane_is_used_when_skopeo_is_missing(tmp_path, monkeypatch):
    digest = "sha256:" + "cd" * 32
    _fake_tool(tmp_path / "bin", "crane", f'[ "$1" = digest ] && [ "$2" = "python:3.11" ] && echo {digest}\n')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(tools.sys, "executable", str(tmp_path / "bin" / "python"))
    assert resolve_image("python:3.11") == digest


def test_a_tool_that_hangs_is_stopped_by_its_timeout(tmp_path, monkeypatch):
    _fake_tool(tmp_path / "bin", "crane", f"exec {shutil.which('sleep')} 30\n")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(tools.sys, "executable", str(tmp_path / "bin" / "python"))
    started = time.monotonic()
    with pytest.raises(ToolError) as caught:
        resolve_image("python:3.11", timeout=0.5)
    assert "did not finish in 0.5 s" in str(caught.value)
    assert time.monotonic() - started < 20        # killed, not waited for (30 s)


def test_lock_records_the_image_digest(project, monkeypatch):
    require_tool("skopeo")
    digest = oci_layout(project / "image", "v1")
    text = (project / "envs.xspec").read_text().replace(
        'env bare {\n  python = "3.11.7"', f'env bare {{\n  python = "3.11.7"\n  image = "oci:{project}/image:v1"')
    (project / "envs.xspec").write_text(text)
    assert run_cli("lock", "--platform", "x86_64-manylinux_2_28") == 0
    assert read_lock(project / "xspec.lock").envs["bare"].image_digest == digest


# ---- nix ---------------------------------------------------------------------------------

@pytest.fixture
def nix(monkeypatch):
    require_tool("nix")
    monkeypatch.setenv("NIX_CONFIG", "experimental-features = nix-command flakes\nbuild-users-group =")


def _flake(folder: Path) -> Path:
    folder.mkdir()
    (folder / "flake.nix").write_text("{ outputs = _: { lib.answer = 42; }; }\n")
    (folder / "default.nix").write_text("{ }: { }\n")
    return folder


def _nar_hash(folder: Path) -> str:
    done = subprocess.run(["nix", "hash", "path", "--type", "sha256", "--sri", str(folder)],
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_path_flake_gets_its_nar_hash(tmp_path, nix):
    folder = _flake(tmp_path / "nixpkgs")
    rev, nar_hash = resolve_nixpkgs(f"path:{folder}", timeout=120)
    assert rev is None
    assert nar_hash == _nar_hash(folder)


def test_a_git_flake_gets_its_commit_and_nar_hash(tmp_path, nix):
    folder = _flake(tmp_path / "nixpkgs")
    git = ["git", "-C", str(folder), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "pin"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    rev, nar_hash = resolve_nixpkgs(f"git+file://{folder}", timeout=120)
    assert rev == head
    tracked = shutil.copytree(folder, tmp_path / "tracked", ignore=shutil.ignore_patterns(".git"))
    assert nar_hash == _nar_hash(tracked)         # the NAR of the committed files, .git left out


def test_lock_records_nixpkgs_and_keeps_it(project, nix, monkeypatch):
    folder = _flake(project.parent / "nixpkgs")
    text = (project / "envs.xspec").read_text().replace(
        'env bare {\n  python = "3.11.7"', f'env bare {{\n  python = "3.11.7"\n  nixpkgs = "path:{folder}"')
    (project / "envs.xspec").write_text(text)
    assert run_cli("lock", "--platform", "x86_64-manylinux_2_28") == 0
    assert read_lock(project / "xspec.lock").envs["bare"].nixpkgs_nar_hash == _nar_hash(folder)
    before = (project / "xspec.lock").read_bytes()
    monkeypatch.setattr(tools, "find_tool", lambda name: None)    # a re-lock needs neither nix nor uv
    assert run_cli("lock", "--platform", "x86_64-manylinux_2_28") == 0
    assert (project / "xspec.lock").read_bytes() == before


def test_a_missing_nix_is_named(project, monkeypatch, capsys):
    monkeypatch.setattr(tools, "find_tool", lambda name: None if name == "nix" else os.devnull)
    text = (project / "envs.xspec").read_text().replace(
        'env bare {\n  python = "3.11.7"', 'env bare {\n  python = "3.11.7"\n  nixpkgs = "path:/nowhere"')
    (project / "envs.xspec").write_text(text)
    assert run_cli("lock", "--platform", "x86_64-manylinux_2_28") == 1
    out = capsys.readouterr().out
    assert "error[LCK009]: cannot pin nixpkgs of env 'bare': `nix` is not installed" in out
    assert "apt-get install nix-bin" in out
