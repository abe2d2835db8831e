"""`xspec lsp`: the language server, speaking LSP over stdin and stdout."""

from __future__ import annotations

import click


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin/stdout (the default; accepted "
              "because editors' clients pass it).")
def command(stdio: bool) -> int:
    """Start the language server for editors (diagnostics, hover, completion, ...)."""
    try:
        from xspec.lsp.server import main
    except ImportError as e:
        raise click.ClickException(f"`xspec lsp` needs pygls, which xspec depends on: reinstall xspec, "
                                   f"or pip install 'pygls>=2.0,<3' ({e})") from None
    main()
    return 0
