"""What an image or shell installs: base image, apt packages, Python requirements.

Docker, Apptainer and Nix share these rules. Without the lock they refuse (BLD004),
unless ``--allow-unlocked``: then they install from the spec's own pins, without
hashes, and say so in their header.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xspec.backends.common import BackendError, Options, comment_block, header_lines, refuse, sh
from xspec.backends.runner import Platform, runner_body

RUNNER_FILE = "xspec-job.sh"
REQUIREMENTS_FILE = "requirements.lock"
# 1980-01-01: the earliest time a zip archive (a wheel) can hold; 0 breaks zipfile.
SOURCE_DATE_EPOCH = 315532800
_APT = re.compile(r"^[a-z0-9][a-z0-9+.-]*(:[a-z0-9]+)?(=[A-Za-z0-9.+~:-]+)?$")
_PYTHON_VERSION = re.compile(r"[0-9]+(\.[0-9]+){0,2}([a-z]+[0-9]*)?")
_HASH_OPTION = re.compile(r"--hash=sha256:[0-9a-f]{64}")


@dataclass
class InstallPlan:
    image: str | None
    apt: list[str]
    requirements: str | None           # the requirements file, None when there are no packages
    hashed: bool
    python: str | None
    notes: list[str] = field(default_factory=list)   # UNLOCKED warnings for the header
    index_url: str | None = None       # the env's package index (pip's default: PyPI)

    @property
    def index_flag(self) -> str:
        """`--index-url URL ` for pip and uv when the env names an index, else nothing."""
        return f"--index-url {sh(self.index_url)} " if self.index_url else ""

    def header(self, ir: dict, experiment: dict) -> list[str]:
        return header_lines(ir, experiment) + self.notes


def install_plan(experiment: dict, options: Options, need_image: bool = True) -> InstallPlan:
    env = experiment["env"]
    notes: list[str] = []
    image = _base_image(env, options, notes) if need_image else None
    requirements = None
    if env["packages"]:
        if not env["locked"]:
            _unlocked(options, f"env `{env['name']}` has packages but no entry in xspec.lock", notes,
                      "packages are installed from the spec's pins, WITHOUT hashes")
        requirements = checked_requirements(env)
    return InstallPlan(image, [_apt(name) for name in env["system"]], requirements,
                       env["locked"], env["python"], notes, _index_url(env))


def _index_url(env: dict) -> str | None:
    from xspec.types import slots

    url = env.get("index_url")
    if url is not None:
        refuse(slots.index_url(url))
    return url


def _base_image(env: dict, options: Options, notes: list[str]) -> str:
    image = env["image"]
    if options.base_image:
        spec_image = image["pinned"] or image["ref"] if image else "none"
        notes.append(f"BASE IMAGE (--base-image): {options.base_image}, not the env's {spec_image}.")
        return options.base_image
    if image is None:
        raise BackendError("BLD005", f"env `{env['name']}` has no image and no python version "
                           "to start one from", ("give the env `image = \"...@sha256:...\"`",))
    if image["pinned"]:
        return image["pinned"]
    from xspec.backends.k8s import pin_image_hint, unpinned_image

    _unlocked(options, unpinned_image(env), notes, f"the base image {image['ref']} is NOT pinned by digest",
              pin_image_hint(env))
    return image["ref"]


def _unlocked(options: Options, problem: str, notes: list[str], note: str,
              fix: str = "run `xspec lock`") -> None:
    if not options.allow_unlocked:
        raise BackendError("BLD004", problem, (
            f"{fix}; or pass --allow-unlocked to build from the spec's pins without hashes",))
    notes.append(f"UNLOCKED (--allow-unlocked): {note}.")


def _apt(name: str) -> str:
    if not _APT.match(name):
        raise BackendError("BLD006", f"system package {name!r} is not an apt package name "
                           "(`name` or `name=version`)")
    return name


def checked_requirements(env: dict) -> str:
    """The env's requirements file, refused unless every package is a PEP 508 name with a
    PEP 440 specifier and every line is one requirement with its hashes: a line such as
    `--index-url URL` or `--find-links DIR` would change where pip gets its code."""
    from xspec.types import slots

    for package in env["packages"]:
        refuse(slots.package_name(package["name"]))
        refuse(slots.package_specifier(package["name"], package["specifier"] or ""))
        bad = [h for h in package["hashes"] if not _HASH_OPTION.fullmatch(f"--hash={h}")]
        if bad:
            raise BackendError("BLD006", f"package {package['name']!r} has the malformed hash {bad[0]!r}")
    names = {_normal(p["name"].split("[", 1)[0]) for p in env["packages"]}
    for line in _logical_lines(env["requirements"]):
        _check_requirement(line, names)
    return env["requirements"]


def _logical_lines(text: str) -> list[str]:
    """The lines pip reads: split as str.splitlines() does (pip does that too), a backslash
    at the end joins the next line, `#` lines are comments."""
    lines, current = [], ""
    for line in text.splitlines():
        current += line
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        lines.append(current)
        current = ""
    lines.append(current)
    return [line for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _check_requirement(line: str, names: set[str]) -> None:
    from packaging.requirements import InvalidRequirement, Requirement

    words = line.split()
    options = [w for w in words if w.startswith("-")]
    requirement = " ".join(w for w in words if not w.startswith("-"))
    try:
        name = _normal(Requirement(requirement).name)
    except InvalidRequirement:
        name = None
    if name not in names or not all(_HASH_OPTION.fullmatch(o) for o in options):
        raise BackendError("BLD006", f"the requirements line {line.strip()!r} is not one of the env's "
                           "packages with its hashes", ("run `xspec lock` again",))


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def local_platform(name: str, project: str) -> Platform:
    """The runner inside an image or a Nix shell: the index is its first argument."""
    return Platform(
        name=name, index='"${1:-${XSPEC_JOB_INDEX:-}}"', project=project,
        runs='"${XSPEC_RUNS_DIR:-$xspec_project/runs}"',
        run_id='"${XSPEC_RUN_ID:-$(date -u +%Y%m%dT%H%M%SZ)-$$}"',
        id_vars=("XSPEC_RUN_ID",))


def runner_script(ir: dict, experiment: dict, platform: str, project: str) -> str:
    """The runner as a file of its own (xspec-job.sh in an image or a flake)."""
    return ("#!/bin/bash\n" + comment_block(header_lines(ir, experiment)) + "set -euo pipefail\n"
            + runner_body(ir, experiment, local_platform(platform, project)))


OPT = "/opt/xspec"   # where images keep the runner and the requirements


def apt_commands(packages: list[str]) -> list[str]:
    """Install pinned system packages and drop apt's lists, as shell commands."""
    return ["apt-get update",
            "apt-get install -y --no-install-recommends " + " ".join(sh(p) for p in packages),
            "rm -rf /var/lib/apt/lists/*"]


def python_commands(plan: InstallPlan) -> list[str]:
    """Check the interpreter's version, then install the requirements (hash-checked
    when locked), as shell commands shared by the Dockerfile and the Apptainer %post."""
    commands = []
    check = python_check(plan.python)
    if check:
        commands.append(f"python -c {sh(check)}")
    if plan.requirements is not None:
        flags = "--no-deps --require-hashes " if plan.hashed else ""
        commands.append(f"python -m pip install --no-cache-dir {plan.index_flag}{flags}"
                        f"-r {OPT}/{REQUIREMENTS_FILE}")
    return commands


def python_check(version: str | None) -> str | None:
    """A Python one-liner that fails when the interpreter is not the spec's version.

    Only the components the spec gives are compared: `"3.8"` accepts any 3.8.x (PIN008
    warns that it is inexact, but a spec that checks clean must build), `"3.11.2"` only
    3.11.2. The build, not the lock, decides this: the lock records no interpreter."""
    if not version:
        return None
    if not _PYTHON_VERSION.fullmatch(version):
        raise BackendError("BLD006", f"the Python version {version!r} is not a version number")
    count = version.count(".") + 1
    return (f'import sys; v = sys.version.split()[0]; '
            f'assert ".".join(v.split(".")[:{count}]) == "{version}", "python " + v + ", the spec says {version}"')
