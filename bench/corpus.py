"""A corpus of realistic ~80-line specs for benchmarks (and the same content as YAML)."""

from __future__ import annotations

from pathlib import Path

SPEC = '''xspec 1

# Benchmark spec {n}: an image classifier with a grid sweep.

data train_{n} {{
  url = "https://data.example.org/sets/train-{n}.tar.gz"
  sha256 = "{sha}"
  version = "2024.{minor}"
  description = "training split {n}"
}}

data test_{n} {{
  url = "https://data.example.org/sets/test-{n}.tar.gz"
  sha256 = "{sha}"
  version = "2024.{minor}"
}}

env torch_{n} {{
  python = "3.11.9"
  image = "docker.io/library/python:3.11.9-slim@sha256:{sha}"
  nixpkgs = "github:NixOS/nixpkgs/{rev}"
  packages = {{
    torch = "==2.3.1"
    torchvision = "==0.18.1"
    numpy = "==1.26.4"
    pandas = "==2.2.2"
  }}
  system = ["libgl1=1.6.0-1", "git=1:2.39.5-0+deb12u1"]
  vars = {{ OMP_NUM_THREADS = "1", MKL_NUM_THREADS = "1" }}
}}

profile strict_{n} {{
  framework = "pytorch"
  deterministic_algorithms = true
  cudnn_benchmark = false
  threads = 1
  vars = {{ CUBLAS_WORKSPACE_CONFIG = ":4096:8", PYTHONHASHSEED = "0" }}
}}

experiment classify_{n} {{
  description = "ResNet baseline {n}"
  env = torch_{n}
  data = [train_{n}, test_{n}]
  seed = {seed}
  replicates = 3
  determinism = strict_{n}

  param lr: float in [1e-5, 1.0] = 0.1 "Peak learning rate"
  param batch_size: int in {{64, 128, 256}} = 128
  param optimizer: enum("sgd", "adamw") = "sgd"
  param epochs: int in [1, 500] = 90
  param warmup: duration = 10m

  sweep grid {{
    lr = [0.01, 0.1, 0.5]
    batch_size = [128, 256]
    optimizer = ["sgd", "adamw"]
  }}

  resources {{
    cpus = 8
    gpus = 1
    memory = 32GiB
    time = 4h
  }}

  run = ["python", "train.py", "--lr", lr, "--batch-size", batch_size,
         "--optimizer", optimizer, "--epochs", epochs, "--warmup", warmup,
         "--seed", seed, "--train", train_{n}.path, "--test", test_{n}.path]
  outputs = ["metrics.json", "model.pt"]

  secret wandb_key from env("WANDB_API_KEY")

  target slurm {{ partition = "gpu", account = "ml-lab", max_parallel = 4 }}
  target k8s {{ namespace = "research" }}
}}
'''

YAML = '''# Benchmark spec {n}
data:
  train_{n}: {{url: "https://data.example.org/sets/train-{n}.tar.gz", sha256: "{sha}", version: "2024.{minor}"}}
  test_{n}: {{url: "https://data.example.org/sets/test-{n}.tar.gz", sha256: "{sha}", version: "2024.{minor}"}}
env:
  torch_{n}:
    python: "3.11.9"
    image: "docker.io/library/python:3.11.9-slim@sha256:{sha}"
    nixpkgs: "github:NixOS/nixpkgs/{rev}"
    packages: {{torch: "==2.3.1", torchvision: "==0.18.1", numpy: "==1.26.4", pandas: "==2.2.2"}}
    system: ["libgl1=1.6.0-1", "git=1:2.39.5-0+deb12u1"]
    vars: {{OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1"}}
experiment:
  classify_{n}:
    description: "ResNet baseline {n}"
    env: torch_{n}
    data: [train_{n}, test_{n}]
    seed: {seed}
    replicates: 3
    params:
      lr: {{type: float, min: 0.00001, max: 1.0, default: 0.1}}
      batch_size: {{type: int, enum: [64, 128, 256], default: 128}}
      optimizer: {{type: string, enum: [sgd, adamw], default: sgd}}
      epochs: {{type: int, min: 1, max: 500, default: 90}}
    sweep:
      grid: {{lr: [0.01, 0.1, 0.5], batch_size: [128, 256], optimizer: [sgd, adamw]}}
    resources: {{cpus: 8, gpus: 1, memory: 32GiB, time: 4h}}
    run: [python, train.py, --lr, "{{lr}}", --seed, "{{seed}}"]
    outputs: [metrics.json, model.pt]
    targets:
      slurm: {{partition: gpu, account: ml-lab, max_parallel: 4}}
      k8s: {{namespace: research}}
'''


def _values(n: int) -> dict:
    sha = f"{n:064x}"[-64:]
    return dict(n=n, sha=sha, rev=f"{n:040x}", minor=n % 12 + 1, seed=20250000 + n)


def write_corpus(folder: Path, count: int = 1000, yaml: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "xspec.toml").write_text("")
    template, suffix = (YAML, ".yaml") if yaml else (SPEC, ".xspec")
    paths = []
    for n in range(count):
        path = folder / f"spec_{n:04d}{suffix}"
        path.write_text(template.format(**_values(n)))
        paths.append(path)
    return paths
