"""What a run will do: the spec compiled (with the project's lock), one experiment, its jobs.

Compiling goes through the same pipeline as `xspec build` (``compile_spec``), so a run
runs exactly the jobs `xspec build` would write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from xspec.run.layout import RunError

_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


class PlanFailed(Exception):
    """The spec has errors (diagnostics to print, exit 1)."""

    def __init__(self, diagnostics):
        super().__init__("the spec has errors")
        self.diagnostics = diagnostics


@dataclass
class Plan:
    spec: Path                       # the spec as the user named it
    root: Path                       # the project root
    ir: dict                         # the IR of the whole spec
    experiment: dict                 # the experiment to run
    jobs: list[int]                  # the job indices to run, ascending
    files: dict[str, str] = field(default_factory=dict)   # compiled target files

    @property
    def one_experiment_ir(self) -> dict:
        """The IR narrowed to the chosen experiment (what a backend is given)."""
        return {**self.ir, "experiments": [self.experiment]}

    @property
    def lock_path(self) -> Path | None:
        from xspec.lock.lockfile import LOCK_NAME

        path = self.root / LOCK_NAME
        return path if self.ir["lock"] and path.is_file() else None


def make_plan(spec: Path, experiment: str | None = None, jobs: str | None = None,
              targets: tuple[str, ...] = ("ir",), build_dir: str = "build",
              variant: str | None = None) -> Plan:
    """Compile ``spec`` for ``targets`` (as ``variant`` makes it); raise PlanFailed
    (diagnostics) or RunError."""
    from xspec.resolve.loader import project_root

    compiled = compile_checked(spec, targets, build_dir, variant)
    chosen = choose_experiment(compiled.ir, experiment, spec)
    return Plan(spec, project_root(spec.resolve()), compiled.ir, chosen,
                parse_jobs(jobs, chosen["job_count"]), compiled.files)


def compile_checked(spec: Path, targets: tuple[str, ...] = ("ir",), build_dir: str = "build",
                    variant: str | None = None):
    """The pipeline's result for ``spec``; PlanFailed (diagnostics) or RunError otherwise."""
    from xspec.backends.common import Options
    from xspec.backends.pipeline import PipelineError, compile_spec

    try:
        compiled = compile_spec(spec, list(targets), Options(build_dir=build_dir), variant=variant)
    except PipelineError as e:
        raise RunError(str(e)) from None
    if compiled.failed:
        raise PlanFailed(compiled.diagnostics)
    return compiled


def choose_experiment(ir: dict, name: str | None, spec: Path) -> dict:
    names = [e["name"] for e in ir["experiments"]]
    if not names:
        raise RunError(f"{spec} defines no experiment: nothing to run")
    if name is None and len(names) > 1:
        raise RunError(f"{spec} has {len(names)} experiments ({', '.join(names)}); "
                       "choose one with --experiment")
    wanted = name or names[0]
    if wanted not in names:
        raise RunError(f"{spec} has no experiment {wanted!r} (it has {', '.join(names)})")
    return ir["experiments"][names.index(wanted)]


def parse_jobs(text: str | None, count: int) -> list[int]:
    """Job indices from `3`, `0-7` or `1,3,5-6`; every job when ``text`` is None."""
    if text is None:
        return list(range(count))
    chosen: set[int] = set()
    for item in text.split(","):
        match = _RANGE.match(item.strip())
        if not match:
            raise RunError(f"--jobs {text!r}: write job indices as `3`, `0-7` or `1,3,5-6`")
        first, last = int(match[1]), int(match[2] or match[1])
        if first > last or last >= count:
            raise RunError(f"--jobs {text!r}: the experiment has jobs 0-{count - 1}")
        chosen.update(range(first, last + 1))
    return sorted(chosen)


def array_text(jobs: list[int]) -> str:
    """Indices as Slurm's --array list, ranges folded: [0,1,2,5] -> `0-2,5`."""
    pieces, start = [], None
    for i, index in enumerate(jobs):
        if start is None:
            start = index
        if i + 1 == len(jobs) or jobs[i + 1] != index + 1:
            pieces.append(str(start) if start == index else f"{start}-{index}")
            start = None
    return ",".join(pieces)
