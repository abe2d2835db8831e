"""Slurm: one sbatch script per experiment, the sweep as a job array.

The array index is the job index; the script embeds the job runner (runner.py), and
the index -> job mapping with it unless the table is large: then it is a file beside
the script, `<experiment>.jobs`, whose sha256 the script checks. A sweep of more jobs
than `max_array_size` (the cluster's MaxArraySize) is submitted as several arrays of the
same script, array k with XSPEC_ARRAY_OFFSET = k * max_array_size (`arrays`).
Field mapping: docs/targets.md.
"""

from __future__ import annotations

import re

from xspec.backends.common import BackendError, Options, comment_block, header_lines, sh, variable_name
from xspec.backends.runner import Platform, index_offset, runner_with_table

# A value after `#SBATCH --opt=`: no spaces, quotes or shell characters (sbatch reads
# these lines itself, and a newline would start a directive of its own).
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9_.,:@+%=&|\[\]*()!/-]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MIB, GIB = 2**20, 2**30
MAX_ARRAY_SIZE = 1001       # Slurm's default MaxArraySize: array indices 0-1000
OFFSET_VAR = "XSPEC_ARRAY_OFFSET"
RUN_ID_VAR = "XSPEC_RUN_ID"
BUNDLE = "bundle"           # where `xspec submit` keeps the job table (run/layout.py)


def build(ir: dict, options: Options) -> dict[str, str]:
    files = {}
    for experiment in ir["experiments"]:
        script, table = sbatch_files(ir, experiment, options)
        files[f"{experiment['name']}.sbatch"] = script
        if table is not None:
            files[f"{experiment['name']}.jobs"] = table
    return files


def sbatch(ir: dict, experiment: dict, options: Options) -> str:
    return sbatch_files(ir, experiment, options)[0]


def sbatch_files(ir: dict, experiment: dict, options: Options) -> tuple[str, str | None]:
    """The script, and its job table when that is too large to be part of it."""
    settings = _settings(experiment)
    modules = settings.get("modules") or []
    shebang = "#!/bin/bash -l\n" if modules else "#!/bin/bash\n"
    body, parts = runner_with_table(ir, experiment, _platform(experiment, settings, options),
                                    _table_paths(experiment, options))
    script = (shebang + comment_block(header_lines(ir, experiment) + _how_to_run(experiment, bool(parts)))
              + "".join(f"#SBATCH {d}\n" for d in directives(experiment, settings))
              + "\nset -euo pipefail\n" + body)
    return script, (parts[0] if parts else None)


def _table_paths(experiment: dict, options: Options) -> tuple[str, ...]:
    """Where a job finds the table: in the run's bundle (`xspec submit` puts it there), else
    beside the script in the build folder (`sbatch build/slurm/<experiment>.sbatch`)."""
    return (f'"$xspec_runs/$xspec_experiment/$xspec_run_id"/{BUNDLE}/{sh(experiment["name"] + ".jobs")}',
            f'"$xspec_project"/{sh(_artifact(options, "slurm", experiment) + ".jobs")}')


def _settings(experiment: dict) -> dict:
    target = experiment["targets"].get("slurm")
    return dict(target["settings"]) if target else {}


# ---- arrays: a sweep larger than the cluster's MaxArraySize -------------------------------

def max_array_size(experiment: dict) -> int:
    return int(_settings(experiment).get("max_array_size") or MAX_ARRAY_SIZE)


def arrays(experiment: dict, jobs: list[int] | None = None) -> list[tuple[int, list[int]]]:
    """(offset, task indices) of each array the jobs are submitted as: job i is task
    i - offset of the array with offset (i // max_array_size) * max_array_size."""
    size = max_array_size(experiment)
    found: dict[int, list[int]] = {}
    for index in range(experiment["job_count"]) if jobs is None else jobs:
        found.setdefault(index // size * size, []).append(index % size)
    return sorted(found.items())


def _how_to_run(experiment: dict, sidecar: bool) -> list[str]:
    table = [(f"The job table is {experiment['name']}.jobs beside this script (checked by its "
              "sha256 before use).")] if sidecar else []
    size = max_array_size(experiment)
    chunks = [] if experiment["job_count"] <= size else [
        (f"{experiment['job_count']} jobs are more than max_array_size = {size}: `xspec submit` "
         f"submits this script as {len(arrays(experiment))} arrays, array k with --array=0-(n-1) and "
         f"{OFFSET_VAR}=k*{size} (job index = offset + SLURM_ARRAY_TASK_ID), all in one run folder.")]
    if experiment.get("needs"):     # a step of a graph: its inputs come from other arrays
        after = ", ".join(n["step"] for n in experiment["needs"])
        return ["", (f"A step after {after}: submit the graph with `xspec submit`, which chains "
                     "the arrays with --dependency and links runs/<step>/<job id>/upstream/."),
                (f"Each job writes runs/{experiment['name']}/<array job id>/<index>/, with "
                 "xspec-provenance.json."), *chunks, *table]
    how = "Submit from the project root:  " + ("xspec submit <spec>" if chunks else "sbatch <this file>")
    return ["", how, f"Each job writes runs/{experiment['name']}/<array job id>/<index>/, with "
            "xspec-provenance.json.", *chunks, *table]


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
    spec = f"--array=0-{min(experiment['job_count'], max_array_size(experiment)) - 1}"
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
    names = export_names(experiment)
    return "--export=" + (",".join(names) if names else "NONE")


def export_names(experiment: dict) -> list[str]:
    """The variables a job takes from the submitting environment: its secrets' sources."""
    return sorted({variable_name(variable, "the secret's source variable")
                   for variable, _ in _secret_sources(experiment)})


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
    preamble += [*index_offset("SLURM_ARRAY_TASK_ID", OFFSET_VAR),
                 f'if ! [[ ${{{RUN_ID_VAR}:-0}} =~ ^[0-9]+$ ]]; then echo "xspec: {RUN_ID_VAR} is not a Slurm job id" >&2; exit 64; fi']
    return Platform(
        name="slurm", index='"$xspec_task"',
        project='"${SLURM_SUBMIT_DIR:?submit this script with sbatch from the project root}"',
        # The arrays of one sweep share the first one's run folder (xspec submit sets the id).
        runs='"$xspec_project/runs"', run_id=f'"${{{RUN_ID_VAR}:-${{SLURM_ARRAY_JOB_ID:-${{SLURM_JOB_ID:-local}}}}}}"',
        id_vars=("SLURM_JOB_ID", "SLURM_ARRAY_JOB_ID", "SLURM_ARRAY_TASK_ID", "SLURM_RESTART_COUNT",
                 "SLURM_JOB_NODELIST"),
        launcher=launcher, container_env_prefix=prefix, restart_var="SLURM_RESTART_COUNT",
        preamble=tuple(preamble))


def _artifact(options: Options, target: str, experiment: dict) -> str:
    """Where `xspec build` put a sibling target's files, relative to the project root."""
    return f"{options.build_dir.rstrip('/')}/{target}/{experiment['name']}"
