"""The trend chart of pool health across snapshots: a CSP-safe SVG line chart.

Built like drawing.py (ElementTree, presentation attributes only, deterministic output), so
it renders under the strict Content-Security-Policy as an <img>.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Mapping, Sequence

from community.network.drawing.svg import (
    PALETTE,
    TEXT_COLOUR,
    _n,
    _serialise,
    _shorten,
    _svg,
    _text,
)

GRID_COLOUR = "#d9e0e7"
# The palette without its yellow: a thin line of it on white is hard to see.
LINE_PALETTE = tuple(colour for colour in PALETTE if colour != "#F0E442")


def _shorten_middle(label: str, length: int) -> str:
    """Cut in the middle: runs differ at their end ("Reverse…ing 2025", "Reverse…ing 2026")."""
    if len(label) <= length:
        return label
    head = (length - 1) // 2
    return label[:head].rstrip() + "…" + label[-(length - 1 - head):].lstrip()


def draw_trend(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    groups: Sequence[str | None] = (),
    empty: str = "Nothing to show",
    width: int = 760,
    height: int = 320,
    narrow: bool = False,
) -> str:
    """One line per series over the snapshots (x: `labels` in order), legend on the right.

    `groups` (e.g. the programme run of each snapshot) is written under the labels where it
    changes. Each point carries a <title> tooltip "series, label: value". `narrow` draws it
    for a phone (360 wide, shown 1:1): larger text, fewer dates, the legend under the lines.
    """
    series_count = len(series)
    if narrow:
        width, font, legend_row = 360, 12, 20
        left, right, top, bottom = 36, 14, 40, 64 + series_count * legend_row
        height = 230 + bottom
    else:
        font, legend_row = 10, 18
        left, right, top, bottom = 44, 220, 40, 60
    plot_width, plot_height = width - left - right, height - top - bottom
    root = _svg(width, height, title, f"{len(labels)} snapshots, {series_count} figures.")
    _text(root, 12, 22, _shorten(title, 40) if narrow else title, **{"font-size": "15", "font-weight": "600"})
    values = [v for points in series.values() for v in points]
    highest = max(values, default=0)
    highest = max(1.0, float(highest))
    # A round top value so the grid lines land on whole numbers.
    step = max(1, int(-(-highest // 4)))
    top_value = step * 4
    grid = ET.SubElement(root, "g", {"class": "grid", "stroke": GRID_COLOUR, "font-size": str(font)})
    for index in range(5):
        value = step * index
        y = top + plot_height - value / top_value * plot_height
        ET.SubElement(grid, "line", {"x1": _n(left), "y1": _n(y), "x2": _n(left + plot_width), "y2": _n(y)})
        _text(root, left - 6, y + 3, str(value), **{"text-anchor": "end", "font-size": str(font)})
    if not labels:
        _text(root, left + 10, top + plot_height / 2, empty, **{"font-size": "12"})
        return _serialise(root)

    inset = 40 if narrow else 60  # room for the first and last labels

    def x_of(index: int) -> float:
        if len(labels) == 1:
            return float(left + plot_width / 2)
        return left + inset + index * (plot_width - 2 * inset) / (len(labels) - 1)

    axis = ET.SubElement(root, "g", {"class": "axis", "font-size": str(font), "text-anchor": "middle"})
    # As many dates as fit side by side, evenly spread, the first and the last among them.
    span = plot_width - 2 * inset
    label_width = max(len(_shorten(label, 14)) for label in labels) * font * 0.62 + 10
    fits = max(2, int(span // label_width) + 1)
    shown = {round(k * (len(labels) - 1) / (fits - 1)) for k in range(fits)} if len(labels) > fits else set(range(len(labels)))
    previous_group = None
    for index, label in enumerate(labels):
        if index in shown:
            _text(axis, x_of(index), top + plot_height + font + 6, _shorten(label, 14))
        group = groups[index] if index < len(groups) else None
        if group and group != previous_group:
            _text(axis, x_of(index), top + plot_height + 2 * font + 10, _shorten_middle(group, 16 if narrow else 24),
                  fill="#5b6876")
        previous_group = group
    lines = ET.SubElement(root, "g", {"class": "series", "fill": "none", "stroke-width": "2"})
    legend = ET.SubElement(root, "g", {"class": "legend", "font-size": str(font + 1)})
    for rank, (name, points) in enumerate(series.items()):
        colour = LINE_PALETTE[rank % len(LINE_PALETTE)]
        coordinates: list[tuple[float, float]] = [
            (x_of(i), top + plot_height - float(v) / top_value * plot_height) for i, v in enumerate(points)
        ]
        if len(coordinates) > 1:
            ET.SubElement(
                lines,
                "polyline",
                {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates), "stroke": colour},
            )
        for (dot_x, dot_y), label, point in zip(coordinates, labels, points, strict=False):
            dot = ET.SubElement(lines, "circle", {"cx": _n(dot_x), "cy": _n(dot_y), "r": "3.5", "fill": colour,
                                                  "stroke": colour})
            ET.SubElement(dot, "title").text = f"{name}, {label}: {_n(point)}"
        if narrow:  # under the dates and runs, one figure per row
            row_x, row_y = 12.0, top + plot_height + 2 * font + 26 + rank * legend_row
        else:
            row_x, row_y = width - right + 16.0, top + rank * legend_row
        ET.SubElement(legend, "rect", {"x": _n(row_x), "y": _n(row_y), "width": "10",
                                       "height": "10", "rx": "2", "fill": colour})
        _text(legend, row_x + 15, row_y + 9, _shorten(name, 40 if narrow else 30), fill=TEXT_COLOUR)
    return _serialise(root)
