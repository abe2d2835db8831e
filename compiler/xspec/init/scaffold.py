"""`xspec init` without `--from`: a commented example spec, and a `[tool.xspec]` section.

A few questions (or their defaults, with `--yes`) fill in the experiment's name, the
Python version, its packages, its command and where it runs. The `[tool.xspec]`
section (the lint settings `xspec check` reads) goes into pyproject.toml when the
project has one, else into a new xspec.toml, where the same keys sit at the top level.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import click

from xspec.init import pyversion, writer
from xspec.init.values import name_for

TARGETS = ("local", "slurm", "k8s")
TOOL_TABLE = re.compile(r"^\s*\[\s*tool\s*\.\s*xspec\s*\]", re.M)
SETTINGS = """\
# Settings for `xspec check`: which lint rules run and what makes the check fail.
select = ["ALL"]
ignore = []
fail-on = "warning"
# Files `xspec check` skips, as globs relative to this file.
exclude = []
"""


@dataclass
class Answers:
    name: str = "train"
    python: str = field(default_factory=pyversion.running)
    packages: dict[str, str] = field(default_factory=dict)
    command: list[str] = field(default_factory=lambda: ["python", "train.py"])
    target: str = "local"


def scaffold(output: Path, force: bool, yes: bool) -> int:
    from xspec.commands.init import write_checked

    answers = Answers(name=name_for(Path.cwd().name)) if yes else ask()
    text = writer.canonical(example(answers, output))
    status = write_checked(output, text, force, "full", f"an example experiment `{answers.name}`")
    if status == 0:
        add_settings(output.parent if str(output.parent) else Path("."), yes)
    return status


# ---- questions -----------------------------------------------------------------------

def ask() -> Answers:
    defaults = Answers(name=name_for(Path.cwd().name))
    return Answers(
        name=click.prompt("Experiment name", default=defaults.name, value_proc=_name),
        python=click.prompt("Python version", default=defaults.python, value_proc=_python),
        packages=click.prompt("Packages (pip requirements, comma-separated)", default="",
                              show_default=False, value_proc=_packages),
        command=click.prompt("Command to run", default=shlex.join(defaults.command),
                             value_proc=_command),
        target=click.prompt("Where it runs", default="local", type=click.Choice(TARGETS)))


def _name(text: str) -> str:
    name = name_for(text.strip())
    if name != text.strip():
        raise click.BadParameter(f"names are letters, digits, `_` and `-`: try {name}")
    return name


def _python(text: str) -> str:
    version = pyversion.exact(text.strip())
    if version is None:
        raise click.BadParameter("write a version like 3.11.9")
    return version


def _packages(text: str) -> dict[str, str]:
    """`numpy==1.26.4, torch>=2` -> {numpy: "==1.26.4", torch: ">=2"}."""
    from xspec.init.context import Context, Origin
    from xspec.init.requirements import parse_requirement
    from xspec.source import SourceFile

    ctx, found = Context(Path(".")), {}
    for item in (i.strip() for i in text.split(",") if i.strip()):
        package = parse_requirement(item, Origin(SourceFile("<answer>", item), 1), ctx)
        if package is None or package.marker:
            raise click.BadParameter(f"`{item}` is not a requirement like numpy==1.26.4")
        found[package.key] = package.spec
    return found


def _command(text: str) -> list[str]:
    try:
        words = shlex.split(text)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None
    if not words:
        raise click.BadParameter("the experiment needs a command")
    return words


# ---- the example spec ----------------------------------------------------------------

HEADER = """\
xspec 1

# {name}: written by `xspec init`. Check it with `xspec check {file}`, lay it out
# with `xspec fmt {file}`, and pin everything it uses with `xspec lock`.

import "std/determinism" as det
{imports}
# The data the experiment reads, pinned by content: `xspec lock` records each
# file's sha256 and size. Uncomment, point it at your data, and list it in the
# experiment's `data`.
# data dataset {{
#   path = "data/train.csv"
# }}

# The software environment: the exact Python and every package pinned with `==`
# (`xspec check` warns about the ones that are not).
env main {{
  python = {python}
{packages}}}
"""

EXPERIMENT = """\

experiment {name} {{
  description = "What this experiment tests, in one line"
  env         = main
  # data      = [dataset]
  seed        = 1234              # every job's seed is derived from this one
  replicates  = 1                 # runs per sweep point, each with its own derived seed
  determinism = det.generic       # or det.pytorch_strict, det.jax, det.numpy, det.tensorflow

  # Typed parameters: `xspec check` proves that defaults and swept values fit.
  param lr: float in [1e-5, 1.0] = 0.01 "Learning rate"
  param epochs: int in [1, 1000] = 10

  # Every combination of the listed values becomes a job (`sweep zip` pairs them,
  # `sweep random {{ trials = 8, lr = loguniform(1e-4, 1e-1) }}` draws them).
  # sweep grid {{
  #   lr = [0.001, 0.01, 0.1]
  # }}

  resources {{ cpus = 1, memory = 4GiB, time = 1h }}

  # An argv list: no shell. Params and the job's derived `seed` are passed as
  # arguments, so every job runs with its own values.
  run     = {run}
  outputs = ["results/metrics.json"]

{target}
}}
"""

TARGET_BLOCKS = {
    "local": "  target local { max_parallel = 1 }",
    "slurm": "  # A preset from std/slurm; set your account and partition here.\n"
             "  target slurm { preset = slurm.cpu, max_parallel = 4 }",
    "k8s": "  # A preset from std/k8s; set your namespace here.\n"
           "  target k8s { preset = k8s.cpu, namespace = \"default\", max_parallel = 4 }",
}
IMPORTS = {"local": "", "slurm": 'import "std/slurm" as slurm\n', "k8s": 'import "std/k8s" as k8s\n'}


def example(answers: Answers, output: Path) -> str:
    run = [*answers.command, "--lr", "\0lr", "--epochs", "\0epochs", "--seed", "\0seed"]
    run_text = "[" + ", ".join(w[1:] if w.startswith("\0") else writer.quote(w) for w in run) + "]"
    packages = writer.field("packages", answers.packages, 1) if answers.packages else []
    head = HEADER.format(name=answers.name, file=output.name, imports=IMPORTS[answers.target],
                         python=writer.quote(answers.python),
                         packages="".join(line + "\n" for line in packages))
    return head + EXPERIMENT.format(name=answers.name, run=run_text, target=TARGET_BLOCKS[answers.target])


# ---- [tool.xspec] --------------------------------------------------------------------

def add_settings(folder: Path, yes: bool) -> None:
    """[tool.xspec] at the end of pyproject.toml, or a new xspec.toml; existing settings stay."""
    from xspec.init.files import OutputExists, write_new

    pyproject, own = folder / "pyproject.toml", folder / "xspec.toml"
    if own.exists() or (pyproject.exists() and TOOL_TABLE.search(_read(pyproject))):
        click.echo("xspec settings already exist; left them as they are.", err=True)
    elif pyproject.exists():
        if yes or click.confirm(f"Add a [tool.xspec] section to {pyproject}?", default=True):
            _append(pyproject)
    else:
        try:
            write_new(own, "# xspec settings ([tool.xspec] keys, at the top level here).\n" + SETTINGS)
            click.echo(f"Wrote {own}: lint settings for `xspec check`.", err=True)
        except OutputExists:
            click.echo(f"{own} exists; left it as it is.", err=True)


def _read(path: Path) -> str:
    from xspec.source import read_regular_text

    try:
        return read_regular_text(path)
    except (OSError, UnicodeDecodeError):
        return ""


def _append(pyproject: Path) -> None:
    """The file as it was, plus the section, written at once."""
    from xspec.init.files import write_new

    text = _read(pyproject)
    separator = "" if not text or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
    write_new(pyproject, text + separator + "[tool.xspec]\n" + SETTINGS, force=True)
    click.echo(f"Added [tool.xspec] to {pyproject}: lint settings for `xspec check`.", err=True)
