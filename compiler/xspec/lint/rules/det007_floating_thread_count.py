"""DET007 floating-thread-count."""

import re

from xspec.diagnostics import Severity
from xspec.lint.registry import rule
from xspec.lint.walk import effective_vars, field_span


@rule(code="DET007", name="floating-thread-count", category="determinism",
      severity=Severity.WARNING)
def floating_thread_count(ctx):
    """## What it does
    Checks for experiments whose OpenMP/BLAS thread count is left to the machine:
    no determinism profile with `threads`, and no `OMP_NUM_THREADS` in the env's,
    the profile's or the experiment's `vars` (or one that is not a fixed number).

    ## Why is this bad?
    OpenMP, OpenBLAS and MKL start one thread per core they can see. A parallel
    sum adds in a different order with a different number of threads, and
    floating-point addition is not associative, so the same job gives slightly
    different numbers on a 16-core node than on a 64-core node. OpenBLAS and MKL
    fall back to `OMP_NUM_THREADS` when their own variables are unset, so pinning
    it pins all three.

    ## Example
    ```xspec
    experiment fit {
      run = ["python", "fit.py"]
    }
    ```

    ## Use instead
    ```xspec
    experiment fit {
      determinism = det.numpy          # threads = 1 and OMP/MKL/OPENBLAS_NUM_THREADS
      run = ["python", "fit.py"]
    }
    ```
    or `vars = { OMP_NUM_THREADS = "8" }` to keep 8 threads, fixed.

    ## Fix safety
    No fix: how many threads a job should use is a performance decision.
    """
    for exp in ctx.experiments:
        if exp.determinism is not None and exp.determinism.threads is not None:
            continue
        value = effective_vars(exp).get("OMP_NUM_THREADS")
        span = field_span(exp.node, "determinism") or exp.node.name.span
        if value is None:
            yield ctx.report("DET007", span, "the OpenMP/BLAS thread count is left to the "
                             "machine", hints=["use a determinism profile (e.g. det.numpy) or "
                                               "set vars = { OMP_NUM_THREADS = \"1\" }"])
        elif isinstance(value, (str, int)) and not re.fullmatch(r"[1-9][0-9]*", str(value)):
            yield ctx.report("DET007", span, f"OMP_NUM_THREADS is {str(value)!r}, not a fixed "
                             "number of threads")
