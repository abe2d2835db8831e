"""From a spec path to the files of the requested targets, all in memory.

check and lint -> (lock) -> lower -> backends. Any error (a lint error too) stops the build before anything is
written: the caller gets either every file or diagnostics, never half of them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from xspec.backends import TARGETS
from xspec.backends.common import BackendError, Options
from xspec.diagnostics import Diagnostic, DiagnosticBag

MODULES = {"ir": "ir_target", "lock": "lockreq", "slurm": "slurm", "k8s": "k8s", "docker": "docker",
           "apptainer": "apptainer", "nix": "nix"}
SCHEDULERS = ("slurm", "k8s")


class PipelineError(Exception):
    """A failure that is not about the spec's text: an unreadable lockfile, say."""


@dataclass
class Compiled:
    files: dict[str, str] = field(default_factory=dict)   # path under the output folder -> text
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)        # `all`: targets that do not apply
    ir: dict | None = None

    @property
    def failed(self) -> bool:
        return any(d.severity.name == "ERROR" for d in self.diagnostics)


def compile_spec(path: Path, targets: list[str], options: Options, locked: bool = False,
                 variant: str | None = None) -> Compiled:
    """``variant``: compile the spec as that variant makes it (PipelineError for a name the
    spec does not define)."""
    from xspec.ir.lower import lower_program

    result, errors = checked_and_linted(path, variant)
    if errors:
        return Compiled(diagnostics=errors)
    lock = load_lock(path)
    bag = DiagnosticBag()
    if locked:
        check_locked(result, lock, bag)
    ir = lower_program(result, lock, bag) if not bag.has_errors else None
    if bag.has_errors:
        return Compiled(diagnostics=bag.sorted())
    if not ir["experiments"] and set(targets) != {"ir"}:
        raise PipelineError(f"{path} defines no experiment: nothing to build")
    compiled = Compiled(ir=ir)
    _run_backends(compiled, result, ir, expand_targets(targets, ir, lock), options, bag)
    compiled.diagnostics = bag.sorted()
    return compiled


def checked_and_linted(path: Path, variant: str | None = None):
    """The checked program and every error `xspec check` would report for it, lint errors
    included (SEC001's literal token among them): nothing with an error is compiled, so no
    literal credential reaches an output. The project's lint settings apply, so a rule made
    a warning in xspec.toml, or suppressed inline, does not stop the build."""
    from xspec.lint.config import ConfigError
    from xspec.lint.runner import lint_file
    from xspec.types.variants import UnknownVariant

    try:
        found, result = lint_file(path, variant=variant)
    except (ConfigError, UnknownVariant) as e:
        raise PipelineError(str(e)) from None
    return result, [d for d in found if d.severity.name == "ERROR"]


def expand_targets(targets: list[str], ir: dict, lock) -> list[tuple[str, bool]]:
    """(target, optional) pairs; `all` makes each target optional: skipped if it does not apply."""
    if "all" not in targets:
        return [(t, False) for t in TARGETS if t in targets]
    declared = {t for e in ir["experiments"] for t in e["targets"] if t in SCHEDULERS}
    chosen = [t for t in TARGETS if t not in SCHEDULERS or t in (declared or SCHEDULERS)]
    if lock is None:
        chosen.remove("lock")
    return [(t, True) for t in chosen]


def _run_backends(compiled: Compiled, result, ir: dict, targets, options: Options, bag) -> None:
    spans = {e.name: (e.node.name or e.node.kind).span for e in result.experiments if e.node}
    for target, optional in targets:
        backend = importlib.import_module(f"xspec.backends.{MODULES[target]}")
        for experiment in ir["experiments"] or [None]:     # the ir target of a spec without any
            one = ir if experiment is None else {**ir, "experiments": [experiment]}
            try:
                files = backend.build(one, options)
            except BackendError as e:
                if optional and e.code == "BLD005":
                    compiled.skipped.append(f"{target}: {e.message}")
                    continue
                span = spans.get(experiment["name"]) if experiment else None
                bag.add(e.code, span or result.program.modules[result.program.entries[0]].source.whole(),
                        f"{target}: {e.message}", hints=e.hints)
                continue
            compiled.files.update({f"{target}/{k}": v for k, v in files.items()})


def load_lock(path: Path):
    """The project's lock, or None when it has none; PipelineError when it cannot be read."""
    from xspec.lock.lockfile import LockError, find_lock, read_lock

    found = find_lock(path)
    if found is None:
        return None
    try:
        return read_lock(found)
    except LockError as e:
        raise PipelineError(str(e)) from None


def check_locked(result, lock, bag: DiagnosticBag) -> None:
    """`--locked`: the lock must exist and agree with the spec (the lock module's drift check)."""
    from xspec.lock.config import resolve_options
    from xspec.lock.drift import spec_drift
    from xspec.lock.project import projects

    where = result.program.modules[result.program.entries[0]].source.whole()
    if lock is None:
        bag.add("BLD008", where, "--locked, but the project has no xspec.lock",
                hints=["run `xspec lock`"])
        return
    for project in projects(result, DiagnosticBag()):
        for row in spec_drift(project, lock, resolve_options(project.root)):
            if not row.ok:
                bag.add("BLD008", where, f"--locked: {row.detail}", hints=["run `xspec lock`"])
