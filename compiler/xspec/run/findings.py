"""A finding about a run (a changed output, a missing record, ...): a RUN code and its
arguments, printed as one line. Findings have no span in a spec, so they are not
``Diagnostic``s, but their codes, names and messages live in ``xspec.codes`` with the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

HASH_SHOWN = 12
_HASH = re.compile(r"sha256:([0-9a-f]{64})")
# Notes, not differences: a failed or unrecorded job is what the run recorded, and an
# input that could not be compared is not a mismatch, nor is a job reused by `--resume`.
NOT_A_DIFFERENCE = ("RUN007", "RUN008", "RUN011", "RUN023")


@dataclass(frozen=True)
class Finding:
    code: str
    args: tuple

    @property
    def info(self):
        from xspec.codes import CODES

        return CODES[self.code]

    @property
    def message(self) -> str:
        return self.info.message.format(*self.args)

    @property
    def is_difference(self) -> bool:
        return self.code not in NOT_A_DIFFERENCE

    def line(self) -> str:
        from xspec.report.printable import printable_line

        shown = tuple(short_hash(a) if isinstance(a, str) else a for a in self.args)
        # Paths and values come from a run folder, which anyone may have written: escaped.
        return printable_line(f"{self.code} {self.info.name}: {self.info.message.format(*shown)}")

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.info.name, "severity": str(self.info.severity),
                "message": self.message}


def short_hash(text: str) -> str:
    """Every `sha256:<64 hex>` in ``text`` shortened, for one-line reports."""
    return _HASH.sub(lambda m: f"sha256:{m[1][:HASH_SHOWN]}…", text)
