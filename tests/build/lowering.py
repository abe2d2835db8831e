"""A one-line harness: an experiment body in, its lowered IR out (errors fail the test)."""

from __future__ import annotations

import textwrap
from pathlib import Path

HEADER = """xspec 1

env e {{ python = "3.11.9" }}

experiment x {{
  env = e
{body}
}}
"""


def write_spec(tmp_path: Path, body: str, name: str = "t.xspec", full: bool = False) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "xspec.toml").write_text("")
    path = tmp_path / name
    path.write_text(textwrap.dedent(body) if full else HEADER.format(body=textwrap.dedent(body)))
    return path


def lower_spec(path: Path, lock=None):
    """(ir, diagnostics) of a spec file."""
    from xspec import api
    from xspec.diagnostics import DiagnosticBag
    from xspec.ir.lower import lower_program

    result = api.check(path)
    errors = [d for d in result.diagnostics if d.severity.name == "ERROR"]
    assert not errors, [f"{d.code} {d.message}" for d in errors]
    bag = DiagnosticBag()
    return lower_program(result, lock, bag), bag.sorted()


def lower_text(tmp_path: Path, body: str, full: bool = False) -> dict:
    """The first experiment of the lowered spec; lowering diagnostics fail the test."""
    ir, diagnostics = lower_spec(write_spec(tmp_path, body, full=full))
    assert not diagnostics, [f"{d.code} {d.message}" for d in diagnostics]
    return ir["experiments"][0]
