"""Resolving packages with uv, offline against wheels written by the tests."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.lock.conftest import add_wheels
from tests.lock.wheels import sha256_of, write_wheel
from xspec.lock.lockfile import LockedEnv, requirements_text
from xspec.lock.resolver import (ResolveError, ResolveOptions, merge_platforms, parse_compiled,
                                 platform_marker, requirement_line, resolve_env)
from xspec.lock.tools import ToolError

X86, ARM = "x86_64-manylinux_2_28", "aarch64-manylinux_2_28"


def options(folder: Path, *platforms: str, **extra) -> ResolveOptions:
    return ResolveOptions(platforms=platforms or (X86,), find_links=[folder], no_index=True, **extra)


def by_name(packages):
    return {(p.name, p.markers): p for p in packages}


def test_transitive_dependencies_are_pinned_with_the_wheels_hashes(tmp_path, uv):
    wheels = add_wheels(tmp_path)
    packages = resolve_env("app", "3.11.7", {"alpha": "==1.0"}, None, options(tmp_path))
    found = {p.name: p for p in packages}
    assert sorted(found) == ["alpha", "beta", "gamma"]
    assert found["gamma"].version == "2.0"                 # beta needs gamma<3
    assert found["alpha"].hashes == [sha256_of(wheels["alpha"])]
    assert found["gamma"].hashes == [sha256_of(wheels["gamma2"])]
    assert [p.name for p in packages if p.direct] == ["alpha"]


def test_platforms_that_disagree_get_markers(tmp_path, uv):
    wheels = add_wheels(tmp_path)
    packages = by_name(resolve_env("app", "3.11.7", {"epsilon": "", "delta": ">=0.1"}, None,
                                   options(tmp_path, X86, ARM)))
    assert packages[("delta", None)].version == "0.5"
    x86 = packages[("epsilon", platform_marker(X86))]
    arm = packages[("epsilon", platform_marker(ARM))]
    assert (x86.version, arm.version) == ("1.0", "0.9")
    assert x86.hashes == [sha256_of(wheels["epsilon_x86"])]
    assert platform_marker(X86) == "platform_machine == 'x86_64' and sys_platform == 'linux'"


def test_existing_pins_are_kept_until_an_upgrade_is_asked_for(tmp_path, uv):
    add_wheels(tmp_path)
    first = resolve_env("app", "3.11.7", {"alpha": ""}, None, options(tmp_path))
    write_wheel(tmp_path, "gamma", "2.5")                  # a newer gamma<3 appears
    previous = LockedEnv("app", packages=first)
    kept = {p.name: p.version for p in resolve_env("app", "3.11.7", {"alpha": ""}, None,
                                                    options(tmp_path), previous)}
    assert kept["gamma"] == "2.0"
    moved = {p.name: p.version for p in resolve_env(
        "app", "3.11.7", {"alpha": ""}, None, options(tmp_path, upgrade_packages=("gamma",)), previous)}
    assert moved["gamma"] == "2.5"
    fresh = {p.name: p.version for p in resolve_env(
        "app", "3.11.7", {"alpha": ""}, None, options(tmp_path, upgrade=True), previous)}
    assert fresh["gamma"] == "2.5"


def test_an_impossible_request_is_a_clear_error(tmp_path, uv):
    add_wheels(tmp_path)
    with pytest.raises(ToolError) as caught:
        resolve_env("app", "3.11.7", {"alpha": "==9.9"}, None, options(tmp_path))
    assert "uv pip compile" in str(caught.value)
    assert "alpha" in str(caught.value)


def _install(uv_path: str, wheels: Path, requirements: Path, target: Path):
    return subprocess.run([uv_path, "pip", "install", "--require-hashes", "--no-index", "--no-deps",
                           "--find-links", str(wheels), "--target", str(target), "--python-version",
                           "3.11", "-r", str(requirements)], capture_output=True, text=True)


def test_a_tampered_wheel_is_refused_by_the_hashes(tmp_path, uv, monkeypatch):
    wheels_dir = tmp_path / "wheels"
    wheels = add_wheels(wheels_dir)
    packages = resolve_env("app", "3.11.7", {"alpha": "==1.0"}, None, options(wheels_dir))
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(requirements_text(LockedEnv("app", packages=packages)))
    monkeypatch.setenv("UV_NO_CACHE", "1")
    good = _install(uv, wheels_dir, requirements, tmp_path / "good")
    assert good.returncode == 0, good.stderr
    assert (tmp_path / "good" / "gamma" / "__init__.py").is_file()
    # Same name, same version, different content: what a compromised mirror would serve.
    wheels["beta"].unlink()
    write_wheel(wheels_dir, "beta", "1.2", ("gamma<3", "delta"))
    bad = _install(uv, wheels_dir, requirements, tmp_path / "bad")
    assert bad.returncode != 0
    assert "hash" in bad.stderr.lower()


def test_parse_compiled_reads_pins_extras_and_hashes():
    text = ("# header\nJAX[cuda12]==0.4.30 \\\n    --hash=sha256:" + "a" * 64 + " \\\n"
            "    --hash=sha256:" + "b" * 64 + "\n    # via -r req.in\nzope.interface==6.0\n")
    assert parse_compiled(text) == {"jax": ("0.4.30", ["sha256:" + "a" * 64, "sha256:" + "b" * 64]),
                                    "zope-interface": ("6.0", [])}


def test_parse_compiled_refuses_direct_urls():
    with pytest.raises(ResolveError):
        parse_compiled("foo @ https://example.org/foo-1.0.tar.gz\n")


@pytest.mark.parametrize("name, spec, line", [
    ("torch", "==2.3.1", "torch==2.3.1"), ("numpy", "", "numpy"), ("numpy", "*", "numpy"),
    ("numpy", "1.26.4", "numpy==1.26.4"), ("scipy", ">=1.10,<2", "scipy>=1.10,<2"),
    ("jax[cuda12]", "==0.4.30", "jax[cuda12]==0.4.30"),
])
def test_requirement_lines(name, spec, line):
    assert requirement_line(name, spec) == line


def test_merge_marks_a_package_missing_on_one_platform():
    merged = merge_platforms({X86: {"a": ("1", ["h1"]), "b": ("2", ["h2"])}, ARM: {"a": ("1", ["h3"])}},
                             {"a"})
    entries = by_name(merged)
    assert entries[("a", None)].hashes == ["h1", "h3"]
    assert entries[("b", platform_marker(X86))].version == "2"
