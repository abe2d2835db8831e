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
