"""The checked model: what a spec means, with every value typed and evaluated.

Lint rules and lowering read this model. Each object keeps its AST ``node`` so
diagnostics can point at the exact text; values are plain Python: durations in
seconds, sizes in bytes, strings with ``${...}`` as ``Template``.

The immutable values are named tuples (see syntax/ast.py for why not frozen
dataclasses). The objects the checker fills in are records (``xspec.record``) compared
by identity: each definition is checked once and the same object is shared by
everything that refers to it, so it can also key a dict or sit in a set.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Union

from xspec.record import Record, new
from xspec.syntax import ast


class Placeholder(NamedTuple):
    """A value only known per job: a param, a builtin, a data attribute or a secret."""

    kind: str          # "param" | "builtin" | "data" | "secret" | "output" (of step `name`)
    name: str
    attr: str = ""

    def __str__(self) -> str:
        if self.kind == "output":
            return "${" + f"{self.name}.outputs.{self.attr}" + "}"
        return "${" + self.name + (f".{self.attr}" if self.attr else "") + "}"


class Template(NamedTuple):
    """A string made of literal text and placeholders, filled in per job."""

    parts: tuple[Union[str, Placeholder], ...]

    def __str__(self) -> str:
        return "".join(str(p) for p in self.parts)

    @property
    def placeholders(self) -> list[Placeholder]:
        return [p for p in self.parts if isinstance(p, Placeholder)]


class Distribution(NamedTuple):
    kind: str          # uniform | loguniform | randint | choice
    args: tuple
    node: ast.Call


class SecretSource(NamedTuple):
    kind: str          # env | k8s
    args: tuple[str, ...]


class DataEntry(Record):
    """A `data` block: where the file is and what pins it."""

    name: str
    module: str
    url: str | None = None
    path: str | None = None
    sha256: str | None = None
    size: int | None = None
    version: str | None = None
    description: str | None = None
    node: ast.Block | None = None


class Env(Record):
    """An `env` block: interpreter, packages, image, Nix pin and variables."""

    name: str
    module: str
    python: str | None = None
    image: str | None = None
    nixpkgs: str | None = None
    packages: dict[str, str] = new(dict)
    system: list[str] = new(list)
    index_url: str | None = None
    vars: dict[str, Any] = new(dict)
    description: str | None = None
    node: ast.Block | None = None


class Profile(Record):
    """A determinism `profile`: a framework's switches and variables for repeatable runs."""

    name: str
    module: str
    framework: str = "generic"
    vars: dict[str, str] = new(dict)
    deterministic_algorithms: bool | None = None
    cudnn_benchmark: bool | None = None
    enforce: str | None = None          # strict | warn | off: how the start-up hook applies it
    threads: int | None = None
    description: str | None = None
    node: ast.Block | None = None


class Preset(Record):
    """A target `preset`: scheduler settings a `target` block can start from."""

    name: str
    module: str
    scheduler: str = "slurm"
    settings: dict[str, Any] = new(dict)
    description: str | None = None
    node: ast.Block | None = None


class ParamDecl(Record):
    """A `param`: its type, its range or set, its default and doc."""

    name: str
    type: str                      # int float str bool enum path duration size
    choices: tuple = ()            # enum choices
    low: Any = None                # range
    high: Any = None
    allowed: tuple | None = None   # set
    default: Any = None
    has_default: bool = False
    doc: str | None = None
    node: ast.Param | None = None


class Sweep(Record):
    """A `sweep` block: grid or zip axes, or random distributions with trials."""

    kind: str                                   # grid | zip | random
    axes: dict[str, list] = new(dict)          # grid and zip
    distributions: dict[str, Distribution] = new(dict)  # random
    trials: int | None = None
    seed: int | None = None
    node: ast.Block | None = None


class Resources(Record):
    """A `resources` block: sizes in bytes, times in seconds."""

    cpus: int | None = None
    gpus: int | None = None
    gpu_type: str | None = None
    memory: int | None = None       # bytes
    time: int | None = None         # seconds
    nodes: int | None = None
    tasks_per_node: int | None = None
    scratch: int | None = None
    node: ast.Block | None = None


class Secret(Record):
    """A `secret NAME from ...`: the name a job sees and where its value comes from."""

    name: str
    source: SecretSource
    node: ast.Secret | None = None


class Target(Record):
    """A `target` block: a scheduler's settings, a preset's merged under the block's own."""

    scheduler: str
    settings: dict[str, Any] = new(dict)
    preset: Preset | None = None
    node: ast.Block | None = None


Arg = tuple  # one argv element: a tuple of str | Placeholder parts


class Experiment(Record):
    """An `experiment` block, checked: what runs, with what, how often, where."""

    name: str
    module: str
    env: Env | None = None
    data: list[DataEntry] = new(list)
    description: str | None = None
    seed: int | None = None
    seeds: str = "shared"
    replicates: int = 1
    retries: int = 0
    retry_on: list[int] = new(list)
    determinism: Profile | None = None
    params: dict[str, ParamDecl] = new(dict)
    sweeps: list[Sweep] = new(list)
    resources: Resources | None = None
    run: list[Arg] | Template | None = None
    outputs: list[Template] = new(list)
    output_names: dict[str, Template] = new(dict)   # `outputs = { name = "path" }`
    after: Any = None                               # the `after` list's syntax; types/graph.py
    needs: list = new(list)                         # graph.Need per valid `after` entry
    metrics: list[Template] = new(list)
    vars: dict[str, Any] = new(dict)
    workdir: str | None = None
    secrets: dict[str, Secret] = new(dict)
    targets: dict[str, Target] = new(dict)
    node: ast.Block | None = None

    @property
    def run_is_string(self) -> bool:
        return isinstance(self.run, Template)


class CheckedModule(Record):
    """One file's definitions after checking."""

    path: str
    ast: ast.Module
    data: dict[str, DataEntry] = new(dict)
    envs: dict[str, Env] = new(dict)
    profiles: dict[str, Profile] = new(dict)
    presets: dict[str, Preset] = new(dict)
    experiments: dict[str, Experiment] = new(dict)
    is_stdlib: bool = False
