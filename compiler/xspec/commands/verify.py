"""`xspec verify RUN_DIR`: compare a run's recorded outputs, records, bundle, inputs, spec
and lock with what is on disk; report every difference.

Exit codes: 0 everything matches, 1 differences, 2 usage errors (not a run folder, no crate).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from xspec.run.report import guarded


@click.command("verify")
@click.argument("run_dir", type=click.Path(exists=True, path_type=Path))
@click.option("--project", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Where the run's project (its code and data) is now, if it moved.")
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="How to print the report.")
@guarded
def command(run_dir: Path, project: Path | None, output_format: str) -> int:
    """Check RUN_DIR's recorded outputs, inputs, spec and lock against the disk."""
    from xspec.run.layout import open_run
    from xspec.run.verify import verify_run

    result = verify_run(open_run(run_dir), project)
    if output_format == "json":
        click.echo(json.dumps({"run": str(result.run.path), "checked": result.checked,
                               "differences": len(result.differences),
                               "findings": [f.to_dict() for f in result.findings]}, indent=2))
    else:
        _print(result)
    return 1 if result.differences else 0


def _print(result) -> None:
    from xspec.run.report import shown

    m = result.manifest
    click.echo(f"verify {shown(result.run.path)} ({m['experiment']}, {m['executor']} run, "
               f"{len(m['jobs'])} jobs)")
    checked = ", ".join(f"{count} {what}{'s' * (count != 1)}" for what, count in result.checked.items())
    click.echo(f"  compared: {checked}")
    for finding in result.findings:
        click.echo(f"  {finding.line()}")
    count = len(result.differences)
    click.echo("everything matches the record" if not count else
               f"{count} difference{'s' * (count != 1)}")
