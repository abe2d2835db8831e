"""What each block may contain: its fields, their types, which are required.

This table is the single source for the checker, the docs and editor completion.
"""

from __future__ import annotations

from typing import NamedTuple


# ---- value types ---------------------------------------------------------------

class T(NamedTuple):
    """A value type. ``name`` is one of the scalar names below or a constructor."""

    name: str
    of: tuple = ()

    def __str__(self) -> str:
        return _DESCRIBE.get(self.name) or {
            "list": lambda: f"a list of {self.of[0].plural()}",
            "map": lambda: f"a map of {self.of[0].plural()}",
            "ref": lambda: f"a reference to a `{self.of[0]}` block",
            "enum": lambda: "one of " + ", ".join(f'"{c}"' for c in self.of),
            "union": lambda: " or ".join(str(t) for t in self.of),
        }[self.name]()

    def plural(self) -> str:
        if self.name == "ref":
            return f"references to `{self.of[0]}` blocks"
        if self.name in ("list", "map"):
            return f"{self.name}s of {self.of[0].plural()}"
        return _PLURAL.get(self.name, str(self))


_DESCRIBE = {"str": "a string", "int": "an integer", "float": "a number", "bool": "true or false",
             "size": "a size like `32GiB`", "duration": "a duration like `4h`", "any": "a value",
             "run": "an argv list or a command string", "scalar": "a string, number or bool",
             "steps": "a list of steps: `[prepare]`, `[train.each]`"}
_PLURAL = {"str": "strings", "int": "integers", "float": "numbers", "bool": "booleans",
           "scalar": "strings, numbers or bools", "any": "values"}

STR, INT, FLOAT, BOOL = T("str"), T("int"), T("float"), T("bool")
SIZE, DURATION, ANY, RUN, SCALAR = T("size"), T("duration"), T("any"), T("run"), T("scalar")
STEPS = T("steps")   # read by types/graph.py once every experiment is checked, not evaluated


def list_of(t: T) -> T:
    return T("list", (t,))


def map_of(t: T) -> T:
    return T("map", (t,))


def ref(kind: str) -> T:
    return T("ref", (kind,))


def enum(*choices: str) -> T:
    return T("enum", choices)


# ---- blocks -------------------------------------------------------------------

class FieldSpec(NamedTuple):
    name: str
    type: T
    doc: str
    required: bool = False


class BlockSchema(NamedTuple):
    kind: str
    doc: str
    fields: tuple[FieldSpec, ...]
    named: bool = True
    children: tuple[str, ...] = ()
    open_fields: bool = False   # sweeps: any field name is a param axis
    names: tuple[str, ...] = ()   # allowed names, e.g. sweep grid|zip|random

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)


def _f(name, type_, doc, required=False):
    return FieldSpec(name, type_, doc, required)


DATA = BlockSchema("data", "A dataset or file the experiment reads, pinned by content hash.", (
    _f("url", STR, "Where to download it: https://, s3://, gs://, file:// or a local path."),
    _f("path", STR, "A path to the data, relative to the spec's folder."),
    _f("sha256", STR, "The SHA-256 of the file's content (64 hex digits)."),
    _f("size", SIZE, "The file's size, checked by `xspec lock`."),
    _f("version", STR, "The dataset's own version name or release."),
    _f("description", STR, "What this data is."),
))

ENV = BlockSchema("env", "The software environment: interpreter, packages, image, Nix pin.", (
    _f("python", STR, "The exact Python version, e.g. \"3.11.9\"."),
    _f("image", STR, "A container base image, ideally pinned by `@sha256:` digest."),
    _f("nixpkgs", STR, "A nixpkgs flake reference pinned to a commit: github:NixOS/nixpkgs/<40 hex>."),
    _f("packages", map_of(STR), "Python packages and their version specifiers: `{ torch = \"==2.3.1\" }`."),
    _f("system", list_of(STR), "System (apt or Nix) packages, `name=version` to pin."),
    _f("index_url", STR, "The Python package index to resolve from."),
    _f("vars", map_of(SCALAR), "Environment variables set for every job in this env."),
    _f("description", STR, "What this environment is for."),
))

EXPERIMENT = BlockSchema("experiment", "What runs: command, params, sweeps, seeds, resources, targets.", (
    _f("description", STR, "One line saying what the experiment tests."),
    _f("env", ref("env"), "The environment the jobs run in.", required=True),
    _f("data", list_of(ref("data")), "The data the jobs read."),
    _f("seed", INT, "The experiment seed; per-job seeds are derived from it."),
    _f("seeds", enum("shared", "per_job"),
       "\"shared\" (default): seed i of every sweep point is the same (common random numbers); "
       "\"per_job\": every job gets its own seed."),
    _f("replicates", INT, "How many times each sweep point runs, each with its own derived seed."),
    _f("determinism", ref("profile"), "A determinism profile, e.g. `det.pytorch_strict`."),
    _f("run", RUN, "The command: an argv list (preferred) or a string.", required=True),
    _f("outputs", T("union", (list_of(STR), map_of(STR))),
       "Files the job writes, relative to its output folder; a map names them, so later "
       "steps can refer to them as `STEP.outputs.NAME`."),
    _f("after", STEPS, "The steps (experiments of this file) that must succeed first: "
       "`[prepare]` waits for every job of `prepare`, `[train.each]` pairs job i with job i."),
    _f("retries", INT, "How many times a failed job is run again (default 0); every attempt "
       "is kept in the run folder."),
    _f("retry_on", list_of(INT), "The exit codes that count as transient: only these are "
       "retried (default: any failure is)."),
    _f("metrics", list_of(STR), "The outputs that hold the job's metrics: a `.json` object of "
       "numbers, or a `.csv` of per-step values (`xspec results`)."),
    _f("vars", map_of(SCALAR), "Extra environment variables for the jobs."),
    _f("workdir", STR, "The folder jobs start in, relative to the project root."),
), children=("param", "sweep", "resources", "secret", "target", "let"))

RESOURCES = BlockSchema("resources", "What one job needs.", (
    _f("cpus", INT, "CPU cores per task."),
    _f("gpus", INT, "GPUs per node."),
    _f("gpu_type", STR, "A GPU model, e.g. \"a100\"; `--gres=gpu:TYPE:N` on Slurm, an "
       "annotation on Kubernetes (use `node_selector` there)."),
    _f("memory", SIZE, "Memory per node, e.g. `32GiB`."),
    _f("time", DURATION, "Wall-clock limit, e.g. `4h`."),
    _f("nodes", INT, "Nodes per job (MPI)."),
    _f("tasks_per_node", INT, "Tasks (MPI ranks) per node."),
    _f("scratch", SIZE, "Local scratch disk."),
), named=False)

SWEEP = BlockSchema("sweep", "How params vary across jobs: `grid`, `zip` or `random`.", (
    _f("trials", INT, "random only: how many points to draw."),
    _f("seed", INT, "random only: the seed of the draws."),
), open_fields=True, names=("grid", "zip", "random"))

_TARGET_COMMON = (
    _f("max_parallel", INT, "At most this many jobs at once."),
    _f("preset", ref("preset"), "Start from a preset, e.g. `slurm.gpu_a100`; fields here override it."),
)
SLURM = BlockSchema("target slurm", "Compile to an sbatch array script.", _TARGET_COMMON + (
    _f("partition", STR, "`--partition`."),
    _f("account", STR, "`--account`."),
    _f("qos", STR, "`--qos`."),
    _f("constraint", STR, "`--constraint` (node features)."),
    _f("modules", list_of(STR), "Environment modules to `module load`, in order."),
    _f("container", enum("none", "apptainer", "nix"), "Run inside the Apptainer image or the Nix shell."),
    _f("exclusive", BOOL, "`--exclusive`."),
    _f("extra_args", list_of(STR), "Further `#SBATCH` options, verbatim."),
    _f("max_array_size", INT, "The cluster's `MaxArraySize` (default 1001): a sweep with more "
       "jobs is submitted as several arrays of at most this many tasks."),
))
K8S = BlockSchema("target k8s", "Compile to a Kubernetes Indexed Job.", _TARGET_COMMON + (
    _f("namespace", STR, "The namespace of the Job."),
    _f("node_selector", map_of(STR), "Node labels the pods require."),
    _f("tolerations", list_of(map_of(SCALAR)), "Pod tolerations, as maps of key/operator/value/effect."),
    _f("service_account", STR, "The pod's service account."),
    _f("image_pull_secrets", list_of(STR), "Secrets for pulling the image."),
    _f("run_as_user", INT, "The UID the container runs as (non-root by default: 1000)."),
    _f("privileged", BOOL, "Run the container privileged (linted)."),
    _f("backoff_limit", INT, "Retries per index (`backoffLimitPerIndex`)."),
    _f("priority_class", STR, "`priorityClassName`."),
    _f("gpu_resource", STR, "The GPU resource name (default `nvidia.com/gpu`)."),
))
LOCAL = BlockSchema("target local", "Run on this machine with `xspec run`.", _TARGET_COMMON)
TARGETS = {"slurm": SLURM, "k8s": K8S, "local": LOCAL}

PROFILE = BlockSchema("profile", "A determinism profile: the settings a framework needs to repeat itself.", (
    _f("framework", enum("pytorch", "tensorflow", "jax", "numpy", "generic"), "The framework it is for.",
       required=True),
    _f("vars", map_of(STR), "Environment variables the jobs get."),
    _f("deterministic_algorithms", BOOL, "Deterministic kernels only (e.g. torch.use_deterministic_algorithms)."),
    _f("cudnn_benchmark", BOOL, "cuDNN autotuning; must be false for determinism."),
    _f("enforce", enum("strict", "warn", "off"),
       "How xspec's start-up hook applies the switches: strict (default), warn (warn_only), off."),
    _f("threads", INT, "Thread count pinned for OpenMP/MKL/BLAS."),
    _f("description", STR, "What the profile guarantees and what it costs."),
))

PRESET = BlockSchema("preset", "Reusable target settings, e.g. a cluster's GPU partition.", (
    _f("scheduler", enum("slurm", "k8s", "local"), "Which target kind it is for.", required=True),
    _f("description", STR, "What the preset is for."),
), open_fields=True)

VARIANT = BlockSchema("variant", "A named overlay of this file's experiments, chosen with `--variant NAME`.",
                      (), children=("experiment",))

TOP_LEVEL = {"data": DATA, "env": ENV, "experiment": EXPERIMENT, "profile": PROFILE, "preset": PRESET,
             "variant": VARIANT}
NESTED = {"resources": RESOURCES, "sweep": SWEEP, "target": None}
PARAM_TYPES = ("int", "float", "str", "bool", "enum", "path", "duration", "size")
BUILTIN_NAMES = {
    "seed": "The job's derived seed.",
    "replicate": "The job's replicate index, from 0.",
    "job_index": "The job's index in the expanded sweep, from 0.",
}
DATA_ATTRIBUTES = {
    "path": "Where the data is on disk when the job runs.",
    "sha256": "Its content hash.", "url": "Its URL.", "version": "Its version.", "name": "Its name.",
}
FUNCTIONS = {
    "env": "secret source: `env(\"VAR\")` reads an environment variable at run time.",
    "k8s": "secret source: `k8s(\"secret-name\", \"key\")` reads a Kubernetes Secret.",
    "uniform": "random sweep: `uniform(low, high)` for float params.",
    "loguniform": "random sweep: `loguniform(low, high)`, low > 0, for float params.",
    "randint": "random sweep: `randint(low, high)`, both ends included, for int params.",
    "choice": "random sweep: `choice(a, b, ...)`, any param type.",
}
KEYWORDS = ("xspec", "import", "as", "let", "param", "in", "secret", "from", "true", "false")
