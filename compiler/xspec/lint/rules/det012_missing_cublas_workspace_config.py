"""DET012 missing-cublas-workspace-config."""

import re

from xspec.diagnostics import Severity
from xspec.lint.patterns import normalize, pinned_version, version_tuple
from xspec.lint.registry import rule
from xspec.lint.walk import effective_vars, field_span

VALID = (":4096:8", ":16:8")


@rule(code="DET012", name="missing-cublas-workspace-config", category="determinism",
      severity=Severity.WARNING)
def missing_cublas_workspace_config(ctx):
    """## What it does
    Checks GPU experiments that turn on PyTorch's deterministic algorithms for a
    `CUBLAS_WORKSPACE_CONFIG` of `:4096:8` or `:16:8` in their `vars` (env,
    profile or experiment). The check knows which versions need it: PyTorch 1.7
    and later (the first with a deterministic mode), built for CUDA 10.2 or later.
    A `torch` pin such as `==1.6.0`, `==1.8.1+cu101` (CUDA 10.1), `+cpu` or
    `+rocm5.7` is left alone; an unpinned `torch` is assumed to be recent.

    ## Why is this bad?
    From CUDA 10.2, cuBLAS matrix products are only reproducible with a fixed
    workspace configuration. PyTorch knows this: with
    `torch.use_deterministic_algorithms(True)` and the variable unset, the first
    cuBLAS call raises a RuntimeError, so the job fails after it has queued and
    started, not when the spec is written.

    ## Example
    ```xspec
    profile strict {
      framework                = "pytorch"
      deterministic_algorithms = true
    }
    ```

    ## Use instead
    ```xspec
    profile strict {
      framework                = "pytorch"
      deterministic_algorithms = true
      vars = { CUBLAS_WORKSPACE_CONFIG = ":4096:8" }
    }
    ```
    (`det.pytorch_strict` from `std/determinism` sets it.)

    ## Fix safety
    No fix: `:4096:8` and `:16:8` trade memory for speed differently.
    """
    for exp in ctx.experiments:
        if not _applies(exp):
            continue
        value = effective_vars(exp).get("CUBLAS_WORKSPACE_CONFIG")
        span = field_span(exp.node, "determinism") or exp.node.name.span
        if value is None:
            torch = _torch_version(exp) or "recent PyTorch"
            yield ctx.report("DET012", span, f"deterministic algorithms on a GPU with {torch} "
                             "need CUBLAS_WORKSPACE_CONFIG", hints=[
                                 'add vars = { CUBLAS_WORKSPACE_CONFIG = ":4096:8" }, or use '
                                 "det.pytorch_strict"])
        elif isinstance(value, str) and value not in VALID:
            yield ctx.report("DET012", span, f"CUBLAS_WORKSPACE_CONFIG is {value!r}; cuBLAS is "
                             "deterministic only with \":4096:8\" or \":16:8\"")


def _applies(exp) -> bool:
    profile = exp.determinism
    gpus = exp.resources.gpus if exp.resources is not None else None
    if not gpus or profile is None or profile.deterministic_algorithms is not True:
        return False
    packages = _packages(exp)
    if profile.framework != "pytorch" and "torch" not in packages:
        return False
    return needs_workspace(packages.get("torch", ""))


def needs_workspace(spec: str) -> bool:
    """Whether this torch pin has a deterministic mode that calls cuBLAS on CUDA >= 10.2."""
    version = pinned_version(spec)
    if version is None:
        return True
    release, _, local = version.partition("+")
    if version_tuple(release) < (1, 7):
        return False
    if local.startswith(("cpu", "rocm")):
        return False
    cuda = re.fullmatch(r"cu(\d)(\d)|cu(\d\d)(\d)", local)
    if cuda:
        major, minor = (int(g) for g in cuda.groups() if g is not None)
        return (major, minor) >= (10, 2)
    return True


def _packages(exp) -> dict[str, str]:
    env = exp.env
    return {normalize(k): v for k, v in (env.packages if env is not None else {}).items()
            if isinstance(v, str)}


def _torch_version(exp) -> str | None:
    version = pinned_version(_packages(exp).get("torch", ""))
    return f"torch {version}" if version else None
