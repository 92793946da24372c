"""The trend chart of pool health across snapshots: a CSP-safe SVG line chart.

Built like drawing.py (ElementTree, presentation attributes only, deterministic output), so
it renders under the strict Content-Security-Policy as an <img>.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class _Frame:
    """Where a trend chart draws: its size, the plot's margins and the text's size."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    legend_row: int
    inset: int  # room for the first and last dates
    narrow: bool

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> float:
        return float(self.top + self.plot_height)


def _frame(series_count: int, width: int, height: int, narrow: bool) -> _Frame:
    if narrow:  # the legend under the lines, one figure per row
        bottom = 64 + series_count * 20
        return _Frame(360, 246 + bottom, 36, 14, 56, bottom, font=12, legend_row=20, inset=40, narrow=True)
    return _Frame(width, height, 44, 220, 40, 60, font=10, legend_row=18, inset=60, narrow=False)


def _x_positions(frame: _Frame, count: int) -> list[float]:
    if count == 1:
        return [float(frame.left + frame.plot_width / 2)]
    span = frame.plot_width - 2 * frame.inset
    return [frame.left + frame.inset + index * span / (count - 1) for index in range(count)]


def _draw_grid(root: ET.Element, frame: _Frame, top_value: int, step: int) -> None:
    grid = ET.SubElement(root, "g", {"class": "grid", "stroke": GRID_COLOUR, "font-size": str(frame.font)})
    for index in range(5):
        value = step * index
        y = frame.base - value / top_value * frame.plot_height
        ET.SubElement(grid, "line", {"x1": _n(frame.left), "y1": _n(y), "x2": _n(frame.left + frame.plot_width),
                                     "y2": _n(y)})
        _text(root, frame.left - 6, y + 3, str(value), **{"text-anchor": "end", "font-size": str(frame.font)})


def _shown_dates(frame: _Frame, labels: Sequence[str]) -> set[int]:
    """As many dates as fit side by side, evenly spread, the first and the last among them."""
    span = frame.plot_width - 2 * frame.inset
    label_width = max(len(_shorten(label, 14)) for label in labels) * frame.font * 0.62 + 10
    fits = max(2, int(span // label_width) + 1)
    if len(labels) <= fits:
        return set(range(len(labels)))
    return {round(k * (len(labels) - 1) / (fits - 1)) for k in range(fits)}


def _draw_axis(root: ET.Element, frame: _Frame, labels: Sequence[str], groups: Sequence[str | None],
               xs: list[float]) -> None:
    axis = ET.SubElement(root, "g", {"class": "axis", "font-size": str(frame.font), "text-anchor": "middle"})
    shown = _shown_dates(frame, labels)
    previous_group, free_from = None, float("-inf")
    for index, label in enumerate(labels):
        if index in shown:
            _text(axis, xs[index], frame.base + frame.font + 6, _shorten(label, 14))
        group = groups[index] if index < len(groups) else None
        if group and group != previous_group:
            text = _shorten_middle(group, 16 if frame.narrow else 24)
            half = len(text) * frame.font * 0.31
            if xs[index] - half >= free_from:  # a run's name that would run into the last one is left out
                _text(axis, xs[index], frame.base + 2 * frame.font + 10, text, fill="#5b6876")
                free_from = xs[index] + half + 6
        previous_group = group


def _draw_series(root: ET.Element, frame: _Frame, labels: Sequence[str], series: Mapping[str, Sequence[float]],
                 xs: list[float], top_value: int) -> None:
    lines = ET.SubElement(root, "g", {"class": "series", "fill": "none", "stroke-width": "2"})
    legend = ET.SubElement(root, "g", {"class": "legend", "font-size": str(frame.font + 1)})
    for rank, (name, points) in enumerate(series.items()):
        colour = LINE_PALETTE[rank % len(LINE_PALETTE)]
        coordinates = [(xs[i], frame.base - float(v) / top_value * frame.plot_height) for i, v in enumerate(points)]
        if len(coordinates) > 1:
            ET.SubElement(lines, "polyline",
                          {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates), "stroke": colour})
        for (dot_x, dot_y), label, point in zip(coordinates, labels, points, strict=False):
            dot = ET.SubElement(lines, "circle", {"cx": _n(dot_x), "cy": _n(dot_y), "r": "3.5", "fill": colour,
                                                  "stroke": colour})
            ET.SubElement(dot, "title").text = f"{name}, {label}: {_n(point)}"
        if frame.narrow:  # under the dates and runs
            row_x, row_y = 12.0, frame.base + 2 * frame.font + 26 + rank * frame.legend_row
        else:
            row_x, row_y = frame.width - frame.right + 16.0, frame.top + rank * frame.legend_row
        ET.SubElement(legend, "rect", {"x": _n(row_x), "y": _n(row_y), "width": "10", "height": "10", "rx": "2",
                                       "fill": colour})
        _text(legend, row_x + 15, row_y + 9, _shorten(name, 40 if frame.narrow else 30), fill=TEXT_COLOUR)


def _draw_title(root: ET.Element, title: str, narrow: bool) -> None:
    """The title on one line; for a phone in up to two lines of what fits its width."""
    if not narrow:
        _text(root, 12, 22, title, **{"font-size": "15", "font-weight": "600"})
        return
    fits = int((360 - 24) / (14 * 0.62))
    lines = textwrap.wrap(title, fits)
    if len(lines) > 2:
        lines = [lines[0], _shorten(" ".join(lines[1:]), fits)]
    for number, line in enumerate(lines):
        _text(root, 12, 18 + 17 * number, line, **{"font-size": "14", "font-weight": "600"})


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
    frame = _frame(len(series), width, height, narrow)
    root = _svg(frame.width, frame.height, title, f"{len(labels)} snapshots, {len(series)} figures.")
    _draw_title(root, title, narrow)
    highest = max(1.0, float(max((v for points in series.values() for v in points), default=0)))
    step = max(1, int(-(-highest // 4)))  # a round top value: the grid lines land on whole numbers
    _draw_grid(root, frame, step * 4, step)
    if not labels:
        _text(root, frame.left + 10, frame.top + frame.plot_height / 2, empty, **{"font-size": "12"})
        return _serialise(root)
    xs = _x_positions(frame, len(labels))
    _draw_axis(root, frame, labels, groups, xs)
    _draw_series(root, frame, labels, series, xs, step * 4)
    return _serialise(root)
