"""Per-job provenance records (``xspec-provenance.json``, written by the job runner).

The runner writes one record per job, local or on a cluster, whatever the outcome:
spec and lock digests, git commit, host, scheduler ids, params, seed, argv, the job's
variables, start and end times, exit code, and the sha256 of every output
(docs/targets.md shows one). This module only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass

from xspec.run.layout import RunDir, RunError, read_json

# The fields two runs of the same job must agree on (local vs Slurm, run vs reproduction).
IDENTITY_FIELDS = ("params", "seed", "argv", "env")


@dataclass
class JobRecord:
    index: int
    data: dict

    @property
    def exit_code(self) -> int:
        return int(self.data.get("exit_code", -1))

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def outputs(self) -> dict[str, str | None]:
        return dict(self.data.get("outputs") or {})

    def identity(self) -> dict:
        """What the job was: params, seed, argv and variables (not where or when it ran)."""
        return {"params": self.data.get("params"), "seed": (self.data.get("job") or {}).get("seed"),
                "argv": self.data.get("argv"), "env": self.data.get("env")}


def read_record(run: RunDir, index: int) -> JobRecord | None:
    """Job ``index``'s record, or None when the job wrote none."""
    path = run.record_path(index)
    if not path.is_file():
        return None
    data = read_json(path, "provenance record")
    if not isinstance(data, dict) or data.get("xspec_provenance") != 1:
        raise RunError(f"{path}: not an xspec provenance record (version 1)")
    return JobRecord(index, data)


def read_records(run: RunDir, jobs: list[int]) -> dict[int, JobRecord | None]:
    return {index: read_record(run, index) for index in jobs}


def job_identity(job: dict) -> dict:
    """The same four fields from a compiled IR job."""
    return {"params": job["params"], "seed": job["seed"], "argv": job["argv"], "env": job["env"]}


# ---- determinism: what the profile asked for against what the framework had at exit ----------

# profile field -> (framework state field, what it must be, how a reader sees it)
_TORCH_SWITCHES = (
    ("deterministic_algorithms", "deterministic_algorithms", True, "torch.are_deterministic_algorithms_enabled()"),
    ("deterministic_algorithms", "cudnn_deterministic", True, "torch.backends.cudnn.deterministic"),
    ("cudnn_benchmark", "cudnn_benchmark", False, "torch.backends.cudnn.benchmark"),
)


def determinism_problems(record: JobRecord) -> list[str]:
    """Where the job's framework, at exit, did not have what its profile switches on."""
    determinism = record.data.get("determinism") or {}
    profile = determinism.get("profile") or {}
    if profile.get("enforce", "off") == "off" or profile.get("framework") not in ("pytorch", "tensorflow"):
        return []
    problems = []
    for process in determinism.get("processes") or []:
        state = (process.get("frameworks") or {}).get(profile["framework"])
        if state is not None:
            problems += _framework_problems(profile, state, process.get("pid"))
    return problems


def _framework_problems(profile: dict, state: dict, pid) -> list[str]:
    where = f"process {pid}"
    error = (state.get("hook") or {}).get("error") or state.get("state_error")
    if error:
        return [f"{where}: profile {profile.get('name')} could not be applied or read: {error}"]
    if profile["framework"] == "tensorflow":
        if profile.get("deterministic_algorithms") and state.get("op_determinism") is False:
            return [f"{where}: TensorFlow op determinism was off at exit; profile "
                    f"{profile.get('name')} switches it on"]
        return []
    problems = []
    for asked, field, wanted, shown in _TORCH_SWITCHES:
        if _asks(profile, asked, wanted) and field in state and state[field] != wanted:
            problems.append(f"{where}: {shown} was {state[field]} at exit; profile {profile.get('name')} "
                            f"sets it to {wanted} (the program changed it)")
    if profile.get("deterministic_algorithms") and profile.get("enforce") == "strict" and state.get("warn_only"):
        problems.append(f"{where}: deterministic algorithms were warn-only at exit; profile "
                        f"{profile.get('name')} is strict")
    return problems


def _asks(profile: dict, field: str, wanted: bool) -> bool:
    value = profile.get(field)
    return value is True if wanted else value is False
