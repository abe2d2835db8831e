"""An sbatch script to resources, a `target slurm` and the run command.

`#SBATCH` options before the first command (the only ones Slurm reads) become:
`--cpus-per-task`, `--mem`, `--time`, `--nodes`, `--ntasks-per-node`, `--tmp`,
`--gres=gpu:TYPE:N` / `--gpus` -> `resources`; `--partition`, `--account`, `--qos`,
`--constraint`, `--exclusive` -> `target slurm`; `--job-name` -> the experiment's
name; `--array=0-9%4` -> a param `array_task` swept over the array's indices
(`$SLURM_ARRAY_TASK_ID` in the command becomes that param) and `max_parallel = 4`.
Other options go into `extra_args` verbatim, except those xspec's Slurm backend
writes itself (`--output`, `--error`, `--chdir`, ...), which are reported.

In the body, `module load` lines become `modules`, `export NAME=value` the
experiment's `vars`, `cd DIR` its `workdir`, and the last real command the `run`;
every other line is reported.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from xspec.init import slurmopts
from xspec.init.context import Context, Origin
from xspec.init.draft import Draft, Experiment, Param, Sweep
from xspec.init.shell import Command

_SBATCH = re.compile(r"^#SBATCH\s*(.*)$")
_ARRAY_VAR = re.compile(r"\$\{SLURM_ARRAY_TASK_ID\}|\$SLURM_ARRAY_TASK_ID\b")
_EXPORT = re.compile(r"^export\s+(.+)$")
_ASSIGNMENT = re.compile(r"""^([A-Za-z_]\w*)=(\$\(.*\)|`.*`|"[^"]*"|'[^']*'|\S*)$""")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_./:,+@%-]*")
_ENV_SETUP = re.compile(r"^(source|\.|conda|mamba|micromamba|pyenv|workon|spack)\b")
TRIVIAL = {"echo", "date", "hostname", "nvidia-smi", "sleep", "mkdir", "printf", "cat", "ls", "pwd",
           "which", "env", "printenv", "wait", "exit", "true", "touch", "rm", "cp", "mv", "trap",
           "ulimit", "scontrol", "sacct", "squeue", "nproc", "free", "df", "du", "tee", "umask"}


@dataclass
class Script:
    """What one sbatch script says, collected line by line."""

    experiment: Experiment
    commands: list[tuple[str, Origin]] = field(default_factory=list)
    array: list[int] | None = None
    per_task: dict = field(default_factory=dict)    # option -> (value, origin), see slurmopts
    constants: dict = field(default_factory=dict)   # shell variable -> its fixed value
    dropped: dict = field(default_factory=dict)     # shell variable -> the uncarried line setting it


def load(path: Path, ctx: Context) -> Draft:
    source = ctx.read(path)
    if source is None:
        return Draft()
    script = Script(Experiment(_safe_name(path.stem), origin=Origin(source, 1),
                               workdir=ctx.workdir(path.parent)))
    body_start = _header(source, ctx, script)
    slurmopts.per_node(ctx, script)
    if body_start is None:
        ctx.error(Origin(source, 1), f"{source.path} has no #SBATCH lines: is it an sbatch script?",
                  hints=["Slurm reads #SBATCH options from the comment lines before the first command"])
        return Draft()
    _body(source, body_start, ctx, script)
    _choose_run(script, ctx)
    return Draft(cluster=script.experiment)


def _safe_name(text: str) -> str:
    from xspec.init.values import name_for

    return name_for(text)


def _header(source, ctx: Context, script: Script) -> int | None:
    """Read the #SBATCH lines up to the first command; the line the body starts at (None: no #SBATCH)."""
    found, number = False, 0
    for number, line in enumerate(source.lines, 1):
        stripped = line.strip()
        match = _SBATCH.match(stripped)
        if match:
            found = True
            slurmopts.read_line(match.group(1), Origin(source, number, line.find("#SBATCH") + 9), ctx, script)
        elif stripped and not stripped.startswith("#"):
            return number if found else None
    return number + 1 if found else None


# ---- body ----------------------------------------------------------------------------

def _body(source, start: int, ctx: Context, script: Script) -> None:
    for number, text in _logical_lines(source.lines, start):
        line = source.line_text(number)
        origin = Origin(source, number, len(line) - len(line.lstrip()) + 1)
        if _SBATCH.match(text):
            ctx.not_carried(origin, "#SBATCH after the first command: Slurm ignores it")
        elif not text.startswith("#"):
            _statement(text, origin, ctx, script)


def _logical_lines(lines: list[str], start: int):
    """(first line number, text) from ``start`` on, `\\` continuations joined, blanks skipped."""
    pending, first = "", start
    for number in range(start, len(lines) + 1):
        line = lines[number - 1].strip()
        if not pending:
            first = number
        if line.endswith("\\") and not line.startswith("#"):
            pending += line[:-1] + " "
            continue
        whole, pending = (pending + line).strip(), ""
        if whole:
            yield first, whole
    if pending.strip():
        yield first, pending.strip()


def _statement(text: str, origin: Origin, ctx: Context, script: Script) -> None:
    """One line of the body: a module, an export, a cd, env setup, or a command."""
    words = text.split()
    if words[0] in ("module", "ml"):
        _module(words, text, origin, ctx, script)
    elif _EXPORT.match(text):
        _export(_EXPORT.match(text).group(1), origin, ctx, script)
    elif assignment := _ASSIGNMENT.match(text):
        name, value = assignment.groups()
        _assignment(name, value, text, origin, ctx, script)
    elif words[0] == "cd" and len(words) == 2 and "$" not in words[1]:
        script.experiment.workdir = ctx.workdir(ctx.folder(origin.source) / words[1])
    elif _ENV_SETUP.match(text):
        ctx.not_carried(origin, f"`{text}`", hints=[
            "the env block is the environment: xspec builds and enters it for every job"])
    elif words[0] == "set":
        ctx.not_carried(origin, f"`{text}`", hints=["xspec's Slurm backend sets the shell's options"])
    else:
        script.commands.append((text, origin))


def _module(words: list[str], text: str, origin: Origin, ctx: Context, script: Script) -> None:
    loads = _module_loads(words)
    if loads:
        script.experiment.slurm.setdefault("modules", []).extend(loads)
    else:
        ctx.not_carried(origin, f"`{text}`", hints=["`modules` lists what to `module load`, in order"])


def _module_loads(words: list[str]) -> list[str] | None:
    """The modules of `module load A B` or `ml A B`; None for other module commands."""
    if words[0] == "module" and len(words) > 2 and words[1] in ("load", "add"):
        return words[2:]
    if words[0] == "ml" and len(words) > 1 and not any(w.startswith("-") for w in words[1:]):
        return words[1:]
    return None


def _assignment(name: str, value: str, text: str, origin: Origin, ctx: Context,
                script: Script) -> None:
    """`NAME=value`: a shell variable for the lines below; a fixed one is put into the run."""
    try:
        words = shlex.split(value)
    except ValueError:
        words = None
    fixed = words[0] if words and len(words) == 1 else ("" if words == [] else None)
    if fixed is not None and "$" not in value and "`" not in value and _PLAIN_VALUE.fullmatch(fixed):
        script.constants[name] = fixed
        script.dropped.pop(name, None)
        return
    script.dropped[name] = (text, origin)
    script.constants.pop(name, None)
    ctx.not_carried(origin, f"`{text}`: a value computed at run time", hints=[
        "a spec runs one command; compute it in the program, or make it a param"])


def _export(assignments: str, origin: Origin, ctx: Context, script: Script) -> None:
    if "$(" in assignments or "`" in assignments:     # a command substitution: one value
        ctx.not_carried(origin, f"`export {assignments}`: a value computed at run time", hints=[
            "`vars` holds fixed values; a value computed at run time needs the run command"])
        name = assignments.partition("=")[0]
        if re.fullmatch(r"[A-Za-z_]\w*", name):
            script.dropped[name] = (f"export {assignments}", origin)
        return
    try:
        words = shlex.split(assignments)
    except ValueError:
        words = []
    for word in words or [assignments]:
        name, has_value, value = word.partition("=")
        if not has_value or "$" in value or "`" in value or not re.fullmatch(r"[A-Za-z_]\w*", name):
            ctx.not_carried(origin, f"`export {word}`", hints=[
                "`vars` holds fixed values; a value computed at run time needs the run command"])
            if has_value:
                script.dropped[name] = (f"export {word}", origin)
            continue
        script.experiment.vars[name] = value


# ---- the run -------------------------------------------------------------------------

def _choose_run(script: Script, ctx: Context) -> None:
    """The last real command is the run; the array becomes a param; other commands are reported."""
    chosen = _main_command(script.commands)
    for text, origin in script.commands:
        if (text, origin) != chosen:
            ctx.not_carried(origin, f"command `{text}`", hints=[
                "a spec runs one command; join several with `&&` in a string `run` if all must run"])
    experiment = script.experiment
    if script.array is not None:
        experiment.params.append(Param("array_task", "int", script.array[0], origin=experiment.origin))
        experiment.sweeps.append(Sweep("grid", {"array_task": list(script.array)}))
    if chosen is not None:
        _run(chosen, script, ctx)


def _run(chosen: tuple[str, Origin], script: Script, ctx: Context) -> None:
    text, origin = chosen
    experiment, command = script.experiment, Command()
    experiment.origin = origin
    text = _fill_variables(text, origin, ctx, script)
    if script.array is not None:
        text = _array_task(text, origin, ctx, command)
    experiment.run, shell = command.to_run(text)
    if shell:
        experiment.run_comment = "kept as a shell command line: it uses shell syntax"


def _fill_variables(text: str, origin: Origin, ctx: Context, script: Script) -> str:
    """The run with the script's fixed shell variables written in, and every variable it
    uses that a line not carried over sets reported: the spec's job would not have it."""
    def fill(match: re.Match) -> str:
        name = match.group(1) or match.group(2)
        if name in script.constants:
            return script.constants[name]
        if name in script.dropped:
            line, at = script.dropped[name]
            ctx.not_carried(origin, f"`${name}` in the command: line {at.line} (`{line}`) sets it, "
                            "and that line is not carried over", hints=[
                                f"give `{name}` a fixed value in `vars`, or compute it in the program"])
        return match.group(0)
    return _VARIABLE.sub(fill, text)


def _main_command(commands: list[tuple[str, Origin]]):
    real = [c for c in commands if _first_word(c[0]) not in TRIVIAL]
    return (real or commands or [None])[-1]


def _first_word(text: str) -> str:
    words = text.split()
    return words[0].rsplit("/", 1)[-1] if words else ""


def _array_task(text: str, origin: Origin, ctx: Context, command: Command) -> str:
    if not _ARRAY_VAR.search(text):
        ctx.converted(origin, "the job array became `sweep grid { array_task = [...] }`, but this "
                      "command does not use $SLURM_ARRAY_TASK_ID",
                      hints=["pass `array_task` to the program in `run`"])
        return text
    return _ARRAY_VAR.sub(lambda _: command.ref("array_task"), text)
