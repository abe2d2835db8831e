"""The HTML report: one self-contained page, nothing fetched (a Content-Security-Policy
of `default-src 'none'` makes sure), with the results tables, a plot of each metric
against each swept param (every job a dot, min-max bars, the mean joined), per-step
curves from CSV metrics, job durations and states, and each run's provenance.
"""

from __future__ import annotations

from html import escape

from xspec import __version__
from xspec.results.load import RunResults
from xspec.results.render import shown
from xspec.results.svg import PALETTE, STATE_COLOURS, Series, bar_chart, line_plot, spread_plot
from xspec.results.table import Table, metric_names

MAX_CURVES = 24                   # per-step curves drawn per metric; more are left out (said)
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; cursor: pointer; }
.plots { display: flex; flex-wrap: wrap; gap: 12px; }
svg { background: #fff; border: 1px solid #ddd; font-size: 11px; }
svg .title { font-size: 13px; font-weight: 600; }
svg .axis { stroke: #444; } svg .grid { stroke: #eee; }
svg .mean, svg .curve { stroke-width: 2; } svg .spread { stroke-width: 6; opacity: 0.3; }
code { font-size: 12px; } .wide { overflow-x: auto; }
"""
# Click a column header to sort by it; marks the page as loaded for the browser test.
SCRIPT = """
document.querySelectorAll("table.results").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var key = function (row) { var t = row.cells[column].textContent; var n = parseFloat(t);
                                 return isNaN(n) ? t : n; };
      var up = th.dataset.order !== "up"; th.dataset.order = up ? "up" : "down";
      rows.sort(function (a, b) { var x = key(a), y = key(b); return (x > y ? 1 : x < y ? -1 : 0) * (up ? 1 : -1); });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
});
document.documentElement.setAttribute("data-xspec-report", "ready");
"""


def report(runs: list[RunResults], tables: list[Table]) -> str:
    names = list(dict.fromkeys(r.manifest["experiment"] for r in runs))
    body = [f"<h1>xspec results: {escape(', '.join(names))}</h1>",
            f"<p>{len(runs)} run{'s' * (len(runs) != 1)}, "
            f"{sum(len(r.rows) for r in runs)} jobs. Written by xspec {escape(__version__)}.</p>"]
    for table in tables:
        body += [f"<h2>Results: {escape(table.experiment)}</h2>",
                 f'<div class="wide">{html_table(table)}</div>']
    for name in names:
        group = [r for r in runs if r.manifest["experiment"] == name]
        body += _plots(name, group) + _curves(name, group)
    body += _states(runs) + _durations(runs) + _provenance(runs)
    return _page(" ".join(names), "\n".join(body))


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
            f"<title>xspec results: {escape(title)}</title><style>{STYLE}</style></head>\n"
            f"<body>\n{body}\n<script>{SCRIPT}</script>\n</body></html>\n")


def html_table(table: Table, css: str = "results") -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = []
    for row in table.rows:
        cells = []
        for column in table.columns:
            value = row.get(column)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            css_class = ' class="num"' if number else ""
            cells.append(f"<td{css_class}>{escape(shown(value))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="{css}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


# ---- plots ----------------------------------------------------------------------------------------

def _plots(name: str, runs: list[RunResults]) -> list[str]:
    rows = [row for r in runs for row in r.rows if row.state == "done"]
    swept = list(dict.fromkeys(p for r in runs for p in r.swept))
    metrics = metric_names(rows)
    if not swept or not metrics or not rows:
        return [f"<h2>Plots: {escape(name)}</h2><p>No plot: "
                + ("no swept param" if not swept else "no job with metrics") + ".</p>"]
    plots = [_metric_plot(metric, param, swept, rows) for metric in metrics for param in swept]
    return [f"<h2>Metrics against swept params: {escape(name)}</h2>",
            "<p>Each dot is a job; the bar spans the replicates' min to max, the line joins "
            "their means. Other swept params are held apart as separate series.</p>",
            '<div class="plots">' + "".join(p for p in plots if p) + "</div>"]


def _metric_plot(metric: str, param: str, swept: list[str], rows) -> str:
    values = [row.params.get(param) for row in rows]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    categories = None if numeric else sorted({str(v) for v in values})
    others = [p for p in swept if p != param]
    series: dict[str, Series] = {}
    for row in rows:
        if metric not in row.metrics.values:
            continue
        label = ", ".join(f"{p}={shown(row.params.get(p))}" for p in others) or metric
        s = series.setdefault(label, Series(label, colour=PALETTE[len(series) % len(PALETTE)]))
        x = row.params.get(param)
        s.points.append((x if numeric else categories.index(str(x)), row.metrics.values[metric]))
    if not series:
        return ""
    return spread_plot(f"{metric} by {param}", param, metric, list(series.values()), categories)


def _curves(name: str, runs: list[RunResults]) -> list[str]:
    rows = [row for r in runs for row in r.rows if row.metrics.curves]
    names = sorted({c for row in rows for c in row.metrics.curves})
    if not names:
        return []
    parts = [f"<h2>Per-step curves: {escape(name)}</h2>"]
    plots = []
    for curve in names:
        having = [row for row in rows if curve in row.metrics.curves]
        series = [Series(f"job {row.index}", row.metrics.curves[curve], PALETTE[i % len(PALETTE)])
                  for i, row in enumerate(having[:MAX_CURVES])]
        plots.append(line_plot(f"{curve} per step", "step", curve, series))
        if len(having) > MAX_CURVES:
            parts.append(f"<p>{curve}: the first {MAX_CURVES} of {len(having)} jobs are drawn.</p>")
    return parts + ['<div class="plots">' + "".join(plots) + "</div>"]


def _states(runs: list[RunResults]) -> list[str]:
    parts = ["<h2>Job states</h2>", '<div class="plots">']
    for run in runs:
        counts: dict[str, int] = {}
        for row in run.rows:
            counts[row.state] = counts.get(row.state, 0) + 1
        bars = [(state, float(n), STATE_COLOURS.get(state, "#999")) for state, n in sorted(counts.items())]
        parts.append(bar_chart(f"{run.name}: job states", "state", "jobs", bars))
    return parts + ["</div>"]


def _durations(runs: list[RunResults]) -> list[str]:
    parts = ["<h2>Job durations</h2>",
             "<p>Each job is one step of its run: wall time from its record's start to end "
             "(whole seconds, as the record holds them).</p>", '<div class="plots">']
    for run in runs:
        bars = [(str(row.index), row.duration or 0.0, STATE_COLOURS.get(row.state, "#999")) for row in run.rows]
        parts.append(bar_chart(f"{run.name}: duration per job", "job", "seconds", bars))
    return parts + ["</div>"]


# ---- provenance -----------------------------------------------------------------------------------

def _provenance(runs: list[RunResults]) -> list[str]:
    parts = ["<h2>Provenance</h2>"]
    for run in runs:
        rows = [{"field": k, "value": v} for k, v in provenance(run)]
        parts += [f"<h3>{escape(run.name)}</h3>",
                  html_table(Table(run.name, ["field", "value"], rows), css="provenance")]
    return parts


def provenance(run: RunResults) -> list[tuple[str, str]]:
    m, env = run.manifest, run.experiment.get("env") or {}
    git = m.get("git") or {}
    data = {p: i.get("sha256") for p, i in (m.get("inputs") or {}).items() if i.get("kind") == "data"}
    return [("run folder", str(run.run.path)), ("executor", m.get("executor")),
            ("launched", m.get("launched")), ("host", m.get("host")),
            ("spec", f"{m['spec']['path']} {m['spec']['digest']}"),
            ("lock", (m.get("lock") or {}).get("digest") or "none"),
            ("git commit", f"{git.get('commit')}{' (dirty)' if git.get('dirty') else ''}" if git else "not in git"),
            ("environment", _environment(env)),
            ("container image", m.get("container_image") or "none"),
            ("isolated venv", m.get("isolated") or "no"),
            ("data", ", ".join(f"{p} {h}" for p, h in sorted(data.items())) or "none"),
            ("xspec", m.get("xspec_version"))]


def _environment(env: dict) -> str:
    packages = env.get("packages") or []
    return (f"env {env.get('name')}: python {env.get('python')}, {len(packages)} locked "
            f"package{'s' * (len(packages) != 1)}" + (f", image {env['image']}" if env.get("image") else ""))
