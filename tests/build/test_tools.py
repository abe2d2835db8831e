"""Every compiled file, checked by the tool that consumes it (docs/targets.md lists them)."""

from __future__ import annotations

import json
import os
import re
import subprocess

import pytest
import yaml

from tests.build.support import NIX_CONFIG, NIX_STUB
from tests.conftest import require_tool

K8S_VERSION = "1.33"
# Warnings and errors fail. The example specs are held to style level too; hostile
# values legitimately trip info-level quoting heuristics (SC2016 "expressions don't
# expand in single quotes", SC1003): single-quoting `$(...)` is how it stays data.
STRICT = ("-S", "style")


def shellcheck(path_or_text, shell: str = "bash", name: str = "script", strict: bool = False) -> None:
    tool = require_tool("shellcheck")
    flags = STRICT if strict else ("-S", "warning")
    if isinstance(path_or_text, str):
        result = subprocess.run([tool, *flags, "-s", shell, "-"], input=path_or_text,
                                capture_output=True, text=True)
    else:
        result = subprocess.run([tool, *flags, str(path_or_text)], capture_output=True, text=True)
    assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"


# ---- shell -------------------------------------------------------------------------------------

def test_shell_scripts_pass_shellcheck(built, spec_name):
    scripts = [p for t in ("slurm", "docker", "apptainer", "nix") for p in built[spec_name].files(t)
               if p.suffix in (".sbatch", ".sh")]
    assert any(p.suffix == ".sbatch" for p in scripts)
    for script in scripts:
        shellcheck(script, strict=spec_name != "hostile.xspec")


def test_apptainer_post_and_environment_pass_shellcheck(built, spec_name):
    for definition in built[spec_name].files("apptainer", ".def"):
        sections = apptainer_sections(definition.read_text())
        assert sections["header"][:2] == ["Bootstrap: docker", sections["header"][1]]
        assert re.match(r"^From: \S+@sha256:[0-9a-f]{64}$|^From: \S+:\S+$", sections["header"][1])
        shellcheck("#!/bin/sh\n" + "\n".join(sections["post"]) + "\n", "sh", f"{definition} %post")
        shellcheck("#!/bin/sh\n" + "\n".join(sections["environment"]) + "\n", "sh",
                   f"{definition} %environment")
        for line in sections["files"]:
            assert (definition.parent / line.split()[0]).is_file(), line


def apptainer_sections(text: str) -> dict[str, list[str]]:
    sections, current = {"header": []}, "header"
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("%"):
            current = line[1:].strip()
            sections[current] = []
        else:
            sections[current].append(line[4:] if current != "header" else line)
    return sections


def test_kubernetes_objects_validate_strictly(built, spec_name):
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    files = built[spec_name].files("k8s", ".yaml")
    if not files:
        pytest.skip("no k8s target for this spec")
    for path in files:
        documents = list(yaml.safe_load_all(path.read_text()))
        assert [d["kind"] for d in documents] == ["ConfigMap", "Job"]
        for document in documents:
            kubernetes_validate.validate(document, K8S_VERSION, strict=True)
        shellcheck(documents[0]["data"]["xspec-job.sh"], name=f"{path} ConfigMap")


def test_dockerfiles_pass_hadolint(built, spec_name):
    tool = require_tool("hadolint")
    for path in built[spec_name].files("docker", "Dockerfile"):
        result = subprocess.run([tool, "--failure-threshold", "warning", "-f", "json", str(path)],
                                capture_output=True, text=True)
        assert result.returncode == 0 and json.loads(result.stdout) == [], result.stdout


# ---- Nix ------------------------------------------------------------------------------------------

def nix_eval(flake_dir, attribute: str):
    tool = require_tool("nix")
    result = subprocess.run(
        [tool, "eval", "--json", f"path:{flake_dir}#{attribute}", "--override-input", "nixpkgs",
         f"path:{NIX_STUB}", "--no-write-lock-file"],
        capture_output=True, text=True, env={**os.environ, "NIX_CONFIG": NIX_CONFIG}, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_flakes_parse(built, spec_name):
    tool = require_tool("nix-instantiate")
    for path in built[spec_name].files("nix", "flake.nix"):
        result = subprocess.run([tool, "--parse", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_flakes_evaluate_offline(built, spec_name):
    flakes = [p.parent for p in built[spec_name].files("nix", "flake.nix")]
    if not flakes:
        pytest.skip("the env has no nixpkgs pin")
    for flake in flakes:
        app = nix_eval(flake, "apps.x86_64-linux.default")
        assert app["type"] == "app" and app["program"].endswith(f"/bin/xspec-{flake.name}")
        shell = nix_eval(flake, "devShells.x86_64-linux.default")
        assert shell["XSPEC_PYTHON"].endswith("/bin/python3")
        text = nix_eval(flake, "packages.x86_64-linux.default.text")   # the app's script
        shellcheck("#!/bin/bash\n" + text, name=f"{flake} app", strict=True)


def test_flake_lock_pins_the_locked_commit(built, spec_name):
    from xspec.lock.lockfile import read_lock

    lock = read_lock(next(built[spec_name].spec.parent.glob("xspec.lock"), None)
                     or built[spec_name].spec.parents[1] / "xspec.lock")
    for path in built[spec_name].files("nix", "flake.lock"):
        node = json.loads(path.read_text())["nodes"]["nixpkgs"]
        env = next(e for e in lock.envs.values() if e.nixpkgs_rev == node["locked"]["rev"])
        assert node["locked"]["narHash"] == env.nixpkgs_nar_hash and node["locked"]["type"] == "github"
