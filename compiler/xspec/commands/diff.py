"""`xspec diff A B`: a semantic diff of two specs, two lockfiles or two run folders.

Exit codes (like diff(1)): 0 no difference, 1 differences, 2 usage errors (different
kinds, unreadable inputs); spec errors are printed as diagnostics (exit 1).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from xspec.run.report import guarded


@click.command("diff")
@click.argument("a", type=click.Path(exists=True, path_type=Path))
@click.argument("b", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="How to print the differences.")
@guarded(failed="nothing was compared")
def command(a: Path, b: Path, output_format: str) -> int:
    """Why did results change? Compare two specs, two locks or two run folders."""
    from xspec.run.diff import diff_paths

    left, right, difference = diff_paths(a, b)
    if output_format == "json":
        click.echo(json.dumps({"kind": left.kind, "a": left.label, "b": right.label,
                               "differences": dict(difference.sections())}, indent=2))
        return 1 if difference.count else 0
    click.echo(f"--- {left.label}\n+++ {right.label}")
    for section, lines in difference.sections():
        click.echo(section)
        for line in lines:
            click.echo(f"  {line}")
    count = difference.count
    click.echo(f"no difference between the two {left.kind}s" if not count else
               f"{count} difference{'s' * (count != 1)}")
    return 1 if count else 0
