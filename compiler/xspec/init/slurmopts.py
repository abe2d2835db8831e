"""`#SBATCH` options: parsed as sbatch parses them, mapped to spec fields.

Options Slurm counts per task become the spec's per-node counts once the whole header
is read: `--ntasks` over `--nodes` is `tasks_per_node`, `--gpus-per-task` times the tasks
per node is `gpus`, `--mem-per-cpu` times the CPUs of a node's tasks (and `--mem-per-gpu`
times its GPUs) is `memory`, each reported as converted.

Slurm's units: `--mem` and `--tmp` count mebibytes unless suffixed K, M, G or T
(all powers of 1024), so `--mem=32G` is `32GiB`; `--time` is minutes, `MM:SS`,
`HH:MM:SS`, `D-HH`, `D-HH:MM` or `D-HH:MM:SS`.
"""

from __future__ import annotations

import re
import shlex

from xspec.init.context import Context, Origin
from xspec.init.draft import Raw
from xspec.types.units import format_duration

SHORT = {"A": "account", "p": "partition", "q": "qos", "C": "constraint", "c": "cpus-per-task",
         "N": "nodes", "n": "ntasks", "t": "time", "J": "job-name", "o": "output", "e": "error",
         "a": "array", "G": "gpus", "D": "chdir", "w": "nodelist", "x": "exclude",
         "d": "dependency", "L": "licenses", "M": "clusters", "i": "input", "m": "distribution",
         "S": "core-spec", "B": "extra-node-info", "F": "nodefile", "k": "no-kill", "H": "hold",
         "O": "overcommit", "Q": "quiet", "s": "oversubscribe", "v": "verbose", "W": "wait"}
FLAGS = {"exclusive", "requeue", "no-requeue", "overcommit", "contiguous", "hold", "wait",
         "parsable", "test-only", "spread-job", "use-min-nodes", "oversubscribe", "quiet",
         "verbose", "no-kill", "ignore-pbs", "get-user-env", "reboot"}
MANAGED = {"output", "error", "input", "open-mode", "parsable", "wait", "test-only", "dependency",
           "export", "export-file", "hold", "chdir", "job-name", "array", "wrap", "clusters"}
RESOURCES = {"cpus-per-task": "cpus", "nodes": "nodes", "ntasks-per-node": "tasks_per_node"}
TARGET = {"partition": "partition", "account": "account", "qos": "qos", "constraint": "constraint"}
_SIZE = re.compile(r"^(\d+)([KMGTkmgt]?)[Bb]?$")
_TIME = re.compile(r"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$")
_ARRAY = re.compile(r"^(\d+)(?:-(\d+)(?::(\d+))?)?$")
MAX_ARRAY = 1000


def options(text: str) -> list[tuple[str, str | None]]:
    """(long name, value or None) for each option in the text after `#SBATCH`."""
    words = shlex.split(text, comments=True)
    found, index = [], 0
    while index < len(words):
        name, value, index = _option(words, index)
        found.append((name, value))
    return found


def _option(words: list[str], index: int) -> tuple[str, str | None, int]:
    word = words[index]
    if word.startswith("--"):
        name, has_value, value = word[2:].partition("=")
        if has_value or name in FLAGS:
            return name, (value if has_value else None), index + 1
    elif word.startswith("-") and len(word) >= 2 and word[1] in SHORT:
        name = SHORT[word[1]]
        if len(word) > 2 or name in FLAGS:
            return name, (word[2:].lstrip("=") or None), index + 1
    else:
        raise ValueError(f"`{word}` is not an sbatch option")
    if index + 1 >= len(words) or words[index + 1].startswith("-"):
        return name, None, index + 1
    return name, words[index + 1], index + 2


def read_line(text: str, origin: Origin, ctx: Context, script) -> None:
    try:
        parsed = options(text)
    except ValueError as e:
        ctx.error(origin, f"cannot read this #SBATCH line: {e}")
        return
    for name, value in parsed:
        apply(name, value, origin, ctx, script)


def apply(name: str, value: str | None, origin: Origin, ctx: Context, script) -> None:
    """Put one option where the spec keeps it, or report it."""
    experiment = script.experiment
    if value is None and name not in FLAGS:
        ctx.error(origin, f"`--{name}` needs a value")
    elif name in MANAGED - {"job-name", "array", "chdir"}:
        ctx.not_carried(origin, f"`{_shown(name, value)}`", hints=[
            "xspec's Slurm backend sets this itself (logs go beside each job's outputs)"])
    elif name in TARGET:
        experiment.slurm[TARGET[name]] = value
    elif name == "exclusive" and value is None:
        experiment.slurm["exclusive"] = True
    elif name in _HANDLERS:
        _HANDLERS[name](value, origin, ctx, script)
    elif name in RESOURCES and value.isdigit() and int(value) > 0:
        experiment.resources[RESOURCES[name]] = int(value)
    else:
        experiment.slurm.setdefault("extra_args", []).append(_shown(name, value))


def _shown(name: str, value: str | None) -> str:
    return f"--{name}" if value is None else f"--{name}={value}"


def _job_name(value, origin, ctx, script) -> None:
    from xspec.init.values import name_for

    script.experiment.name = name_for(value)


def _chdir(value, origin, ctx, script) -> None:
    if "$" in value or "%" in value:
        ctx.not_carried(origin, f"`--chdir={value}`: it depends on the job's environment")
        return
    script.experiment.workdir = ctx.workdir(ctx.folder(origin.source) / value)


def _memory(field_name: str):
    def handle(value, origin, ctx, script) -> None:
        match = _SIZE.match(value)
        if match is None:
            ctx.error(origin, f"`{value}` is not a Slurm size (a number, then K, M, G or T)")
        elif int(match.group(1)) == 0:
            ctx.not_carried(origin, f"`{value}`: 0 asks Slurm for all of a node's memory",
                            hints=["write the memory the job needs"])
        else:
            unit = (match.group(2) or "M").upper()
            script.experiment.resources[field_name] = Raw(f"{int(match.group(1))}{unit}iB")
    return handle


def seconds(value: str) -> int | None:
    """Slurm's time formats in seconds; None for text that is not one."""
    match = _TIME.match(value)
    if match is None:
        return None
    days, first, second, third = (int(g) if g else None for g in match.groups())
    if days is not None:      # D-H, D-H:M, D-H:M:S
        return ((days * 24 + first) * 60 + (second or 0)) * 60 + (third or 0)
    if third is not None:     # H:M:S
        return (first * 60 + second) * 60 + third
    if second is not None:    # M:S
        return first * 60 + second
    return first * 60         # M


def _time(value, origin, ctx, script) -> None:
    total = seconds(value)
    if value.lower() in ("unlimited", "infinite") or total == 0:
        ctx.not_carried(origin, f"`--time={value}`: no time limit",
                        hints=["write the wall-clock limit the job needs, e.g. `time = 4h`"])
    elif total is None:
        ctx.error(origin, f"`{value}` is not a Slurm time (minutes, HH:MM:SS or D-HH:MM:SS)")
    else:
        script.experiment.resources["time"] = Raw(format_duration(total))


_GPU = re.compile(r"^(?:gres/)?gpu(?::([A-Za-z][A-Za-z0-9_.\-]*))?(?::(\d+))?$")
_GPUS = re.compile(r"^(?:([A-Za-z][A-Za-z0-9_.\-]*):)?(\d+)$")


def _gres(value, origin, ctx, script) -> None:
    parts = value.split(",")
    gpus = [m for p in parts if (m := _GPU.match(p))]
    others = [p for p in parts if not _GPU.match(p)]
    if not gpus:
        script.experiment.slurm.setdefault("extra_args", []).append(f"--gres={value}")
        return
    _set_gpus(gpus[0].group(1), int(gpus[0].group(2) or 1), script)
    if others:
        ctx.not_carried(origin, f"generic resources {', '.join(others)} beside the GPUs",
                        hints=["add them to `extra_args` only if the backend's --gres for the GPUs "
                               "does not clash"])


def _gpus(value, origin, ctx, script) -> None:
    match = _GPUS.match(value)
    if match is None:
        ctx.error(origin, f"`{value}` is not a GPU count (N or TYPE:N)")
        return
    _set_gpus(match.group(1), int(match.group(2)), script)


def _set_gpus(gpu_type: str | None, count: int, script) -> None:
    script.experiment.resources["gpus"] = count
    if gpu_type:
        script.experiment.resources["gpu_type"] = gpu_type


def array_indices(value: str) -> tuple[list[int], int | None]:
    """`0-9:3,20%4` -> ([0, 3, 6, 9, 20], 4); ValueError for text that is not an array."""
    spec, _, limit = value.partition("%")
    indices: list[int] = []
    for part in spec.split(","):
        match = _ARRAY.match(part.strip())
        if match is None:
            raise ValueError(part)
        first, last, step = int(match.group(1)), match.group(2), int(match.group(3) or 1)
        indices += list(range(first, int(last) + 1, step)) if last else [first]
    if not indices or (limit and not limit.isdigit()):
        raise ValueError(value)
    return list(dict.fromkeys(indices)), int(limit) if limit else None


def _array(value, origin, ctx, script) -> None:
    try:
        indices, limit = array_indices(value)
    except ValueError:
        ctx.error(origin, f"`{value}` is not a job array (e.g. 0-9, 1,3,5, 0-20:5, 0-9%4)")
        return
    if len(indices) > MAX_ARRAY:
        ctx.not_carried(origin, f"`--array={value}`: {len(indices)} tasks is more than a spec "
                        "should list", hints=["use a param with a range and a `sweep random`, or "
                                              "`replicates`"])
        return
    script.array = indices
    if limit:
        script.experiment.slurm["max_parallel"] = limit


def _per_task(name: str):
    """Options Slurm counts per task, CPU or GPU: kept until the whole header is read,
    when ``per_node`` can turn them into the spec's per-node counts."""
    def handle(value, origin, ctx, script) -> None:
        script.per_task[name] = (value, origin)
    return handle


def per_node(ctx: Context, script) -> None:
    """`--ntasks`, `--gpus-per-task`, `--mem-per-cpu`, `--mem-per-gpu` as per-node fields."""
    resources, pending = script.experiment.resources, script.per_task
    nodes = resources.get("nodes", 1)
    if "ntasks" in pending:
        value, origin = pending.pop("ntasks")
        _ntasks(value, origin, nodes, ctx, script)
    tasks = resources.get("tasks_per_node", 1)
    if "gpus-per-task" in pending:
        value, origin = pending.pop("gpus-per-task")
        match = _GPUS.match(value)
        if match is None:
            ctx.error(origin, f"`{value}` is not a GPU count (N or TYPE:N)")
        else:
            _set_gpus(match.group(1), int(match.group(2)) * tasks, script)
            ctx.converted(origin, f"`--gpus-per-task={value}` with {tasks} task(s) per node as "
                          f"`gpus = {int(match.group(2)) * tasks}` (GPUs per node)")
    for name, count in (("mem-per-cpu", resources.get("cpus", 1) * tasks),
                        ("mem-per-gpu", resources.get("gpus", 0))):
        if name in pending:
            value, origin = pending.pop(name)
            _memory_per(name, value, origin, count, ctx, script)


def _ntasks(value: str, origin: Origin, nodes: int, ctx: Context, script) -> None:
    resources = script.experiment.resources
    if not value.isdigit() or int(value) < 1 or int(value) % nodes or "tasks_per_node" in resources:
        script.experiment.slurm.setdefault("extra_args", []).append(f"--ntasks={value}")
        return
    resources["tasks_per_node"] = int(value) // nodes
    ctx.converted(origin, f"`--ntasks={value}` on {nodes} node(s) as "
                  f"`tasks_per_node = {int(value) // nodes}`")


def _memory_per(name: str, value: str, origin: Origin, count: int, ctx: Context, script) -> None:
    match = _SIZE.match(value)
    if match is None:
        ctx.error(origin, f"`{value}` is not a Slurm size (a number, then K, M, G or T)")
        return
    if count < 1 or int(match.group(1)) == 0:
        script.experiment.slurm.setdefault("extra_args", []).append(f"--{name}={value}")
        return
    unit = (match.group(2) or "M").upper()
    total = f"{int(match.group(1)) * count}{unit}iB"
    script.experiment.resources["memory"] = Raw(total)
    ctx.converted(origin, f"`--{name}={value}` times {count} as `memory = {total}` (per node)")


_HANDLERS = {"job-name": _job_name, "chdir": _chdir, "mem": _memory("memory"),
             "tmp": _memory("scratch"), "time": _time, "gres": _gres, "gpus": _gpus,
             "gpus-per-node": _gpus, "array": _array, "ntasks": _per_task("ntasks"),
             "gpus-per-task": _per_task("gpus-per-task"), "mem-per-cpu": _per_task("mem-per-cpu"),
             "mem-per-gpu": _per_task("mem-per-gpu")}
