"""Slurm: one sbatch script per experiment, the sweep as a job array.

The array index is the job index; the script embeds the job runner (runner.py), so
the index -> job mapping is in the script itself. Field mapping: docs/targets.md.
"""

from __future__ import annotations

import re

from xspec.backends.common import BackendError, Options, comment_block, header_lines, sh, variable_name
from xspec.backends.runner import Platform, runner_body

# A value after `#SBATCH --opt=`: no spaces, quotes or shell characters (sbatch reads
# these lines itself, and a newline would start a directive of its own).
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.,:@+%=&|\[\]*()!/-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MIB, GIB = 2**20, 2**30


def build(ir: dict, options: Options) -> dict[str, str]:
    return {f"{e['name']}.sbatch": sbatch(ir, e, options) for e in ir["experiments"]}


def sbatch(ir: dict, experiment: dict, options: Options) -> str:
    settings = _settings(experiment)
    modules = settings.get("modules") or []
    shebang = "#!/bin/bash -l\n" if modules else "#!/bin/bash\n"
    return (shebang + comment_block(header_lines(ir, experiment) + _how_to_run(experiment))
            + "".join(f"#SBATCH {d}\n" for d in directives(experiment, settings))
            + "\nset -euo pipefail\n"
            + runner_body(ir, experiment, _platform(experiment, settings, options)))


def _settings(experiment: dict) -> dict:
    target = experiment["targets"].get("slurm")
    return dict(target["settings"]) if target else {}


def _how_to_run(experiment: dict) -> list[str]:
    if experiment.get("needs"):     # a step of a graph: its inputs come from other arrays
        after = ", ".join(n["step"] for n in experiment["needs"])
        return ["", (f"A step after {after}: submit the graph with `xspec submit`, which chains "
                     "the arrays with --dependency and links runs/<step>/<job id>/upstream/."),
                (f"Each job writes runs/{experiment['name']}/<array job id>/<index>/, with "
                 "xspec-provenance.json.")]
    return ["", "Submit from the project root:  sbatch <this file>",
            f"Each job writes runs/{experiment['name']}/<array job id>/<index>/, with "
            "xspec-provenance.json."]


# ---- #SBATCH directives ---------------------------------------------------------------

def directives(experiment: dict, settings: dict) -> list[str]:
    r = experiment["resources"]
    found = [f"--job-name={_value('job name', experiment['name'])}", _array(experiment, settings)]
    for option in ("partition", "account", "qos", "constraint"):
        if settings.get(option):
            found.append(f"--{option}={_value(option, settings[option])}")
    found += _resources(r)
    if settings.get("exclusive"):
        found.append("--exclusive")
    # Append: a requeued task's log keeps what its earlier attempts printed.
    found += [_export(experiment), "--output=slurm-%x-%A_%a.out", "--open-mode=append"]
    return found + [_extra(a) for a in settings.get("extra_args") or []]


def _array(experiment: dict, settings: dict) -> str:
    spec = f"--array=0-{experiment['job_count'] - 1}"
    limit = settings.get("max_parallel")
    return spec + (f"%{limit}" if limit else "")


def _resources(r: dict) -> list[str]:
    found = []
    if r["nodes"]:
        found.append(f"--nodes={r['nodes']}")
    if r["tasks_per_node"]:
        found.append(f"--ntasks-per-node={r['tasks_per_node']}")
    if r["cpus"]:
        found.append(f"--cpus-per-task={r['cpus']}")
    if r["memory_bytes"]:
        found.append(f"--mem={memory(r['memory_bytes'])}")
    if r["gpus"]:
        kind = f"{_value('gpu_type', r['gpu_type'])}:" if r["gpu_type"] else ""
        found.append(f"--gres=gpu:{kind}{r['gpus']}")
    if r["time_seconds"]:
        found.append(f"--time={duration(r['time_seconds'])}")
    if r["scratch_bytes"]:
        found.append(f"--tmp={memory(r['scratch_bytes'])}")
    return found


def memory(size: int) -> str:
    """Bytes as Slurm's size: whole GiB as `G`, else MiB (`M`), rounded up."""
    if size % GIB == 0:
        return f"{size // GIB}G"
    return f"{-(-size // MIB)}M"


def duration(seconds: int) -> str:
    """Seconds as Slurm's `days-hours:minutes:seconds`."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{days}-{hours:02d}:{minutes:02d}:{secs:02d}"


def _export(experiment: dict) -> str:
    """`--export=NONE`, or only the variables the job's secrets are read from."""
    names = sorted({variable_name(variable, "the secret's source variable")
                    for variable, _ in _secret_sources(experiment)})
    return "--export=" + (",".join(names) if names else "NONE")


def _secret_sources(experiment: dict) -> list[tuple[str, str]]:
    sources = {s["name"]: s for s in experiment["secrets"]}
    found = []
    for name, secret in experiment["secret_vars"].items():
        source = sources[secret]
        found.append((source["variable"] if source["source"] == "env" else name, name))
    return found


def _value(what: str, value) -> str:
    text = str(value)
    if not _SAFE_VALUE.match(text):
        raise BackendError("BLD006", f"slurm {what} {text!r} cannot be written after `#SBATCH`: "
                           "only letters, digits and . , : @ + % = & | [ ] * ( ) ! / - _ are allowed")
    return text


def _extra(arg: str) -> str:
    if _CONTROL.search(arg) or not arg.startswith("-"):
        raise BackendError("BLD006", f"slurm extra_args item {arg!r} must be one option "
                           "starting with `-`, on one line")
    return arg


# ---- the runner's platform -----------------------------------------------------------------

def _platform(experiment: dict, settings: dict, options: Options) -> Platform:
    container = settings.get("container") or "none"
    preamble = ["# srun steps inherit the variables set below, not sbatch's --export setting.",
                "export SLURM_EXPORT_ENV=ALL"]
    modules = [f"module load {sh(_value('module', m))}" for m in settings.get("modules") or []]
    if modules:   # module scripts read unset variables: not under `set -u`
        preamble += ["set +u", *modules, "set -u"]
    launcher, prefix = (), ""
    # The preamble runs before the runner sets $xspec_project, so the image and flake
    # paths are launcher words: they expand when the job starts, with the project known.
    if container == "apptainer":
        image = f"{_artifact(options, 'apptainer', experiment)}/{experiment['name']}.sif"
        gpu = ("--nv",) if experiment["resources"]["gpus"] else ()
        launcher = ("apptainer", "exec", "--cleanenv", *gpu, "--bind", '"$xspec_project"',
                    "--pwd", '"$PWD"', f'"$xspec_project"/{sh(image)}')
        prefix = "APPTAINERENV_"
    elif container == "nix":
        launcher = ("nix", "--extra-experimental-features", sh("nix-command flakes"), "develop",
                    f'"path:$xspec_project"/{sh(_artifact(options, "nix", experiment))}', "--command")
    return Platform(
        name="slurm", index='"${SLURM_ARRAY_TASK_ID:-}"',
        project='"${SLURM_SUBMIT_DIR:?submit this script with sbatch from the project root}"',
        runs='"$xspec_project/runs"', run_id='"${SLURM_ARRAY_JOB_ID:-${SLURM_JOB_ID:-local}}"',
        id_vars=("SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT",
                 "SLURM_JOB_NODELIST"),
        launcher=launcher, container_env_prefix=prefix, restart_var="SLURM_RESTART_COUNT",
        preamble=tuple(preamble))


def _artifact(options: Options, target: str, experiment: dict) -> str:
    """Where `xspec build` put a sibling target's files, relative to the project root."""
    return f"{options.build_dir.rstrip('/')}/{target}/{experiment['name']}"
