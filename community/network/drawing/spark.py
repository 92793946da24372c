"""Sparklines and threshold bars: tiny SVG pictures inlined in pages (pure, CSP-safe).

Built with ElementTree (every text escaped), presentation attributes only (no `style=`), so
they can sit inline in HTML under the strict Content-Security-Policy. The numbers are always
written next to them in words: the pictures are `aria-hidden` unless a title is given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Sequence

from community.network.drawing.svg import SVG_NS, _n, _serialise

SPARK_COLOUR = "#0d6efd"
SPARK_MUTED = "#adb5bd"
BAR_COLOUR = "#0d6efd"
BAR_MET_COLOUR = "#198754"
BAR_TRACK = "#e9ecef"
MARKER_COLOUR = "#212529"


def _root(width: int, height: int, title: str | None) -> ET.Element:
    attributes = {"xmlns": SVG_NS, "width": str(width), "height": str(height),
                  "viewBox": f"0 0 {width} {height}", "class": "sparkline", "focusable": "false"}
    if title:
        attributes["role"] = "img"
        attributes["aria-label"] = title
    else:
        attributes["aria-hidden"] = "true"
    root = ET.Element("svg", attributes)
    if title:
        ET.SubElement(root, "title").text = title
    return root


def sparkline_svg(values: Sequence[float | int | None], *, width: int = 120, height: int = 32,
                  title: str | None = None) -> str:
    """A line through the values (oldest first), the last point marked; flat when all equal."""
    points = [float(v or 0) for v in values]
    root = _root(width, height, title)
    if not points:
        return _serialise(root)
    pad = 3.0
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def y(value: float) -> float:
        if high == low:
            return height / 2
        return height - pad - (value - low) / span * (height - 2 * pad)

    coordinates = [(pad + i * step, y(v)) for i, v in enumerate(points)]
    ET.SubElement(root, "line", {"x1": _n(pad), "y1": _n(height - 1), "x2": _n(width - pad), "y2": _n(height - 1),
                                 "stroke": SPARK_MUTED, "stroke-width": "1"})
    if len(coordinates) > 1:
        ET.SubElement(root, "polyline", {
            "points": " ".join(f"{_n(x)},{_n(yy)}" for x, yy in coordinates),
            "fill": "none", "stroke": SPARK_COLOUR, "stroke-width": "2",
            "stroke-linejoin": "round", "stroke-linecap": "round",
        })
    last_x, last_y = coordinates[-1]
    ET.SubElement(root, "circle", {"cx": _n(last_x), "cy": _n(last_y), "r": "3", "fill": SPARK_COLOUR})
    return _serialise(root)


def threshold_bar_svg(value: float, threshold: float, *, maximum: float | None = None, width: int = 160,
                      height: int = 14, title: str | None = None) -> str:
    """A horizontal bar for `value` with a marker at `threshold`; green once the threshold is met."""
    top = max(float(maximum or 0), float(value), float(threshold), 1.0)
    root = _root(width, height, title)
    ET.SubElement(root, "rect", {"x": "0", "y": "2", "width": str(width), "height": str(height - 4),
                                 "rx": "3", "fill": BAR_TRACK})
    filled = max(0.0, float(value)) / top * width
    if filled > 0:
        ET.SubElement(root, "rect", {"x": "0", "y": "2", "width": _n(filled), "height": str(height - 4), "rx": "3",
                                     "fill": BAR_MET_COLOUR if value >= threshold else BAR_COLOUR})
    if threshold > 0:
        x = min(width - 1.0, float(threshold) / top * width)
        ET.SubElement(root, "line", {"x1": _n(x), "y1": "0", "x2": _n(x), "y2": str(height),
                                     "stroke": MARKER_COLOUR, "stroke-width": "2"})
    return _serialise(root)
