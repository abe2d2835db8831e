"""Writing what `xspec init` makes: atomically, and never over a file without `--force`."""

from __future__ import annotations

import os
from pathlib import Path


class OutputExists(Exception):
    """The output file is there and `--force` was not given."""


def write_new(path: Path, text: str, force: bool = False) -> None:
    """Write ``text`` to ``path`` all at once: readers see the old file or the new one, never half.

    Without ``force`` an existing file is left alone (OutputExists), even one that
    appears while the text is being written.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.xspec-init.tmp")
    temporary.write_text(text, encoding="utf-8", newline="\n")
    try:
        if force:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _link_new(temporary: Path, path: Path) -> None:
    try:
        os.link(temporary, path)     # fails if the path exists: no window to overwrite it
    except FileExistsError:
        raise OutputExists(str(path)) from None
    except OSError:                  # a file system without hard links
        if path.exists():
            raise OutputExists(str(path)) from None
        os.replace(temporary, path)
