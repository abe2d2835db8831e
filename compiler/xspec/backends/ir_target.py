"""The ir target: the IR itself, as JSON (`xspec build --target ir` prints it)."""

from __future__ import annotations

import posixpath

from xspec.backends.common import Options
from xspec.ir.model import dumps


def build(ir: dict, options: Options) -> dict[str, str]:
    stem = posixpath.splitext(posixpath.basename(ir["spec"]["path"]))[0]
    return {f"{stem}.json": dumps(ir)}
