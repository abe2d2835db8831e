"""DET006 cudnn-benchmark-with-determinism."""

from xspec.diagnostics import Fix, Severity
from xspec.lint.edits import replace
from xspec.lint.registry import rule
from xspec.lint.walk import field_span


@rule(code="DET006", name="cudnn-benchmark-with-determinism", category="determinism",
      severity=Severity.WARNING, fix="unsafe")
def cudnn_benchmark_with_determinism(ctx):
    """## What it does
    Checks for determinism profiles that ask for deterministic algorithms and
    also turn cuDNN benchmarking on (`cudnn_benchmark = true`), and for
    experiments that use such a profile from another module.

    ## Why is this bad?
    cuDNN benchmarking times several convolution algorithms on the first batch
    and keeps the fastest. Timings vary, so different runs pick different
    algorithms, which round differently: results change even though every
    algorithm is individually deterministic. PyTorch documents that
    `torch.backends.cudnn.benchmark` must be `False` for reproducible results.

    ## Example
    ```xspec
    profile fast_strict {
      framework                = "pytorch"
      deterministic_algorithms = true
      cudnn_benchmark          = true
    }
    ```

    ## Use instead
    ```xspec
    profile strict {
      framework                = "pytorch"
      deterministic_algorithms = true
      cudnn_benchmark          = false
    }
    ```

    ## Fix safety
    The fix sets `cudnn_benchmark = false` in a profile of the same file. It is
    unsafe only in that training may become slower.
    """
    for profile in ctx.profiles:
        if _conflicts(profile):
            span = field_span(profile.node, "cudnn_benchmark")
            fix = Fix("set `cudnn_benchmark = false`", (replace(span, "false"),), safe=False)
            yield ctx.report("DET006", span, profile.name, fix=fix)
    local = {id(p) for p in ctx.module.profiles.values()}
    for exp in ctx.experiments:
        profile = exp.determinism
        if profile is not None and id(profile) not in local and _conflicts(profile):
            span = field_span(exp.node, "determinism") or exp.node.name.span
            yield ctx.report("DET006", span, profile.name)


def _conflicts(profile) -> bool:
    return profile.cudnn_benchmark is True and profile.deterministic_algorithms is True
