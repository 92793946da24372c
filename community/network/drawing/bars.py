"""Bar charts: mentor load against capacity, topic coverage against the number needed."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from community.network.drawing.svg import (
    ENGLISH,
    TEXT_COLOUR,
    Words,
    _n,
    _serialise,
    _shorten,
    _svg,
    _text,
)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    capacity: float | None = None  # drawn as a marker line
    alert: bool | None = None  # red bar; by default when value exceeds capacity
    note: str | None = None  # extra tooltip text

    @property
    def alarming(self) -> bool:
        if self.alert is not None:
            return self.alert
        return self.capacity is not None and self.value > self.capacity


def draw_bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    value_label: str = "",
    marker_label: str = "capacity",
    width: int = 640,
    max_bars: int = 40,
    words: Words = ENGLISH,
) -> str:
    """Horizontal bars in the given order with an optional capacity marker per bar.

    Bars beyond `max_bars` are summarised in one line ("… and 12 more").
    """
    shown = list(bars[:max_bars])
    hidden = len(bars) - len(shown)
    row, top, label_width, value_room = 22, 44, 190, 70
    height = top + row * max(1, len(shown)) + (24 if hidden else 0) + 30
    root = _svg(width, height, title, f"{words.bars(len(bars))} {value_label}".strip())
    _text(root, 12, 22, title, **{"font-size": "15", "font-weight": "600"})
    scale_max = max(
        [bar.value for bar in shown] + [bar.capacity for bar in shown if bar.capacity is not None],
        default=0.0,
    )
    scale_max = scale_max if scale_max > 0 else 1.0
    span = width - label_width - value_room
    chart = ET.SubElement(root, "g", {"class": "bars"})
    for index, bar in enumerate(shown):
        y = top + index * row
        _text(chart, label_width - 8, y + 14, _shorten(bar.label, 28), **{"text-anchor": "end"})
        length = max(0.0, bar.value) / scale_max * span
        rect = ET.SubElement(
            chart,
            "rect",
            {
                "x": _n(label_width),
                "y": _n(y + 3),
                "width": _n(max(length, 0.5)),
                "height": str(row - 8),
                "rx": "2",
                "fill": "#D55E00" if bar.alarming else "#0072B2",
            },
        )
        tooltip = f"{bar.label}: {_number(bar.value)} {value_label}".strip()
        if bar.capacity is not None:
            tooltip += f" ({marker_label} {_number(bar.capacity)})"
        if bar.note:
            tooltip += f" — {bar.note}"
        ET.SubElement(rect, "title").text = tooltip
        marker_at = max(0.0, bar.capacity) / scale_max * span if bar.capacity is not None else 0.0
        # The value sits right of both the bar and the marker, so neither hides it.
        _text(chart, label_width + max(length, marker_at) + 6, y + 14, _number(bar.value))
        if bar.capacity is not None:
            x = label_width + marker_at
            marker = ET.SubElement(
                chart,
                "line",
                {
                    "x1": _n(x),
                    "y1": _n(y),
                    "x2": _n(x),
                    "y2": _n(y + row - 2),
                    "stroke": TEXT_COLOUR,
                    "stroke-width": "2",
                },
            )
            ET.SubElement(marker, "title").text = f"{marker_label} {_number(bar.capacity)}"
    baseline = top + row * max(1, len(shown))
    ET.SubElement(
        root,
        "line",
        {
            "x1": _n(label_width),
            "y1": _n(top - 2),
            "x2": _n(label_width),
            "y2": _n(baseline),
            "stroke": TEXT_COLOUR,
            "stroke-width": "1",
        },
    )
    if hidden:
        _text(root, label_width, baseline + 18, words.more(hidden), **{"font-size": "11"})
    if not shown:
        _text(root, label_width, top + 14, words.nothing, **{"font-size": "11"})
    return _serialise(root)


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2g}"


def load_bars(
    load: Mapping[int, int], capacity: Mapping[int, int], labels: Mapping[int, str]
) -> list[Bar]:
    """Mentor load against capacity, busiest first (for `draw_bar_chart`)."""
    return [
        Bar(labels.get(mentor, str(mentor)), float(value), float(capacity.get(mentor, 0)))
        for mentor, value in sorted(load.items(), key=lambda item: (-item[1], item[0]))
    ]


def coverage_bars(
    demand: Mapping[str, int],
    providers: Mapping[str, Collection[int]],
    *,
    min_providers: int,
    labels: Mapping[str, str] | None = None,
    words: Words = ENGLISH,
) -> list[Bar]:
    """Mentors able to teach each demanded topic, with the number needed as the marker;
    topics short of providers are red and come first, then by demand."""
    rows = []
    for slug, wanted in demand.items():
        if wanted <= 0:
            continue
        count = len(providers.get(slug, ()))
        rows.append((count >= min_providers, -wanted, slug, count, wanted))
    rows.sort()
    return [
        Bar(
            (labels or {}).get(slug, slug),
            float(count),
            float(min_providers),
            alert=count < min_providers,
            note=words.wanted(wanted),
        )
        for _, _, slug, count, wanted in rows
    ]
