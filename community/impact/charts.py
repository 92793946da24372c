"""Charts of the run report: horizontal bars as inline SVG, CSP-safe like the network pictures.

Built with ElementTree (every label escaped), presentation attributes only, direct labels
instead of legends, and a text fallback for every suppressed or missing figure.
"""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from community.i18n import local_number
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
MUTED = "#5b6876"
BAR_COLOUR = PALETTE[0]
MARKER_COLOUR = PALETTE[5]
# A phone's chart: drawn this wide and shown at the screen's width (about 360 px of a 390 px
# phone), so its 12 to 14 px text stays that size instead of being scaled down or cut off.
NARROW_WIDTH = 340
CHAR_WIDTH = 0.62  # of the font size: an average character of the sans-serif, a little generous


@dataclass
class Bar:
    label: str
    value: float | None  # None: shown as `note` instead of a bar
    text: str = ""  # the value as the reader reads it (locale, unit)
    low: float | None = None  # whisker (e.g. mean − spread)
    high: float | None = None
    marker: float | None = None  # a second value, e.g. the expectation or the level before
    note: str = ""
    group: str | None = None  # a heading row above this bar when it changes


def bar_chart(bars: Sequence[Bar], *, title: str, scale: tuple[float, float], ticks: Sequence[float] = (),
              description: str = "", legend: tuple[str, str] | None = None, width: int = 720) -> str:
    """One row per bar; a marker (◆) shows a second value on the same row."""
    label_width, value_width, top, row = 230, 110, 34, 26
    groups = sum(1 for i, b in enumerate(bars) if b.group and (i == 0 or bars[i - 1].group != b.group))
    # The legend's two entries side by side when they fit, else one under the other (a long
    # German label ran off the picture's edge).
    legend_rows = 0 if not legend else 1 if 16 + len(legend[0]) * 6.6 + 34 + len(legend[1]) * 6.6 <= width else 2
    legend_space = 24 + 22 * legend_rows
    height = top + row * len(bars) + 22 * groups + legend_space
    root = _svg(width, height, title, description or title)
    root.set("class", "chart-wide")
    _text(root, 0, 18, title, **{"font-size": "14", "font-weight": "600"})
    low, high = scale
    plot_left, plot_width = label_width, width - label_width - value_width

    def x_of(value: float) -> float:
        value = min(max(value, low), high)
        return plot_left + (value - low) / (high - low) * plot_width if high > low else plot_left

    grid = ET.SubElement(root, "g", {"stroke": GRID_COLOUR})
    bottom = height - legend_space
    for tick in ticks:
        ET.SubElement(grid, "line", {"x1": _n(x_of(tick)), "y1": _n(top - 6), "x2": _n(x_of(tick)), "y2": _n(bottom)})
        _text(root, x_of(tick), bottom + 14, _number(tick), **{"text-anchor": "middle", "font-size": "10", "fill": MUTED})
    y = top
    previous = None
    for bar in bars:
        if bar.group and bar.group != previous:
            _text(root, 0, y + 14, _shorten(bar.group, 60), **{"font-weight": "600", "font-size": "12"})
            y += 22
        previous = bar.group
        _text(root, label_width - 8, y + 15, _shorten(bar.label, 34), **{"text-anchor": "end"})
        if bar.value is None:
            _text(root, plot_left + 4, y + 15, bar.note, **{"fill": MUTED, "font-style": "italic"})
        else:
            start = x_of(max(low, 0.0)) if low < 0 else x_of(low)
            rect = ET.SubElement(root, "rect", {"x": _n(start), "y": _n(y + 4), "width": _n(max(1.0, x_of(bar.value) - start)),
                                                "height": "16", "rx": "2", "fill": BAR_COLOUR})
            ET.SubElement(rect, "title").text = f"{bar.label}: {bar.text}"
            if bar.low is not None and bar.high is not None:
                whisker = {"stroke": TEXT_COLOUR, "stroke-width": "1.5"}
                mid = y + 12
                ET.SubElement(root, "line", {"x1": _n(x_of(bar.low)), "y1": _n(mid), "x2": _n(x_of(bar.high)), "y2": _n(mid), **whisker})
                for end in (bar.low, bar.high):
                    ET.SubElement(root, "line", {"x1": _n(x_of(end)), "y1": _n(mid - 5), "x2": _n(x_of(end)), "y2": _n(mid + 5), **whisker})
            _text(root, plot_left + plot_width + 8, y + 15, bar.text)
        if bar.marker is not None:
            mx, my = x_of(bar.marker), y + 12
            points = f"{_n(mx)},{_n(my - 6)} {_n(mx + 6)},{_n(my)} {_n(mx)},{_n(my + 6)} {_n(mx - 6)},{_n(my)}"
            ET.SubElement(root, "polygon", {"points": points, "fill": MARKER_COLOUR, "stroke": "#ffffff", "stroke-width": "1"})
        y += row
    if legend:
        legend_y = height - 6 - 22 * (legend_rows - 1)
        ET.SubElement(root, "rect", {"x": "0", "y": _n(legend_y - 9), "width": "12", "height": "10", "fill": BAR_COLOUR})
        _text(root, 16, legend_y, legend[0], fill=MUTED)
        if legend_rows == 1:
            mx = 16 + len(legend[0]) * 6.6 + 24
        else:
            mx, legend_y = 6, legend_y + 22
        ET.SubElement(root, "polygon", {"points": f"{_n(mx)},{_n(legend_y - 10)} {_n(mx + 5)},{_n(legend_y - 5)} {_n(mx)},{legend_y} {_n(mx - 5)},{_n(legend_y - 5)}",
                                        "fill": MARKER_COLOUR})
        _text(root, mx + 10, legend_y, legend[1], fill=MUTED)
    return _serialise(root)


def responsive_bar_chart(bars: Sequence[Bar], **options: Any) -> str:
    """The chart twice: side by side for a wide screen, stacked for a phone (the page's style
    sheet shows one of them). Scaled down to a phone the wide one's text was 6 px tall; kept at
    its size it scrolled sideways and hid the values, the scale and the legend."""
    return bar_chart(bars, **options) + narrow_bar_chart(bars, **options)


def narrow_bar_chart(bars: Sequence[Bar], *, title: str, scale: tuple[float, float], ticks: Sequence[float] = (),
                     description: str = "", legend: tuple[str, str] | None = None,
                     width: int = NARROW_WIDTH) -> str:
    """The same chart for a phone: each label on its own line with its value at the line's end,
    the bar under them across the whole width; title and legend wrap instead of running off."""
    body = ET.Element("g")
    y = _lines(body, 0, 0, _wrap(title, width, 14), size=14, weight="600")
    low, high = scale
    left, right = 12.0, width - 12.0

    def x_of(value: float) -> float:
        value = min(max(value, low), high)
        return left + (value - low) / (high - low) * (right - left) if high > low else left

    y += 6
    plot_top, previous = y, None
    for bar in bars:
        if bar.group and bar.group != previous:
            y = _lines(body, 0, y + 4, _wrap(bar.group, width, 13), size=13, weight="600") + 2
        previous = bar.group
        y = _narrow_row(body, bar, y, width, x_of, low)
    grid = ET.Element("g", {"stroke": GRID_COLOUR})
    for tick in ticks:
        ET.SubElement(grid, "line", {"x1": _n(x_of(tick)), "y1": _n(plot_top), "x2": _n(x_of(tick)), "y2": _n(y)})
        _text(body, x_of(tick), y + 14, _number(tick), **{"text-anchor": "middle", "fill": MUTED})
    body.insert(0, grid)  # under the bars
    y += 22 if ticks else 4
    if legend:
        y = _narrow_legend(body, legend, y, width)
    root = _svg(width, int(y + 6), title, description or title)
    root.set("class", "chart-narrow")
    root.append(body)
    return _serialise(root)


def _narrow_row(body: ET.Element, bar: Bar, y: float, width: int, x_of: Callable[[float], float], low: float) -> float:
    """One bar of the phone chart: label (wrapped) and value on a line, the bar below; returns the next row's top."""
    value = bar.text if bar.value is not None else bar.note
    size = 13 if bar.value is not None else 12
    beside = width - 2 - len(value) * size * CHAR_WIDTH - 10  # room for the label left of the value
    label_lines = _wrap(bar.label, beside, 13)
    value_y = y + 13
    if any(len(line) * 13 * CHAR_WIDTH > beside for line in label_lines):  # a word too long to share the line
        label_lines = _wrap(bar.label, width, 13)
        value_y = y + 13 + 17 * len(label_lines)
    style = ({"font-size": "13", "font-weight": "600"} if bar.value is not None
             else {"fill": MUTED, "font-style": "italic"})
    _text(body, width - 2, value_y, value, **{"text-anchor": "end", **style})
    y = max(_lines(body, 0, y, label_lines, size=13), value_y + 4)
    mid = y + 10
    if bar.value is not None:
        start = x_of(low)
        rect = ET.SubElement(body, "rect", {"x": _n(start), "y": _n(mid - 7), "width": _n(max(1.0, x_of(bar.value) - start)),
                                            "height": "14", "rx": "2", "fill": BAR_COLOUR})
        ET.SubElement(rect, "title").text = f"{bar.label}: {bar.text}"
        if bar.low is not None and bar.high is not None:
            whisker = {"stroke": TEXT_COLOUR, "stroke-width": "1.5"}
            ET.SubElement(body, "line", {"x1": _n(x_of(bar.low)), "y1": _n(mid), "x2": _n(x_of(bar.high)), "y2": _n(mid), **whisker})
            for end in (bar.low, bar.high):
                ET.SubElement(body, "line", {"x1": _n(x_of(end)), "y1": _n(mid - 5), "x2": _n(x_of(end)), "y2": _n(mid + 5), **whisker})
    if bar.marker is not None:
        mx = x_of(bar.marker)
        points = f"{_n(mx)},{_n(mid - 6)} {_n(mx + 6)},{_n(mid)} {_n(mx)},{_n(mid + 6)} {_n(mx - 6)},{_n(mid)}"
        ET.SubElement(body, "polygon", {"points": points, "fill": MARKER_COLOUR, "stroke": "#ffffff", "stroke-width": "1"})
    return y + 26


def _narrow_legend(body: ET.Element, legend: tuple[str, str], y: float, width: int) -> float:
    """The legend's two entries one under the other, each wrapped to the width."""
    for index, label in enumerate(legend):
        top = y + 2
        if index == 0:
            ET.SubElement(body, "rect", {"x": "0", "y": _n(top + 2), "width": "12", "height": "10", "fill": BAR_COLOUR})
        else:
            points = f"6,{_n(top + 1)} 11,{_n(top + 7)} 6,{_n(top + 13)} 1,{_n(top + 7)}"
            ET.SubElement(body, "polygon", {"points": points, "fill": MARKER_COLOUR})
        y = _lines(body, 18, y, _wrap(label, width - 18, 12), size=12, fill=MUTED) + 4
    return y


def _wrap(text: str, width: float, size: int) -> list[str]:
    """A text broken into lines that fit `width` at font size `size` (estimated, a little generously)."""
    chars = max(8, int(width / (size * CHAR_WIDTH)))
    return textwrap.wrap(text, chars, break_long_words=False, break_on_hyphens=False) or [""]


def _lines(parent: ET.Element, x: float, y: float, lines: Sequence[str], *, size: int, weight: str = "",
           fill: str = "") -> float:
    """Lines of text from `y` down; returns the y under the last one."""
    step = round(size * 1.3)
    for line in lines:
        y += step
        attributes = {"font-size": str(size)}
        if weight:
            attributes["font-weight"] = weight
        if fill:
            attributes["fill"] = fill
        _text(parent, x, y - round(size * 0.3), line, **attributes)
    return y


def _number(value: float) -> str:
    """An axis figure in the reader's locale (a tick of 2.5 reads "2,5" on a German page)."""
    return str(int(value)) if float(value).is_integer() else local_number(value, 1)
