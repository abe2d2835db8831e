"""The lockfile: ``xspec.lock`` at the project root, read and written here only.

The format is TOML with a ``version`` field, described field by field in docs/lock.md
and by ``lock.schema.json`` beside this module. Writing is deterministic (sorted
tables, sorted lists, no timestamps), so an unchanged project gives the same bytes,
and atomic (temporary file + ``os.replace``), so a crash never leaves half a lock.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import tomli_w

LOCK_NAME = "xspec.lock"
LOCK_VERSION = 1
HEADER = ("# This file is written by `xspec lock`; do not edit it by hand.\n"
          "# It pins every package, image, nixpkgs commit and data file of the project.\n")


class LockError(Exception):
    """A lockfile that cannot be read: ``line`` is 1-based, or None when unknown."""

    def __init__(self, message: str, line: int | None = None, path: Path | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path

    def __str__(self) -> str:
        where = str(self.path) if self.path else LOCK_NAME
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


@dataclass
class LockedPackage:
    name: str
    version: str
    hashes: list[str] = field(default_factory=list)
    direct: bool = False
    markers: str | None = None      # set only when the package differs between platforms


@dataclass
class LockedEnv:
    name: str
    python: str | None = None
    platforms: list[str] = field(default_factory=list)
    packages: list[LockedPackage] = field(default_factory=list)
    image: str | None = None
    image_digest: str | None = None
    nixpkgs: str | None = None
    nixpkgs_rev: str | None = None
    nixpkgs_nar_hash: str | None = None
    # What the spec asked for when the lock was made, so drift can be named exactly.
    spec: str | None = None         # the spec file that defines the env, relative to the root
    requirements: dict[str, str] = field(default_factory=dict)
    system: list[str] = field(default_factory=list)
    index_url: str | None = None


@dataclass
class LockedData:
    name: str
    sha256: str
    size: int | None = None
    # The spec's side, recorded for drift reports.
    spec: str | None = None
    url: str | None = None
    path: str | None = None
    version: str | None = None
    declared: bool = False          # the spec itself gave this sha256


@dataclass
class Lock:
    version: int = LOCK_VERSION
    xspec_version: str = ""
    digest: str = ""
    specs: dict[str, str] = field(default_factory=dict)
    envs: dict[str, LockedEnv] = field(default_factory=dict)
    data: dict[str, LockedData] = field(default_factory=dict)


# ---- finding -----------------------------------------------------------------------

def find_lock(spec_path: Path) -> Path | None:
    """The project's lockfile for a spec, or None when the project has none yet."""
    from xspec.resolve.loader import project_root

    candidate = project_root(Path(spec_path).resolve()) / LOCK_NAME
    return candidate if candidate.is_file() else None


# ---- writing -----------------------------------------------------------------------

def dumps(lock: Lock) -> str:
    """The lock as TOML text: the same lock always gives the same text."""
    document = {"version": lock.version, "xspec_version": lock.xspec_version,
                "specs": dict(sorted(lock.specs.items())),
                "envs": {n: _env_table(e) for n, e in sorted(lock.envs.items())},
                "data": {n: _data_table(d) for n, d in sorted(lock.data.items())}}
    return HEADER + "\n" + tomli_w.dumps(document)


def write_lock(path: Path, lock: Lock) -> str:
    """Write atomically; returns the digest of the bytes written."""
    data = dumps(lock).encode("utf-8")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _env_table(env: LockedEnv) -> dict:
    table = _without_empty({
        "spec": env.spec, "python": env.python, "platforms": sorted(env.platforms), "image": env.image,
        "image_digest": env.image_digest, "nixpkgs": env.nixpkgs, "nixpkgs_rev": env.nixpkgs_rev,
        "nixpkgs_nar_hash": env.nixpkgs_nar_hash, "index_url": env.index_url,
        "system": list(env.system), "requirements": dict(sorted(env.requirements.items())),
    })
    if env.packages:
        table["packages"] = [_package_table(p) for p in sorted_packages(env.packages)]
    return table


def _package_table(package: LockedPackage) -> dict:
    return _without_empty({"name": package.name, "version": package.version,
                           "direct": package.direct, "markers": package.markers,
                           "hashes": sorted(set(package.hashes))})


def _data_table(data: LockedData) -> dict:
    return _without_empty({"spec": data.spec, "sha256": data.sha256, "size": data.size, "url": data.url,
                           "path": data.path, "version": data.version, "declared": data.declared})


def _without_empty(table: dict) -> dict:
    # TOML has no null: absent means "none". Booleans and zero are kept.
    return {k: v for k, v in table.items() if v is not None and v != [] and v != {}}


def sorted_packages(packages: list[LockedPackage]) -> list[LockedPackage]:
    return sorted(packages, key=lambda p: (p.name, p.markers or "", p.version))


# ---- reading -----------------------------------------------------------------------

def read_lock(path: Path) -> Lock:
    """Read and validate a lockfile; raises ``LockError`` with a line number on bad input."""
    path = Path(path)
    from xspec.source import read_regular

    try:
        raw = read_regular(path)   # not a FIFO: it would never end
    except OSError as e:
        raise LockError(f"cannot read the lockfile: {e.strerror or e}", path=path) from None
    try:
        return loads(raw.decode("utf-8"), digest="sha256:" + hashlib.sha256(raw).hexdigest())
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise LockError("the lockfile is not UTF-8 text", line, path) from None
    except LockError as e:
        e.path = path
        raise


def loads(text: str, digest: str = "") -> Lock:
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise LockError(f"not valid TOML: {_toml_reason(e)}", _toml_line(e)) from None
    _validate(document, text)
    return _lock_from(document, digest)


def _toml_line(error: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"at line (\d+)", str(error))
    return int(found.group(1)) if found else None


def _toml_reason(error: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "", str(error))


def _validate(document: dict, text: str) -> None:
    version = document.get("version")
    if isinstance(version, int) and version > LOCK_VERSION:
        raise LockError(f"lockfile version {version} is newer than this xspec reads "
                        f"(version {LOCK_VERSION}); upgrade xspec", _key_line(text, ["version"]))
    if _fast_check()(document):
        return
    import jsonschema

    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(document),
                    key=lambda e: len(e.absolute_path))
    if errors:
        error = errors[0]
        where = ".".join(str(p) for p in error.absolute_path) or "the top level"
        raise LockError(f"{where}: {error.message}; run `xspec lock` to rewrite the lockfile",
                        _key_line(text, list(error.absolute_path)))


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads((Path(__file__).with_name("lock.schema.json")).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _fast_check():
    from xspec.lock.schema_check import compile_schema

    return compile_schema(schema())


def _lock_from(document: dict, digest: str) -> Lock:
    envs = {name: _env_from(name, table) for name, table in document.get("envs", {}).items()}
    data = {name: LockedData(name, **table) for name, table in document.get("data", {}).items()}
    return Lock(document["version"], document["xspec_version"], digest,
                dict(document.get("specs", {})), envs, data)


def _env_from(name: str, table: dict) -> LockedEnv:
    fields = dict(table)
    packages = [LockedPackage(**p) for p in fields.pop("packages", [])]
    return LockedEnv(name, packages=packages, **fields)


# ---- locating a key in the text, for error lines -----------------------------------

def _key_line(text: str, path: list) -> int | None:
    """The line of ``path`` (keys and list indexes) in TOML ``text``, best effort.

    Walks down the path: a table header ``[a.b]`` or ``[[a.b]]`` (the n-th one for a
    list index) moves the search start; a ``key =`` line after it is the answer.
    """
    lines = text.splitlines()
    start, line, tables = 0, None, list[str]()
    for i, part in enumerate(path):
        if isinstance(part, int):
            found = _nth_header(lines, start, tables, part, array=True)
        else:
            tables.append(part)
            found = _nth_header(lines, start, tables, 0, array=False)
            if found is None:
                found = _nth_header(lines, start, tables, 0, array=True)
            if found is None:
                found = _key_in_table(lines, start, part)
        if found is not None:
            start = line = found
    return None if line is None else line + 1


def _nth_header(lines, start, tables, n, array) -> int | None:
    dotted = ".".join(_toml_key(t) for t in tables)
    header = f"[[{dotted}]]" if array else f"[{dotted}]"
    hits = [i for i in range(start, len(lines)) if lines[i].strip() == header]
    return hits[n] if n < len(hits) else None


def _key_in_table(lines, start, key) -> int | None:
    pattern = re.compile(r"^\s*(" + re.escape(key) + "|\"" + re.escape(key) + "\")\\s*=")
    for i in range(start, len(lines)):
        if i > start and lines[i].lstrip().startswith("["):
            return None
        if pattern.match(lines[i]):
            return i
    return None


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


# ---- consumers ---------------------------------------------------------------------

def requirements_text(env: LockedEnv) -> str:
    """A pip requirements file for ``pip install --require-hashes -r``, sorted by name."""
    lines = [f"# {env.name}: written from {LOCK_NAME} by xspec; do not edit\n"]
    for package in sorted_packages(env.packages):
        marker = f" ; {package.markers}" if package.markers else ""
        hashes = sorted(set(package.hashes))
        lines.append(f"{package.name}=={package.version}{marker}" + (" \\\n" if hashes else "\n"))
        lines.extend(f"    --hash={h}" + (" \\\n" if i < len(hashes) - 1 else "\n")
                     for i, h in enumerate(hashes))
    return "".join(lines)
