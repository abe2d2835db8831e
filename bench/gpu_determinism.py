"""Do determinism profiles make GPU training repeat itself? Issue 12's table, measured through `xspec run`.

    python bench/gpu_determinism.py [--runs N] [--cpu] [--keep DIR]

Each configuration is one experiment of a generated project, N jobs that share one seed
(`seeds = "shared"`), run by `xspec run` one at a time; each job trains a small model whose
forward pass sums with `index_add_` (atomic adds on a GPU, so the order of the additions
varies run to run) and writes the sha256 of its weights. Printed per configuration: the
number of distinct results among the N jobs, and what the records say the framework had
at exit (from the start-up hook).

| configuration | spec |
|---|---|
| seeds only | no determinism profile |
| pytorch_strict, variables only | `det.pytorch_strict` with `enforce = "off"` (xspec before the hook) |
| pytorch_strict | `det.pytorch_strict`, a normal training script |
| pytorch_strict, script switches itself | the same, the script calls `use_deterministic_algorithms(True)` |
| det.jax | `det.jax` (XLA_FLAGS), a JAX script doing the same; skipped without jax |

Without a CUDA GPU it prints one line and exits 0; `--cpu` runs the same on the CPU, which
checks the mechanics (on a CPU every configuration gives 1 distinct result).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

TORCH_JOB = """\
import hashlib, sys
import torch
seed, device, switch = int(sys.argv[1]), sys.argv[2], sys.argv[3] == "self"
if switch:
    torch.use_deterministic_algorithms(True)
    torch.backends.cudnn.benchmark = False
torch.manual_seed(seed)
x = torch.randn(8192, 64, device=device)
index = torch.randint(0, 64, (8192,), device=device)
model = torch.nn.Sequential(torch.nn.Linear(64, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64)).to(device)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for _ in range(100):
    pooled = torch.zeros(64, 64, device=device).index_add_(0, index, model(x))
    loss = pooled.pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
# the weights' bytes, without numpy (not every torch install has it)
digest = hashlib.sha256(b"".join(bytes(p.detach().cpu().flatten().view(torch.uint8).tolist())
                                 for p in model.parameters())).hexdigest()
open("weights.sha256", "w").write(digest + "\\n")
"""

JAX_JOB = """\
import hashlib, sys
import jax, jax.numpy as jnp
seed = int(sys.argv[1])
key = jax.random.PRNGKey(seed % (2**31))
kx, ki, kw = jax.random.split(key, 3)
x = jax.random.normal(kx, (8192, 64))
index = jax.random.randint(ki, (8192,), 0, 64)
w = jax.random.normal(kw, (64, 64)) * 0.1

def loss(w):
    pooled = jax.ops.segment_sum(jnp.tanh(x @ w), index, num_segments=64)
    return (pooled ** 2).mean()

step = jax.jit(lambda w: w - 0.05 * jax.grad(loss)(w))
for _ in range(100):
    w = step(w)
open("weights.sha256", "w").write(hashlib.sha256(bytes(jax.device_get(w).tobytes())).hexdigest() + "\\n")
"""

SPEC = """\
xspec 1
import "std/determinism" as det

env py {{ python = "{python}" }}

profile pytorch_strict_vars_only {{
  framework = "pytorch"
  description = "det.pytorch_strict's variables, switches left to the program (xspec before the hook)"
  deterministic_algorithms = true
  cudnn_benchmark = false
  enforce = "off"
  vars = {{ CUBLAS_WORKSPACE_CONFIG = ":4096:8", PYTHONHASHSEED = "0", OMP_NUM_THREADS = "1" }}
}}
{experiments}
"""

EXPERIMENT = """
experiment {name} {{
  env = py
  seed = 12
  {determinism}
  param trial: int in [0, 1000] = 0 "Which repetition (every job has the same seed)"
  sweep grid {{ trial = [{trials}] }}
  run = ["{python_path}", "{script}", seed, "{device}", "{switch}"]
  outputs = ["weights.sha256"]
}}
"""

CONFIGURATIONS = [
    ("seeds_only", "seeds only", "", "job_torch.py", "program"),
    ("vars_only", "pytorch_strict, variables only", "determinism = pytorch_strict_vars_only", "job_torch.py",
     "program"),
    ("strict", "pytorch_strict", "determinism = det.pytorch_strict", "job_torch.py", "program"),
    ("strict_self", "pytorch_strict, script switches itself", "determinism = det.pytorch_strict",
     "job_torch.py", "self"),
    ("jax", "det.jax", "determinism = det.jax", "job_jax.py", "program"),
]


def probe(code: str) -> str | None:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def make_project(folder: Path, runs: int, device: str, with_jax: bool) -> list[tuple]:
    (folder / "xspec.toml").write_text("")
    (folder / "job_torch.py").write_text(TORCH_JOB)
    (folder / "job_jax.py").write_text(JAX_JOB)
    chosen = [c for c in CONFIGURATIONS if with_jax or c[0] != "jax"]
    experiments = "".join(EXPERIMENT.format(
        name=name, determinism=determinism, trials=", ".join(map(str, range(runs))), python_path=sys.executable,
        script=script, device=device, switch=switch) for name, _, determinism, script, switch in chosen)
    (folder / "bench.xspec").write_text(SPEC.format(python=platform.python_version(), experiments=experiments))
    return chosen


def run_configuration(folder: Path, name: str, cpu: bool) -> dict:
    env = {"PYTHONPATH": str(REPO / "compiler")}
    if cpu:
        env["JAX_PLATFORMS"] = "cpu"
    done = subprocess.run([sys.executable, "-m", "xspec", "run", "bench.xspec", "-e", name], cwd=folder,
                          capture_output=True, text=True, env={**_environ(), **env})
    if not done.stdout.strip():
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    run = Path(done.stdout.strip().splitlines()[-1])
    results, failed, switched = set(), 0, set()
    for job in sorted(p for p in run.iterdir() if p.name.isdigit()):
        record = json.loads((job / "xspec-provenance.json").read_text())
        if record["exit_code"] != 0:
            failed += 1
            continue
        results.add((job / "weights.sha256").read_text().strip())
        for process in record["determinism"]["processes"]:
            state = process["frameworks"].get("pytorch") or {}
            switched.add(state.get("deterministic_algorithms"))
    return {"distinct": len(results), "failed": failed, "at_exit": sorted(map(str, switched)), "run": str(run)}


def _environ() -> dict:
    import os

    return dict(os.environ)



def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="jobs per configuration (default 3)")
    parser.add_argument("--cpu", action="store_true", help="run on the CPU (checks the mechanics only)")
    parser.add_argument("--keep", type=Path, help="make the project here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    torch_version = probe("import torch; print(torch.__version__)")
    if torch_version is None:
        print("gpu_determinism: skipped: torch is not importable by", sys.executable)
        return 0
    gpu = probe("import torch; print(torch.cuda.get_device_name() if torch.cuda.is_available() else '')")
    if not gpu and not args.cpu:
        print("gpu_determinism: skipped: no CUDA GPU (pass --cpu to check the mechanics on the CPU)")
        return 0
    jax_version = probe("import jax; print(jax.__version__)")
    device = "cpu" if args.cpu else "cuda"
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        chosen = make_project(folder, args.runs, device, jax_version is not None)
        print(f"device: {gpu if device == 'cuda' else 'cpu'}; torch {torch_version}; "
              f"jax {jax_version or 'not importable (det.jax skipped)'}; {args.runs} runs each")
        print(f"{'configuration':42s} {'distinct results':>16s}  failed  torch determinism at exit")
        for name, label, *_ in chosen:
            found = run_configuration(folder, name, args.cpu)
            if "error" in found:
                print(f"{label:42s} {'error':>16s}  {found['error']}")
                continue
            print(f"{label:42s} {found['distinct']:>16d}  {found['failed']:>6d}  {', '.join(found['at_exit']) or '-'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
