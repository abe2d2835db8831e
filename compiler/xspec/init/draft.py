"""The draft spec every importer fills in and the writer prints.

Importers know nothing of xspec's syntax: they describe what they found as plain
data (an env, data entries, experiments with params and a run command), and
``writer.py`` turns that into text. Values inside a draft are Python values plus
the few wrappers below for what Python cannot say (a quantity, a reference, a
string with ``${...}`` placeholders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass(frozen=True)
class Raw:
    """Text written into the spec verbatim: a quantity (`32GiB`) or a number as the user wrote it."""

    text: str


@dataclass(frozen=True)
class Ref:
    """A reference: a param name, or `data.path`."""

    name: str


@dataclass(frozen=True)
class Template:
    """A string whose ``Ref`` parts become ``${name}`` placeholders."""

    parts: tuple[Union[str, Ref], ...]


@dataclass
class Entry:
    """One map entry or list item with the comment that explains where it came from."""

    value: Any
    comment: str = ""


@dataclass
class Package:
    """One Python package: ``key`` may carry extras (`torch[cuda]`); ``spec`` is kept as given."""

    key: str
    spec: str
    origin: Any = None               # an Origin, for notes about this package
    marker: str = ""                 # a PEP 508 marker, evaluated when the env's Python is known
    comment: str = ""

    @property
    def identity(self) -> str:
        """The name pip would compare: case, `_` and `.` do not matter."""
        import re

        name, _, extras = self.key.partition("[")
        return re.sub(r"[-_.]+", "-", name).lower() + ("[" + extras if extras else "")


@dataclass
class Env:
    name: str = "base"
    python: str | None = None
    python_comment: str = ""
    image: str | None = None
    packages: list[Package] = field(default_factory=list)
    system: list[str] = field(default_factory=list)
    index_url: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    comments: list[str] = field(default_factory=list)
    python_origin: Any = None
    python_constraint: str = ""      # a range the source gave instead of a version


@dataclass
class Data:
    name: str
    path: str | None = None
    url: str | None = None
    version: str | None = None
    size: int | None = None
    description: str | None = None
    comments: list[str] = field(default_factory=list)
    origin: Any = None
    key: str = ""                    # where the data lives on disk: one block per place

    @property
    def location(self) -> str:
        return self.key or self.url or self.path or self.name


@dataclass
class Param:
    name: str
    type: str                        # int float str bool enum path
    default: Any = None
    choices: tuple[str, ...] = ()
    doc: str | None = None
    comment: str = ""                # written at the end of the line
    origin: Any = None


@dataclass
class Sweep:
    kind: str                        # grid | zip
    axes: dict[str, list] = field(default_factory=dict)


@dataclass
class Experiment:
    name: str
    description: str | None = None
    comments: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    params_comment: str = ""
    sweeps: list[Sweep] = field(default_factory=list)
    run: Any = None                  # list of args (str | Ref | Template), or a Template string
    run_comment: str = ""
    data: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)   # the steps it waits for (all of their jobs)
    outputs: Any = field(default_factory=list)       # a list of paths, or a map naming them
    vars: dict[str, Any] = field(default_factory=dict)
    workdir: str | None = None
    resources: dict[str, Any] = field(default_factory=dict)
    slurm: dict[str, Any] = field(default_factory=dict)
    origin: Any = None

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass
class Draft:
    """What one source (or all of them, merged) says about the project."""

    env: Env | None = None
    data: list[Data] = field(default_factory=list)
    experiments: list[Experiment] = field(default_factory=list)
    shared_params: list[Param] = field(default_factory=list)   # params.yaml: no command of its own
    shared_comment: str = ""
    cluster: Experiment | None = None  # an sbatch script: resources, target, maybe the run
    comments: list[str] = field(default_factory=list)          # for the top of the file
    project: str | None = None                                  # a name for the project, if known
