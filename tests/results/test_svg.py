"""The hand-built plots: axes that cover the data, one dot per job, spread bars per x."""

from __future__ import annotations

import math
import re

import pytest

from xspec.results.svg import Series, bar_chart, nice_ticks, spread_plot


@pytest.mark.parametrize("low, high", [(0, 16), (0.644, 0.95), (0, 12), (5, 5), (0.1, 0.3), (-3, -1),
                                       (0, 0), (1e-9, 3e-9), (0.5, 1234.5)])
def test_ticks_cover_the_data_in_round_steps(low, high):
    ticks = nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high and len(ticks) >= 2
    steps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert max(steps) == pytest.approx(min(steps))
    mantissa = steps[0] / 10 ** math.floor(math.log10(steps[0]) + 1e-9)
    assert any(mantissa == pytest.approx(m) for m in (1, 2, 5))


def test_spread_plot_draws_every_job_and_a_bar_per_x():
    series = [Series("width=4", [(0.1, 1.0), (0.1, 1.2), (0.3, 0.5), (0.3, 0.7)]),
              Series("width=16", [(0.1, 0.9), (0.3, 0.4)], colour="#d62728")]
    svg = spread_plot("loss by lr", "lr", "loss", series)
    assert svg.count('class="job"') == 6
    assert svg.count('class="spread"') == 4 and svg.count('class="mean"') == 2
    assert "width=16" in svg and "<title>width=4: 1.2</title>" in svg


def test_points_lie_inside_the_plot_area():
    svg = spread_plot("m", "x", "y", [Series("s", [(0.0, 0.644), (16.0, 0.951)])])
    width, height = (float(v) for v in re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    for cx, cy in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg):
        assert 0 < float(cx) < width and 0 < float(cy) < height


def test_labels_are_escaped():
    svg = bar_chart("a <b> & c", "x", "y", [("<script>", 1.0, "#000")])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a &lt;b&gt; &amp; c" in svg
