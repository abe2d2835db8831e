"""``--statistics``: how often each code was reported, most frequent first."""

from __future__ import annotations

import json
from collections import Counter

from xspec.diagnostics import Diagnostic


def count(diagnostics: list[Diagnostic]) -> list[dict]:
    from xspec.codes import CODES

    counts = Counter(d.code for d in diagnostics)
    fixable = {d.code for d in diagnostics if d.fix is not None and d.fix.safe}
    rows = [{"code": code, "name": CODES[code].name if code in CODES else code, "count": n,
             "fixable": code in fixable} for code, n in counts.items()]
    return sorted(rows, key=lambda r: (-r["count"], r["code"]))


def render_statistics(diagnostics: list[Diagnostic], output_format: str = "full") -> str:
    rows = count(diagnostics)
    if output_format == "json":
        return json.dumps(rows, indent=2) + "\n"
    return "".join(f"{r['count']:>5}  {r['code']:<7} [{'*' if r['fixable'] else ' '}] {r['name']}\n"
                   for r in rows)
