"""Plots as hand-built SVG text: points with a mean line and min-max bars, lines, bars.

Hand-built because the report must be one self-contained file with no network, and
`xspec` must stay a light install: matplotlib would be a heavy optional dependency for
three kinds of chart, and a JavaScript plotting library would have to be inlined
(hundreds of kilobytes) into every report. Everything here is text, so tests read it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 440, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 28, 44
LEGEND_WIDTH = 150               # pixels right of the plot area, when there is a legend
MAX_BAR = 40                     # pixels: a chart of one or two bars keeps them slim
MAX_LABELS = 16                  # x labels shown at most; more are thinned out
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
STATE_COLOURS = {"done": "#2ca02c", "failed": "#d62728", "running": "#1f77b4", "pending": "#9467bd",
                 "cancelled": "#7f7f7f", "not run": "#bcbd22", "unknown": "#c7c7c7"}


@dataclass
class Series:
    label: str
    points: list[tuple[float, float]] = field(default_factory=list)    # every job's value
    colour: str = PALETTE[0]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: steps of 1, 2 or 5 times a power of ten."""
    if high <= low:
        low, high = low - (abs(low) or 1) * 0.5, high + (abs(high) or 1) * 0.5
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(n * step, 12) for n in range(first, max(last, first + 1) + 1)]


class _Frame:
    """Maps data to pixels inside the plot area and draws the axes."""

    def __init__(self, xs: list[float], ys: list[float], categories: list[str] | None = None):
        self.categories = categories
        self.xticks = list(range(len(categories))) if categories else nice_ticks(min(xs), max(xs))
        self.yticks = nice_ticks(min(ys), max(ys))
        self.x0, self.x1 = (-0.5, len(categories) - 0.5) if categories else (self.xticks[0], self.xticks[-1])
        self.y0, self.y1 = self.yticks[0], self.yticks[-1]

    def x(self, value: float) -> float:
        span = (self.x1 - self.x0) or 1
        return LEFT + (value - self.x0) / span * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        span = (self.y1 - self.y0) or 1
        return HEIGHT - BOTTOM - (value - self.y0) / span * (HEIGHT - TOP - BOTTOM)

    def axes(self, title: str, xlabel: str, ylabel: str) -> list[str]:
        parts = [f'<text x="{WIDTH / 2}" y="16" text-anchor="middle" class="title">{escape(title)}</text>',
                 f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" class="axis"/>',
                 f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" class="axis"/>',
                 f'<text x="{WIDTH / 2}" y="{HEIGHT - 6}" text-anchor="middle">{escape(xlabel)}</text>',
                 f'<text x="14" y="{HEIGHT / 2}" text-anchor="middle" '
                 f'transform="rotate(-90 14 {HEIGHT / 2})">{escape(ylabel)}</text>']
        every = max(1, math.ceil(len(self.xticks) / MAX_LABELS))
        for tick in self.xticks[::every]:
            text = self.categories[int(tick)] if self.categories else _num(tick)
            parts.append(f'<text x="{self.x(tick):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
                         f'{escape(text)}</text>')
        for tick in self.yticks:
            parts.append(f'<line x1="{LEFT}" y1="{self.y(tick):.1f}" x2="{WIDTH - RIGHT}" '
                         f'y2="{self.y(tick):.1f}" class="grid"/>')
            parts.append(f'<text x="{LEFT - 6}" y="{self.y(tick) + 4:.1f}" text-anchor="end">{_num(tick)}</text>')
        return parts


def _num(value: float) -> str:
    return f"{value:.4g}"


def _svg(parts: list[str], label: str, legend: bool = False) -> str:
    """The plot area is WIDTH wide; a legend gets a column of its own to the right."""
    width = WIDTH + (LEGEND_WIDTH if legend else 0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {HEIGHT}" width="{width}" '
            f'height="{HEIGHT}" role="img" aria-label="{escape(label)}">' + "".join(parts) + "</svg>")


def spread_plot(title: str, xlabel: str, ylabel: str, series: list[Series],
                categories: list[str] | None = None) -> str:
    """Each job a dot; per x, a bar from min to max and the mean joined by a line."""
    xs = [x for s in series for x, _ in s.points]
    ys = [y for s in series for _, y in s.points]
    frame = _Frame(xs, ys, categories)
    parts = frame.axes(title, xlabel, ylabel)
    for s in series:
        parts += _spread_series(frame, s)
    parts += _legend(series)
    return _svg(parts, title, legend=len(series) > 1)


def _spread_series(frame: _Frame, s: Series) -> list[str]:
    by_x: dict[float, list[float]] = {}
    for x, y in s.points:
        by_x.setdefault(x, []).append(y)
    parts, means = [], []
    for x, values in sorted(by_x.items()):
        px = frame.x(x)
        parts.append(f'<line x1="{px:.1f}" y1="{frame.y(min(values)):.1f}" x2="{px:.1f}" '
                     f'y2="{frame.y(max(values)):.1f}" stroke="{s.colour}" class="spread"/>')
        parts += [f'<circle cx="{px:.1f}" cy="{frame.y(v):.1f}" r="3" fill="{s.colour}" class="job">'
                  f'<title>{escape(s.label)}: {_num(v)}</title></circle>' for v in values]
        means.append(f"{px:.1f},{frame.y(math.fsum(values) / len(values)):.1f}")
    parts.append(f'<polyline points="{" ".join(means)}" fill="none" stroke="{s.colour}" class="mean"/>')
    return parts


def _legend(series: list[Series]) -> list[str]:
    if len(series) < 2:
        return []
    parts = []
    for i, s in enumerate(series):
        y = TOP + 4 + i * 14
        parts.append(f'<rect x="{WIDTH}" y="{y}" width="10" height="10" fill="{s.colour}"/>'
                     f'<text x="{WIDTH + 14}" y="{y + 9}" class="legend">{escape(s.label)}</text>')
    return parts


def line_plot(title: str, xlabel: str, ylabel: str, series: list[Series]) -> str:
    """One line per series (a job's per-step curve)."""
    frame = _Frame([x for s in series for x, _ in s.points], [y for s in series for _, y in s.points])
    parts = frame.axes(title, xlabel, ylabel)
    for s in series:
        points = " ".join(f"{frame.x(x):.1f},{frame.y(y):.1f}" for x, y in s.points)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{s.colour}" class="curve">'
                     f'<title>{escape(s.label)}</title></polyline>')
    return _svg(parts + _legend(series[:len(PALETTE)]), title, legend=len(series) > 1)


def bar_chart(title: str, xlabel: str, ylabel: str, bars: list[tuple[str, float, str]]) -> str:
    """Bars (label, value, colour) from zero, in the order given."""
    values = [v for _, v, _ in bars]
    frame = _Frame([0.0], [0.0, *values], [label for label, _, _ in bars])
    parts = frame.axes(title, xlabel, ylabel)
    width = min(MAX_BAR, max(2.0, (WIDTH - LEFT - RIGHT) / max(len(bars), 1) * 0.7))
    for i, (label, value, colour) in enumerate(bars):
        top, base = frame.y(max(value, 0.0)), frame.y(0.0)
        parts.append(f'<rect x="{frame.x(i) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                     f'height="{max(base - top, 0.5):.1f}" fill="{colour}" class="bar">'
                     f'<title>{escape(label)}: {_num(value)}</title></rect>')
    return _svg(parts, title)
