"""Builds a project's lock: packages, image digests, nixpkgs pins, data hashes.

Pins already in the old lock are kept while the spec still asks for the same
thing (same Python, packages, platforms, image, nixpkgs reference, data source),
unless ``--upgrade`` or ``--upgrade-package`` says otherwise. Every problem is a
diagnostic; the caller writes the lock only when there are none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from xspec import __version__
from xspec.diagnostics import DiagnosticBag
from xspec.lock.data import FETCHABLE, DataError, Hashed, Hasher, fetch_sha256
from xspec.lock.images import pinned_digest, resolve_image
from xspec.lock.lockfile import Lock, LockedData, LockedEnv
from xspec.lock.nix import resolve_nixpkgs
from xspec.lock.project import Project, env_request, local_path
from xspec.lock.resolver import ResolveError, ResolveOptions, normalize_name, resolve_env
from xspec.lock.tools import ToolError
from xspec.types.model import DataEntry, Env


@dataclass
class Locker:
    project: Project
    old: Lock | None
    options: ResolveOptions
    bag: DiagnosticBag
    fetch: bool = False
    progress: Callable[[str], None] = lambda message: None
    _pins: dict = field(default_factory=dict)   # (kind, reference) -> result or ToolError

    def build(self) -> Lock:
        envs = {n: self._env(e) for n, e in sorted(self.project.envs.items())}
        data = self._all_data()
        lock = Lock(xspec_version=__version__, specs=self.project.specs,
                    envs={n: e for n, e in envs.items() if e is not None},
                    data={n: d for n, d in data.items() if d is not None})
        self._keep_other_specs(lock)
        return lock

    # -- envs ----------------------------------------------------------------------------

    def _env(self, env: Env) -> LockedEnv | None:
        request = env_request(env)
        previous = self.old.envs.get(env.name) if self.old else None
        locked = LockedEnv(env.name, python=request["python"], image=request["image"],
                           nixpkgs=request["nixpkgs"], index_url=request["index_url"],
                           spec=self.project.spec_of[("env", env.name)],
                           requirements=request["packages"], system=request["system"],
                           platforms=list(self.options.platforms) if env.packages else [])
        results = [self._packages(env, locked, previous), self._image(env, locked, previous),
                   self._nixpkgs(env, locked, previous)]
        return locked if all(results) else None

    def _packages(self, env: Env, locked: LockedEnv, previous: LockedEnv | None) -> bool:
        if not env.packages:
            return True
        if env.python is None:
            self.bag.add("LCK001", _span(env, "packages"), env.name,
                         hints=['add `python = "3.11.9"` (the exact version the jobs run)'])
            return False
        if self._keeps_packages(locked, previous):
            locked.packages = previous.packages
            return True
        try:
            locked.packages = resolve_env(env.name, locked.python, locked.requirements,
                                          locked.index_url, self.options, previous, self.progress)
        except (ResolveError, ToolError) as e:
            first, rest = _split(str(e))
            self.bag.add("LCK003", _span(env, "packages"), env.name, first, hints=rest)
            return False
        return True

    def _keeps_packages(self, locked: LockedEnv, previous: LockedEnv | None) -> bool:
        if previous is None or self.options.upgrade:
            return False
        names = {p.name for p in previous.packages} | {normalize_name(n) for n in locked.requirements}
        if names & {normalize_name(n) for n in self.options.upgrade_packages}:
            return False
        return ((previous.python, previous.requirements, sorted(previous.platforms), previous.index_url)
                == (locked.python, locked.requirements, sorted(locked.platforms), locked.index_url))

    def _image(self, env: Env, locked: LockedEnv, previous: LockedEnv | None) -> bool:
        if locked.image is None:
            return True
        if previous and previous.image == locked.image and previous.image_digest and not self.options.upgrade:
            locked.image_digest = previous.image_digest
            return True
        if not pinned_digest(locked.image):
            self.progress(f"pinning image of env {env.name} ({locked.image})")
        try:
            locked.image_digest = self._once("image", locked.image, resolve_image)
        except ToolError as e:
            first, rest = _split(str(e))
            self.bag.add("LCK008", _span(env, "image"), env.name, first, hints=rest)
            return False
        return True

    def _nixpkgs(self, env: Env, locked: LockedEnv, previous: LockedEnv | None) -> bool:
        if locked.nixpkgs is None:
            return True
        if (previous and previous.nixpkgs == locked.nixpkgs and previous.nixpkgs_nar_hash
                and not self.options.upgrade):
            locked.nixpkgs_rev, locked.nixpkgs_nar_hash = previous.nixpkgs_rev, previous.nixpkgs_nar_hash
            return True
        self.progress(f"pinning nixpkgs of env {env.name} ({locked.nixpkgs})")
        try:
            locked.nixpkgs_rev, locked.nixpkgs_nar_hash = self._once("nixpkgs", locked.nixpkgs,
                                                                     resolve_nixpkgs)
        except ToolError as e:
            first, rest = _split(str(e))
            self.bag.add("LCK009", _span(env, "nixpkgs"), env.name, first, hints=rest)
            return False
        return True

    def _once(self, kind: str, reference: str, resolve):
        """Envs often share an image or nixpkgs: look each reference up once per run."""
        key = (kind, reference)
        if key not in self._pins:
            try:
                self._pins[key] = resolve(reference, self.options.timeout)
            except ToolError as e:
                self._pins[key] = e
        if isinstance(self._pins[key], ToolError):
            raise self._pins[key]
        return self._pins[key]

    # -- data ----------------------------------------------------------------------------

    def _all_data(self) -> dict[str, LockedData | None]:
        entries = self.project.data
        local = {n: p for n, e in entries.items() if (p := local_path(self.project, e)) is not None}
        hashed = Hasher(self.project.root, progress=self.progress).digest_all(local)
        return {name: self._data(entry, hashed.get(name)) for name, entry in sorted(entries.items())}

    def _data(self, entry: DataEntry, hashed: Hashed | DataError | None) -> LockedData | None:
        if hashed is None:
            hashed = self._remote(entry)
        if isinstance(hashed, DataError):
            self.bag.add("LCK006", _span(entry, "path" if entry.path else "url"), entry.name, str(hashed))
            return None
        if hashed is None or not self._matches_spec(entry, hashed):
            return None
        return LockedData(entry.name, hashed.sha256, hashed.size, self.project.spec_of[("data", entry.name)],
                          url=_text(entry.url), path=_text(entry.path), version=_text(entry.version),
                          declared=entry.sha256 is not None)

    def _remote(self, entry: DataEntry) -> Hashed | DataError | None:
        url = str(entry.url)
        if self.fetch and url.startswith(FETCHABLE):
            self.progress(f"fetching data {entry.name} ({url})")
            try:
                return fetch_sha256(url, self.options.timeout)
            except DataError as e:
                return e
        if entry.sha256 is not None:
            return Hashed(entry.sha256, entry.size if entry.size is not None else self._old_size(entry))
        previous = self.old.data.get(entry.name) if self.old else None
        if previous is not None and previous.url == url and not self.options.upgrade:
            return Hashed(previous.sha256, previous.size)
        how = "pass --fetch to download and hash it" if url.startswith(FETCHABLE) else \
            "xspec can fetch only http(s):// and file:// URLs"
        self.bag.add("LCK007", _span(entry, "url"), entry.name,
                     hints=[how, "or give its hash in the spec: `sha256 = \"<64 hex>\"`"])
        return None

    def _old_size(self, entry: DataEntry) -> int | None:
        previous = self.old.data.get(entry.name) if self.old else None
        return previous.size if previous and previous.sha256 == entry.sha256 else None

    def _matches_spec(self, entry: DataEntry, hashed: Hashed) -> bool:
        ok = True
        if entry.sha256 is not None and entry.sha256 != hashed.sha256:
            self.bag.add("LCK004", _span(entry, "sha256"), entry.name, hashed.sha256, entry.sha256,
                         hints=["if the new content is intended, update `sha256` in the spec"])
            ok = False
        if entry.size is not None and hashed.size is not None and entry.size != hashed.size:
            self.bag.add("LCK005", _span(entry, "size"), entry.name, hashed.size, entry.size)
            ok = False
        return ok

    # -- entries of specs not loaded this time -------------------------------------------

    def _keep_other_specs(self, lock: Lock) -> None:
        """Keep what the old lock says about other specs of the project that still exist."""
        if self.old is None:
            return
        loaded = self.project.spec_paths
        alive = {s for s in self.old.specs if s not in loaded and (self.project.root / s).is_file()}
        lock.specs.update({s: self.old.specs[s] for s in alive})
        for kind, old_table, new_table in (("env", self.old.envs, lock.envs),
                                           ("data", self.old.data, lock.data)):
            for name, item in old_table.items():
                if item.spec in alive:
                    self._keep(kind, name, item, new_table)

    def _keep(self, kind: str, name: str, item, table: dict) -> None:
        if name in table or (kind, name) in self.project.spec_of:
            mine = self.project.envs.get(name) if kind == "env" else self.project.data.get(name)
            self.bag.add("LCK002", mine.node.name.span, kind, name, item.spec,
                         hints=[f"rename one of them: the lock names each {kind} by its block name"])
            return
        table[name] = item


def _span(item, field: str):
    node = item.node
    found = node.field(field) if node is not None else None
    return found.span if found is not None else node.name.span


def _split(message: str) -> tuple[str, list[str]]:
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    return (lines[0].rstrip(":") if lines else message), lines[1:]


def _text(value) -> str | None:
    return None if value is None else str(value)
