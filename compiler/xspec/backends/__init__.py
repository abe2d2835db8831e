"""Backends: the IR becomes the files a target runs. One module per target.

Each backend exposes ``build(ir, options) -> dict[relative path, text]`` and reads
the IR only (never the AST or the checked model). ``TARGETS`` names them in the
order `--target all` builds them.
"""

TARGETS = ("ir", "lock", "slurm", "k8s", "docker", "apptainer", "nix")
