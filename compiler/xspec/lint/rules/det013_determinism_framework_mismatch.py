"""DET013 determinism-framework-mismatch."""

from xspec.diagnostics import Severity
from xspec.lint.patterns import normalize
from xspec.lint.registry import rule
from xspec.lint.walk import field_span

PACKAGES = {
    "pytorch": {"torch"},
    "tensorflow": {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "tf-nightly",
                   "tensorflow-macos", "tensorflow-intel"},
    "jax": {"jax", "jaxlib"},
}


@rule(code="DET013", name="determinism-framework-mismatch", category="determinism",
      severity=Severity.WARNING)
def determinism_framework_mismatch(ctx):
    """## What it does
    Checks that an experiment's determinism profile is for a framework its env
    installs: a `pytorch` profile needs `torch`, a `tensorflow` profile needs
    `tensorflow`, a `jax` profile needs `jax`. It only reports when the env
    installs another of these frameworks instead, so envs that get their
    framework from the image or a module system are left alone.

    ## Why is this bad?
    Each framework reads its own switches: `CUBLAS_WORKSPACE_CONFIG` and
    `torch.use_deterministic_algorithms` for PyTorch, `TF_DETERMINISTIC_OPS` for
    TensorFlow, `XLA_FLAGS=--xla_gpu_deterministic_ops=true` for JAX. A JAX job
    with the PyTorch profile gets none of what JAX needs, and the spec claims a
    determinism the job does not have.

    ## Example
    ```xspec
    env jax { python = "3.11.9", packages = { jax = "==0.4.30" } }

    experiment search {
      env         = jax
      determinism = det.pytorch_strict
      # ...
    }
    ```

    ## Use instead
    ```xspec
    experiment search {
      env         = jax
      determinism = det.jax
      # ...
    }
    ```

    ## Fix safety
    No fix: xspec cannot tell whether the profile or the env is the mistake.
    """
    for exp in ctx.experiments:
        profile, env = exp.determinism, exp.env
        if profile is None or env is None or profile.framework not in PACKAGES:
            continue
        installed = {normalize(name) for name in env.packages}
        if installed & PACKAGES[profile.framework]:
            continue
        others = sorted(f for f, names in PACKAGES.items() if installed & names)
        if others:
            span = field_span(exp.node, "determinism") or exp.node.name.span
            yield ctx.report("DET013", span, profile.name, profile.framework, env.name,
                             " and ".join(others))
