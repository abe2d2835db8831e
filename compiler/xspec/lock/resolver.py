"""Python packages: ``uv pip compile --generate-hashes``, once per env and platform.

uv resolves the env's packages for its Python version and each target platform;
the per-platform results are merged into one list. A package that resolves the
same everywhere gets one entry; one that differs gets an entry per version with
PEP 508 markers naming its platforms. Existing pins are passed to uv as its
output file, which uv treats as preferences, so a re-lock keeps them unless told
to upgrade.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from xspec.lock.lockfile import LockedEnv, LockedPackage, requirements_text
from xspec.lock.tools import run_tool

DEFAULT_PLATFORMS = ("x86_64-manylinux_2_28", "aarch64-manylinux_2_28")
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==(\S+?)(\s*;.*?)?\s*\\?$")
_HASH = re.compile(r"^\s*--hash=(sha256:[0-9a-f]{64})\s*\\?$")
_OPERATOR = re.compile(r"^\s*(==|!=|<=|>=|<|>|~=|===|@|;|\[)")


class ResolveError(Exception):
    """uv could not resolve an env; ``details`` is uv's own explanation."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


@dataclass
class ResolveOptions:
    platforms: tuple[str, ...] = DEFAULT_PLATFORMS
    find_links: list[Path] = field(default_factory=list)
    no_index: bool = False
    upgrade: bool = False
    upgrade_packages: tuple[str, ...] = ()
    timeout: float = 600


def normalize_name(name: str) -> str:
    """PEP 503: lowercase, runs of ``-_.`` become one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_line(name: str, specifier: str) -> str:
    """``torch`` + ``"==2.3.1"`` -> ``torch==2.3.1``; a bare version means ``==``."""
    spec = specifier.strip()
    if spec in ("", "*"):
        return name
    if not _OPERATOR.match(spec):
        spec = "==" + spec
    return name + spec


# ---- running uv --------------------------------------------------------------------

def resolve_env(name: str, python: str, requirements: dict[str, str], index_url: str | None,
                options: ResolveOptions, previous: LockedEnv | None = None,
                progress: Callable[[str], None] = lambda m: None) -> list[LockedPackage]:
    """Every package of one env, transitively, pinned with hashes, for all platforms."""
    per_platform = {}
    for platform in sorted(options.platforms):
        progress(f"resolving env {name} (Python {python}, {platform})")
        per_platform[platform] = _compile(requirements, python, platform, index_url, options, previous)
    direct = {normalize_name(_base_name(r)) for r in requirements}
    return merge_platforms(per_platform, direct)


def _compile(requirements, python, platform, index_url, options, previous) -> dict:
    with tempfile.TemporaryDirectory(prefix="xspec-lock-") as folder:
        work = Path(folder)
        source, output = work / "requirements.in", work / "requirements.txt"
        source.write_text("".join(requirement_line(n, s) + "\n" for n, s in sorted(requirements.items())))
        if previous is not None and not options.upgrade:
            output.write_text(requirements_text(_for_platform(previous, platform)))
        args = _uv_args(source, output, python, platform, index_url, options)
        run_tool("uv", args, timeout=options.timeout, cwd=work, why="resolve Python packages",
                 label=f"uv pip compile (Python {python}, {platform})")
        return parse_compiled(output.read_text())


def _uv_args(source, output, python, platform, index_url, options) -> list[str]:
    args = ["pip", "compile", str(source), "-o", str(output), "--generate-hashes", "--no-header",
            "--no-annotate", "--quiet", "--python-version", python, "--python-platform", platform]
    if options.no_index:
        args.append("--no-index")
    elif index_url:
        args += ["--index-url", index_url]
    for folder in options.find_links:
        args += ["--find-links", str(folder)]
    if options.upgrade:
        args.append("--upgrade")
    for package in options.upgrade_packages:
        args += ["--upgrade-package", package]
    return args


def _for_platform(env: LockedEnv, platform: str) -> LockedEnv:
    marker = platform_marker(platform)
    kept = [p for p in env.packages if p.markers is None or marker in p.markers]
    return LockedEnv(env.name, packages=[LockedPackage(p.name, p.version, p.hashes) for p in kept])


# ---- reading uv's output ---------------------------------------------------------------

def parse_compiled(text: str) -> dict[str, tuple[str, list[str]]]:
    """``name -> (version, hashes)`` from a ``uv pip compile --generate-hashes`` file."""
    packages: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        pin, hashed = _PIN.match(line), _HASH.match(line)
        if pin:
            current = normalize_name(pin.group(1))
            packages[current] = (pin.group(3), [])
        elif hashed and current:
            packages[current][1].append(hashed.group(1))
        elif not line.startswith((" ", "\t", "-")):
            raise ResolveError(f"cannot pin {line.strip()!r}: xspec locks only packages "
                               "from an index or --find-links, not direct URLs")
    return packages


def _base_name(requirement: str) -> str:
    return re.split(r"[\[\s;=<>!~@]", requirement, maxsplit=1)[0]


# ---- merging platforms -----------------------------------------------------------------

_ARCH = {"x86_64": "x86_64", "aarch64": "aarch64", "arm64": "arm64", "i686": "i686",
         "riscv64": "riscv64"}
_OS = (("windows", "win32"), ("darwin", "darwin"), ("macos", "darwin"), ("linux", "linux"),
       ("android", "android"), ("ios", "ios"))


def platform_marker(platform: str) -> str:
    """PEP 508 markers selecting a uv ``--python-platform`` value, e.g. x86_64 Linux."""
    parts = []
    arch = next((m for a, m in _ARCH.items() if platform.startswith(a)), None)
    if arch:
        parts.append(f"platform_machine == '{arch}'")
    system = next((m for key, m in _OS if key in platform), "linux")
    parts.append(f"sys_platform == '{system}'")
    return " and ".join(parts)


def merge_platforms(per_platform: dict[str, dict], direct: set[str]) -> list[LockedPackage]:
    names = sorted({n for packages in per_platform.values() for n in packages})
    merged = []
    for name in names:
        versions: dict[str, list[str]] = {}
        for platform, packages in sorted(per_platform.items()):
            if name in packages:
                versions.setdefault(packages[name][0], []).append(platform)
        merged += _entries(name, versions, per_platform, direct)
    return merged


def _entries(name, versions, per_platform, direct) -> list[LockedPackage]:
    everywhere = len(versions) == 1 and len(next(iter(versions.values()))) == len(per_platform)
    entries = []
    for version, platforms in sorted(versions.items()):
        hashes = sorted({h for p in platforms for h in per_platform[p][name][1]})
        markers = None if everywhere else " or ".join(
            f"({platform_marker(p)})" if len(platforms) > 1 else platform_marker(p) for p in platforms)
        entries.append(LockedPackage(name, version, hashes, name in direct, markers))
    return entries
