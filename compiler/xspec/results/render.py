"""Tables as text (aligned columns), CSV, JSON or markdown.

Text and markdown show numbers to 6 significant digits and a missing value as `-`;
CSV and JSON keep every digit (Python's shortest round-trip form) and leave a missing
value empty (`null` in JSON).
"""

from __future__ import annotations

import csv
import io
import json

from xspec.results.table import Table

FORMATS = ("text", "csv", "json", "markdown")
SHOWN_DIGITS = 6


def render(tables: list[Table], fmt: str) -> str:
    return {"text": _text, "csv": _csv, "json": _json, "markdown": _markdown}[fmt](tables)


def shown(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{SHOWN_DIGITS}g}"
    return str(value)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(tables: list[Table]) -> str:
    return "\n".join(_text_table(t) for t in tables)


def _text_table(table: Table) -> str:
    cells = [[shown(r.get(c)) for c in table.columns] for r in table.rows]
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(table.columns)]
    numeric = [any(_is_number(r.get(c)) for r in table.rows) for c in table.columns]
    lines = [f"{table.experiment}: {len(table.rows)} row{'s' * (len(table.rows) != 1)}",
             _line(table.columns, widths, numeric)]
    lines += [_line(row, widths, numeric) for row in cells]
    return "\n".join(lines) + "\n"


def _line(cells: list[str], widths: list[int], numeric: list[bool]) -> str:
    return "  ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)).rstrip()


def _markdown(tables: list[Table]) -> str:
    parts = []
    for table in tables:
        align = ["---:" if any(_is_number(r.get(c)) for r in table.rows) else "---" for c in table.columns]
        lines = [f"## {table.experiment}", "", _md_row(table.columns), _md_row(align)]
        lines += [_md_row([shown(r.get(c)) for c in table.columns]) for r in table.rows]
        parts.append("\n".join(lines) + "\n")
    return "\n".join(parts)


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def _csv(tables: list[Table]) -> str:
    """One CSV for all experiments: an `experiment` column first, the columns of each."""
    columns = ["experiment"] + list(dict.fromkeys(c for t in tables for c in t.columns))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for table in tables:
        for row in table.rows:
            writer.writerow([table.experiment] + [_raw(row.get(c)) for c in columns[1:]])
    return out.getvalue()


def _raw(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def _json(tables: list[Table]) -> str:
    return json.dumps({"experiments": [
        {"experiment": t.experiment, "columns": t.columns, "params": t.params, "metrics": t.metrics,
         "rows": [{c: r.get(c) for c in t.columns} for r in t.rows]} for t in tables]}, indent=2) + "\n"
