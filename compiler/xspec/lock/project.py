"""What a project has to lock: its envs and data, gathered from the checked specs.

A project is the folder ``project_root`` finds for an entry spec; its lock covers
the entry specs given on the command line and every project module they import.
Envs and data are keyed by block name, so a name defined in two modules of one
project is an error here.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from xspec.api import Result
from xspec.diagnostics import DiagnosticBag
from xspec.lock.lockfile import LOCK_NAME
from xspec.resolve.loader import project_root
from xspec.types.model import CheckedModule, DataEntry, Env

REMOTE_SCHEMES = ("http", "https", "s3", "gs", "ftp", "hf", "az", "abfs")


@dataclass
class Project:
    root: Path
    modules: dict[Path, CheckedModule] = field(default_factory=dict)   # real path -> module
    envs: dict[str, Env] = field(default_factory=dict)
    data: dict[str, DataEntry] = field(default_factory=dict)
    spec_of: dict[tuple[str, str], str] = field(default_factory=dict)   # (kind, name) -> spec
    folder_of: dict[str, Path] = field(default_factory=dict)   # data name -> its module's folder

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_NAME

    def relative(self, key: Path) -> str:
        return key.relative_to(self.root).as_posix() if key.is_relative_to(self.root) else str(key)

    @property
    def specs(self) -> dict[str, str]:
        """Spec path (relative to the root) -> digest of its normalized lockable parts."""
        return {self.relative(key): module_digest(m) for key, m in self.modules.items()}

    @property
    def spec_paths(self) -> set[str]:
        return {self.relative(key) for key in self.modules}


def projects(result: Result, bag: DiagnosticBag) -> list[Project]:
    """One project per project root of the entry specs, sorted by root."""
    found: dict[Path, Project] = {}
    for entry in result.program.entries:
        root = project_root(entry)
        project = found.setdefault(root, Project(root))
        for key in _closure(result, entry):
            if key in result.modules and not result.modules[key].is_stdlib:
                project.modules.setdefault(key, result.modules[key])
    for project in found.values():
        _collect(project, bag)
    return [found[root] for root in sorted(found)]


def _closure(result: Result, entry: Path) -> list[Path]:
    """The entry and every module it imports, transitively."""
    seen, todo = [], [entry]
    while todo:
        key = todo.pop()
        if key in seen or key not in result.program.modules:
            continue
        seen.append(key)
        todo.extend(result.program.modules[key].imports.values())
    return seen


def _collect(project: Project, bag: DiagnosticBag) -> None:
    for key in sorted(project.modules):
        module = project.modules[key]
        spec = project.relative(key)
        for kind, table, target in (("env", module.envs, project.envs),
                                    ("data", module.data, project.data)):
            for name, item in sorted(table.items()):
                if _add(project, bag, kind, name, item, spec, target) and kind == "data":
                    project.folder_of[name] = key.parent


def _add(project, bag, kind, name, item, spec, target) -> bool:
    if name in target:
        bag.add("LCK002", item.node.name.span, kind, name, project.spec_of[(kind, name)],
                hints=[f"rename one of them: the lock names each {kind} by its block name"])
        return False
    target[name] = item
    project.spec_of[(kind, name)] = spec
    return True


# ---- where data lives ----------------------------------------------------------------

def local_path(project: Project, entry: DataEntry) -> Path | None:
    """The file or folder of a local data entry; None for remote data."""
    # Paths are relative to the spec. abspath, not resolve(): it costs no system call,
    # and a symlinked file hashes the same either way.
    folder = project.folder_of.get(entry.name, project.root)
    if entry.path is not None:
        return Path(os.path.abspath(folder / entry.path))
    url = entry.url or ""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(os.path.abspath(unquote(parsed.path)))
    if parsed.scheme in REMOTE_SCHEMES or "://" in url:
        return None
    return Path(os.path.abspath(folder / url))


# ---- the normalized spec ---------------------------------------------------------------

def env_request(env: Env) -> dict:
    """The parts of an env that decide its lock."""
    return {"python": _text(env.python), "image": _text(env.image), "nixpkgs": _text(env.nixpkgs),
            "index_url": _text(env.index_url),
            "packages": {str(k): str(v) for k, v in sorted(env.packages.items())},
            "system": [str(s) for s in env.system]}


def data_request(entry: DataEntry) -> dict:
    """The parts of a data entry that decide its lock."""
    return {"url": _text(entry.url), "path": _text(entry.path), "sha256": _text(entry.sha256),
            "size": entry.size, "version": _text(entry.version)}


def module_digest(module: CheckedModule) -> str:
    """``sha256:`` of the canonical JSON of a module's lockable parts (see docs/lock.md)."""
    document = {"envs": {n: env_request(e) for n, e in sorted(module.envs.items())},
                "data": {n: data_request(d) for n, d in sorted(module.data.items())}}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text(value) -> str | None:
    return None if value is None else str(value)


# ---- loading ---------------------------------------------------------------------------

@dataclass
class Loaded:
    """Checked specs grouped into projects, with every diagnostic found on the way."""

    result: Result
    projects: list[Project]
    bag: DiagnosticBag

    @property
    def sources(self) -> dict:
        return {m.source.path: m.source for m in self.result.program.modules.values()}


def load_projects(files: list[Path]) -> Loaded:
    from xspec import api

    result = api.check_paths(files)
    bag = DiagnosticBag(list(result.diagnostics))
    return Loaded(result, projects(result, bag) if not result.has_errors else [], bag)
