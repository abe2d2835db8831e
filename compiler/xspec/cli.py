"""The `xspec` command line: one module per command, each loading specs through ``xspec.api``.

Each command lives in ``xspec/commands/<name>.py`` and is imported only when it
runs, so `xspec check` never pays for the modules `xspec build` needs.
Exit codes: 0 clean, 1 problems found, 2 usage or internal error.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from xspec import __version__

COMMANDS = {
    "check": ("xspec.commands.check", "Check and lint specs: errors, reproducibility, pinning, secrets."),
    "fmt": ("xspec.commands.fmt", "Rewrite specs in the canonical layout."),
    "init": ("xspec.commands.init", "Write a spec from requirements, MLproject, DVC, Hydra, sbatch..."),
    "lsp": ("xspec.commands.lsp", "Start the language server for editors (LSP over stdio)."),
    "lock": ("xspec.commands.lock", "Pin every package, image, nixpkgs commit and data file."),
    "status": ("xspec.commands.status", "Report drift between spec, lock, data and installed packages."),
    "rule": ("xspec.commands.rule", "Explain a lint rule, or list them all (--all)."),
    "build": ("xspec.commands.build", "Compile a spec to IR, Slurm, Kubernetes, Docker, Apptainer, Nix."),
    "run": ("xspec.commands.run", "Run a spec's jobs here, with provenance and an RO-Crate."),
    "submit": ("xspec.commands.submit", "Compile and submit a spec's jobs to Slurm (sbatch)."),
    "jobs": ("xspec.commands.jobs", "State of a project's runs, local and Slurm."),
    "verify": ("xspec.commands.verify", "Check a run's record against what is on disk."),
    "reproduce": ("xspec.commands.reproduce", "Re-run a job from its run bundle and compare output hashes."),
    "diff": ("xspec.commands.diff", "Why results differ: compare two specs, locks or run bundles."),
    "results": ("xspec.commands.results", "Tables, an HTML report and repeatability figures of runs' metrics."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return module.command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xspec")
def cli() -> None:
    """xspec: typed, linted, locked experiment specs."""


def main(argv: list[str] | None = None) -> int:
    try:
        return cli.main(args=argv, prog_name="xspec", standalone_mode=False) or 0
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return 2
    except click.exceptions.Exit as e:
        return e.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:  # noqa: BLE001 - the last line of defence: never a bare traceback
        if os.environ.get("XSPEC_DEBUG"):
            raise
        click.echo(f"xspec: internal error: {type(e).__name__}: {e}\n"
                   "Please report this with the spec that caused it; set XSPEC_DEBUG=1 "
                   "for a traceback.", err=True)
        return 2


def run() -> None:
    sys.exit(main())
