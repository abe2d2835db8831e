"""Drafts from several sources to one spec: one env, the data, runnable experiments.

- Envs merge into one: packages in source order (the first pin of a package wins; a
  different pin later is reported), the first exact Python version wins.
- The env gets a Python version always: the one a source names, else the one running
  `xspec init` (within the source's range, if it gave one), with a comment saying so.
- Markers are evaluated for the env: Linux, x86_64, the env's Python.
- Experiments come from MLproject entry points, dvc.yaml stages, a Hydra app or a
  console script; an sbatch script adds its resources and `target slurm` to each,
  and is the experiment itself when nothing else gives a command. Params from
  params.yaml go to every experiment. With no command anywhere, the run is a
  placeholder, reported.
- Names never clash: a param named like a builtin (`seed`), a keyword, the env or a
  data block is renamed `NAME_value`, and the rename is reported.
"""

from __future__ import annotations

import copy

from packaging.markers import InvalidMarker, Marker, UndefinedEnvironmentName

from xspec.init import pyversion
from xspec.init.context import RESERVED, Context, Origin
from xspec.init.draft import Data, Draft, Entry, Env, Experiment, Package, Ref, Template
from xspec.init.values import name_for
from xspec.types.schema import BUILTIN_NAMES, KEYWORDS

# The program `TODO` fails any job at once, and lint rule COR011 flags it until it is replaced.
PLACEHOLDER_RUN = ["TODO", "write the command this experiment runs"]
DEFAULT_ENV = "base"
NO_ENV = ("No source describes the software environment: add the packages the experiment "
          "needs to `packages`.")


def merge(drafts: list[Draft], ctx: Context, first: Origin) -> Draft:
    final = Draft(comments=[c for d in drafts for c in d.comments])
    project = next((d.project for d in drafts if d.project), None)
    final.env = merge_envs([d.env for d in drafts if d.env is not None], project, ctx)
    final.data = merge_data([x for d in drafts for x in d.data])
    final.experiments = merge_experiments(drafts, ctx, first)
    settle_names(final, ctx)
    return final


# ---- env -----------------------------------------------------------------------------

def merge_envs(envs: list[Env], project: str | None, ctx: Context) -> Env:
    named = next((e.name for e in envs if e.name != DEFAULT_ENV), None)
    env = Env(name=name_for(named or project or DEFAULT_ENV))
    if not envs:
        env.comments.append(NO_ENV)
    for other in envs:
        _absorb(env, other, ctx)
    _python(env, ctx)
    _markers(env, ctx)
    env.packages = _valid_packages(_unique_packages(env.packages, ctx), ctx)
    return env


def _absorb(env: Env, other: Env, ctx: Context) -> None:
    if other.python and env.python and other.python != env.python:
        ctx.not_carried(other.python_origin, f"Python {other.python}: the env uses {env.python}")
    elif other.python and not env.python:
        env.python, env.python_origin = other.python, other.python_origin
    if other.python_constraint and not env.python_constraint:
        env.python_constraint = other.python_constraint
        env.python_origin = env.python_origin or other.python_origin
    env.image = env.image or other.image
    env.index_url = env.index_url or other.index_url
    env.packages += other.packages
    env.system += [s for s in other.system if s not in env.system]
    env.vars = {**other.vars, **env.vars}
    env.comments += other.comments


def _python(env: Env, ctx: Context) -> None:
    if env.python:
        return
    if env.image and not env.python_constraint:
        env.comments.append("The image brings its own Python; no source names its version.")
        return
    env.python, env.python_comment = pyversion.choose(env.python_constraint, exact_pins(env))
    if "NOT" in env.python_comment and env.python_origin is not None:
        ctx.placeholder(env.python_origin, f"no Python version within `{env.python_constraint}` "
                        f"fits: wrote {env.python}, {env.python_comment}",
                        hints=["write the version the experiment runs on"])


def exact_pins(env: Env) -> dict[str, str]:
    """name -> version for every package pinned to one version with `==`."""
    pins: dict[str, str] = {}
    for package in env.packages:
        if package.spec.startswith("==") and "," not in package.spec and "*" not in package.spec:
            pins.setdefault(package.identity.partition("[")[0], package.spec[2:])
    return pins


def marker_environment(python: str) -> dict[str, str]:
    """What a PEP 508 marker sees in an env: Linux on x86_64, CPython ``python``."""
    short = ".".join(python.split(".")[:2])
    return {"python_version": short, "python_full_version": python, "os_name": "posix",
            "sys_platform": "linux", "platform_system": "Linux", "platform_machine": "x86_64",
            "platform_release": "", "platform_version": "", "implementation_name": "cpython",
            "implementation_version": python, "platform_python_implementation": "CPython",
            "extra": ""}


def _markers(env: Env, ctx: Context) -> None:
    kept = []
    for package in env.packages:
        if not package.marker or _marker_holds(package, env.python, ctx):
            kept.append(package)
    env.packages = kept


def _marker_holds(package: Package, python: str, ctx: Context) -> bool:
    where = f"Linux and Python {python}"
    try:
        holds = Marker(package.marker).evaluate(marker_environment(python))
    except (InvalidMarker, UndefinedEnvironmentName) as e:
        ctx.not_carried(package.origin, f"marker `{package.marker}` ({e}); `{package.key}` kept")
        return True
    if holds:
        package.comment = f"marker `{package.marker}` holds on {where}"
        ctx.not_carried(package.origin, f"marker `{package.marker}`: true on {where}, so "
                        f"`{package.key}` is always installed")
    else:
        ctx.not_carried(package.origin, f"`{package.key}` with marker `{package.marker}`: false "
                        f"on {where}, so it is left out")
    return holds


def _unique_packages(packages: list[Package], ctx: Context) -> list[Package]:
    first: dict[str, Package] = {}
    for package in packages:
        seen = first.get(package.identity)
        if seen is None:
            first[package.identity] = package
        elif seen.spec != package.spec and package.origin is not None:
            ctx.not_carried(package.origin, f"`{package.key}{_shown(package.spec)}`: the env "
                            f"already has `{seen.key}{_shown(seen.spec)}` from {_where(seen.origin)}")
    return list(first.values())


def _valid_packages(packages: list[Package], ctx: Context) -> list[Package]:
    """Only PEP 508 names and PEP 440 pins reach the spec: whatever an importer could not
    convert (a Poetry `1.2.x`, a name with a space) is reported, never written."""
    from packaging.requirements import InvalidRequirement, Requirement

    kept = []
    for package in packages:
        try:
            Requirement(package.key)
        except InvalidRequirement:
            _report_invalid(package, f"`{package.key}` is not a package name (PEP 508)", ctx)
            continue
        if not _valid_pin(package):
            _report_invalid(package, f"the pin `{package.spec}` of `{package.key}` is not a PEP 440 "
                            "version specifier; the package is carried without it", ctx)
            package.spec = ""
        kept.append(package)
    return kept


def _valid_pin(package: Package) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        if package.spec.startswith("@"):
            Requirement(package.key + " " + package.spec)
        else:
            SpecifierSet(package.spec)
    except (InvalidRequirement, InvalidSpecifier):
        return False
    return True


def _report_invalid(package: Package, what: str, ctx: Context) -> None:
    if package.origin is not None:
        ctx.not_carried(package.origin, what, hints=["write it as PyPI and pip spell it"])


def _shown(spec: str) -> str:
    return f" {spec}" if spec.startswith("@") else spec


def _where(origin: Origin | None) -> str:
    return f"{origin.source.path}:{origin.line}" if origin else "another source"


# ---- data ----------------------------------------------------------------------------

def merge_data(entries: list[Data]) -> list[Data]:
    """One block per location; what one source knows (an MD5, a size) fills the other's gaps."""
    merged: dict[str, Data] = {}
    for entry in entries:
        if entry.location not in merged:
            merged[entry.location] = copy.copy(entry)
            continue
        kept = merged[entry.location]
        if entry.url and not kept.url:     # where to download it from beats where it lies
            kept.url, kept.path = entry.url, None
        kept.version, kept.size = kept.version or entry.version, kept.size or entry.size
        kept.description = kept.description or entry.description
        kept.comments += [c for c in entry.comments if c not in kept.comments]
    return list(merged.values())


# ---- experiments ---------------------------------------------------------------------

def merge_experiments(drafts: list[Draft], ctx: Context, first: Origin) -> list[Experiment]:
    experiments = [e for d in drafts for e in d.experiments]
    cluster = _one_cluster([d.cluster for d in drafts if d.cluster is not None], ctx)
    if cluster is not None and cluster.run is not None and not experiments:
        experiments, cluster = [cluster], None
    if not experiments:
        experiments, cluster = [_placeholder(cluster, ctx, first)], None
    if cluster is not None:
        _cluster_settings(cluster, experiments, ctx)
    shared = [(p, d.shared_comment) for d in drafts for p in d.shared_params]
    for experiment in experiments:
        _add_shared(experiment, shared)
    return experiments


def _one_cluster(clusters: list[Experiment], ctx: Context) -> Experiment | None:
    for extra in clusters[1:]:
        ctx.not_carried(extra.origin, "a second sbatch script: the spec takes its resources and "
                        "target from the first one")
    return clusters[0] if clusters else None


def _placeholder(cluster: Experiment | None, ctx: Context, first: Origin) -> Experiment:
    """The experiment when no source names a command: the sbatch settings, if any, and a stand-in run."""
    experiment = cluster or Experiment("main")
    experiment.run = list(PLACEHOLDER_RUN)
    experiment.run_comment = "TODO: no source names the command to run; write it here"
    ctx.placeholder(experiment.origin or first, "no command to run in the sources: wrote the "
                    "placeholder `run = [\"TODO\", ...]` (COR011 until it is replaced)",
                    hints=["replace it with the experiment's command"])
    return experiment


def _cluster_settings(cluster: Experiment, experiments: list[Experiment], ctx: Context) -> None:
    """Resources, target and vars of the sbatch script, for experiments that run other commands."""
    if cluster.run is not None:
        ctx.not_carried(cluster.origin, "the script's command: the experiments run the commands "
                        "the other sources name", hints=["check that they are the same program"])
    if cluster.sweeps:
        ctx.not_carried(cluster.origin, "the job array: the experiments' sweeps come from the "
                        "other sources")
    for experiment in experiments:
        _fill(experiment.resources, cluster.resources)
        _fill(experiment.slurm, cluster.slurm)
        _fill(experiment.vars, cluster.vars)


def _fill(mine: dict, theirs: dict) -> None:
    for key, value in theirs.items():
        mine.setdefault(key, copy.copy(value))


def _add_shared(experiment: Experiment, shared: list) -> None:
    for param, comment in shared:
        if experiment.param(param.name) is None:
            experiment.params.append(copy.copy(param))
            experiment.params_comment = experiment.params_comment or comment


# ---- names ---------------------------------------------------------------------------

def settle_names(draft: Draft, ctx: Context) -> None:
    """Every block name unique and free; params clear of builtins, keywords, env and data."""
    data_names = {d.name for d in draft.data}
    draft.env.name = _free(draft.env.name, data_names | RESERVED, "_env")
    taken = data_names | {draft.env.name}
    steps: dict[str, str] = {}
    for experiment in draft.experiments:
        old, experiment.name = experiment.name, _free(experiment.name, taken | RESERVED, "_experiment")
        steps.setdefault(old, experiment.name)   # a reference names the first of that name
        taken.add(experiment.name)
        _settle_params(experiment, data_names | {draft.env.name}, ctx)
    if any(old != new for old, new in steps.items()):
        for experiment in draft.experiments:
            rename_steps(experiment, steps)


def rename_steps(experiment: Experiment, steps: dict[str, str]) -> None:
    """`after` entries and `STEP.outputs.NAME` references follow a renamed step."""
    experiment.after = [steps.get(name, name) for name in experiment.after]
    used = _references([experiment.run, experiment.vars])
    renames = {}
    for name in used:
        step, dot, rest = name.partition(".outputs.")
        if dot and steps.get(step, step) != step:
            renames[name] = f"{steps[step]}.outputs.{rest}"
    if renames:
        rename_references(experiment, renames)


def _references(value) -> set[str]:
    """The names of every reference in a run or vars value."""
    if isinstance(value, Ref):
        return {value.name}
    if isinstance(value, Template):
        return _references(list(value.parts))
    if isinstance(value, Entry):
        return _references(value.value)
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return {name for item in items for name in _references(item)}


def _free(name: str, taken: set[str], suffix: str) -> str:
    candidate, number = name if name not in taken else name + suffix, 2
    while candidate in taken:
        candidate, number = f"{name}{suffix}_{number}", number + 1
    return candidate


def _settle_params(experiment: Experiment, blocks: set[str], ctx: Context) -> None:
    renames, names = {}, {p.name for p in experiment.params}
    for param in experiment.params:
        if param.name in RESERVED or param.name in blocks:
            new = _free(param.name, names | blocks | RESERVED, "_value")
            _report_rename(param, new, blocks, ctx)
            renames[param.name], param.name = new, new
            names.add(new)
    if renames:
        rename_references(experiment, renames)


def _report_rename(param, new: str, blocks: set[str], ctx: Context) -> None:
    if param.origin is not None:
        ctx.converted(param.origin, f"`{param.name}` is written as param `{new}`: "
                      f"`{param.name}` is {_why_taken(param.name)}")


def _why_taken(name: str) -> str:
    if name == "seed":
        return "the seed xspec derives for every job (pass `seed` in `run` to use it)"
    if name in BUILTIN_NAMES:
        return "a name xspec gives every job"
    if name in KEYWORDS:
        return "a keyword"
    return "the name of the env or of a data block"


def rename_references(experiment: Experiment, renames: dict[str, str]) -> None:
    experiment.run = _renamed(experiment.run, renames)
    experiment.outputs = _renamed(experiment.outputs, renames)
    experiment.vars = _renamed(experiment.vars, renames)
    for sweep in experiment.sweeps:
        sweep.axes = {renames.get(k, k): v for k, v in sweep.axes.items()}


def _renamed(value, renames: dict[str, str]):
    if isinstance(value, Ref):
        return Ref(renames.get(value.name, value.name))
    if isinstance(value, Template):
        return Template(tuple(_renamed(p, renames) for p in value.parts))
    if isinstance(value, Entry):
        return Entry(_renamed(value.value, renames), value.comment)
    if isinstance(value, list):
        return [_renamed(v, renames) for v in value]
    if isinstance(value, dict):
        return {k: _renamed(v, renames) for k, v in value.items()}
    return value
