"""DET005 gpu-without-determinism."""

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="DET005", name="gpu-without-determinism", category="determinism",
      severity=Severity.WARNING)
def gpu_without_determinism(ctx):
    """## What it does
    Checks for experiments that ask for GPUs without a determinism profile that
    turns on deterministic algorithms (`deterministic_algorithms = true`).

    ## Why is this bad?
    Seeding is not enough on a GPU. Many kernels (atomic adds in scatter and
    index operations, cuDNN's autotuned convolutions, some backward passes)
    add floating-point numbers in whatever order the threads finish. Measured on
    an H100: seeded-only PyTorch training gave 3 different results in 3 runs;
    with deterministic algorithms on and cuDNN benchmarking off, 3 identical
    results. A profile from `std/determinism` sets what each framework needs.

    ## Example
    ```xspec
    experiment train {
      seed = 1
      resources { gpus = 1, memory = 32GiB, time = 4h }
      # ...
    }
    ```

    ## Use instead
    ```xspec
    import "std/determinism" as det

    experiment train {
      seed        = 1
      determinism = det.pytorch_strict
      resources { gpus = 1, memory = 32GiB, time = 4h }
      # ...
    }
    ```

    ## Fix safety
    No fix: the right profile depends on the framework, and deterministic kernels
    can be slower or raise for operations that have none.
    """
    for exp in ctx.experiments:
        gpus = exp.resources.gpus if exp.resources is not None else None
        if not gpus:
            continue
        profile = exp.determinism
        if profile is None:
            span = field_span(exp.resources.node, "gpus") or exp.node.name.span
            yield ctx.report("DET005", span, f"experiment `{exp.name}` uses GPUs without a "
                             "determinism profile", hints=[
                                 "add `determinism = det.pytorch_strict` (or det.tensorflow, "
                                 "det.jax) with `import \"std/determinism\" as det`"])
        elif profile.deterministic_algorithms is not True:
            span = field_span(exp.node, "determinism") or exp.node.name.span
            yield ctx.report("DET005", span, f"determinism profile `{profile.name}` allows "
                             "nondeterministic GPU kernels", hints=[
                                 "use a profile with `deterministic_algorithms = true`, "
                                 "e.g. det.pytorch_strict"])
