"""The trend chart: one line per health figure, programme runs under the dates, inert SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from community.network.charts import draw_trend

SVG = "{http://www.w3.org/2000/svg}"


def test_trend_chart_draws_a_line_and_a_tooltip_per_point():
    svg = draw_trend(["1 Jan", "1 Jun", "1 Dec"], {"Overloaded": [0, 2, 1], "Idle <b>": [5, 4, 3]},
                     title="Health", groups=["Run 2025", "Run 2025", "Run 2026"])
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert len(root.findall(f".//{SVG}polyline")) == 2
    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert "Overloaded, 1 Jun: 2" in tooltips and "Idle <b>, 1 Dec: 3" in tooltips
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("Run 2025") == 1 and "Run 2026" in texts  # written where the run changes
    assert "<script" not in svg and "style=" not in svg and "<b>" not in svg


def test_trend_chart_without_snapshots_says_so():
    svg = draw_trend([], {"Overloaded": []}, title="Health", empty="No snapshot yet")
    assert "No snapshot yet" in svg
