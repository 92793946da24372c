"""Bar charts: mentor load against capacity, topic coverage against the number needed."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds XML, never parses input
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from community.network.drawing.svg import (
    ENGLISH,
    TEXT_COLOUR,
    Words,
    _n,
    _serialise,
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


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a bar chart's parts go: labels left of the bars (wide), or above them (`narrow`)."""

    narrow: bool
    width: int
    row: int
    label_width: int  # the bars start here
    value_room: int
    bar_y: int  # a bar's top, its label's baseline and its value's baseline within its row
    bar_height: int
    label_y: int
    value_y: int
    top: int = 44

    @classmethod
    def of(cls, shown: Sequence[Bar], width: int, narrow: bool) -> _Layout:
        if narrow:
            return cls(True, NARROW_WIDTH, 38, 12, 44, 18, 14, 13, 30)
        label_width = round(min(MAX_LABEL_ROOM, max([MIN_LABEL_ROOM] + [text_width(bar.label) + 16 for bar in shown])))
        return cls(False, width, 22, label_width, 70, 3, 14, 14, 14)

    def marker_span(self, y: float) -> tuple[float, float]:
        """The capacity marker's top and bottom in a row starting at y."""
        if self.narrow:
            return y + self.bar_y - 3, y + self.bar_y + self.bar_height + 3
        return y, y + self.row - 2

    def label(self, parent: ET.Element, y: float, bar: Bar) -> None:
        """The bar's label, shortened to its room with the whole label as a tooltip."""
        if self.narrow:
            label = fit_label(bar.label, self.width - 24)
            text = _text(parent, self.label_width, y + self.label_y, label)
        else:
            label = fit_label(bar.label, self.label_width - 8)
            text = _text(parent, self.label_width - 8, y + self.label_y, label, **{"text-anchor": "end"})
        if label != bar.label:
            ET.SubElement(text, "title").text = bar.label


def draw_bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    value_label: str = "",
    marker_label: str = "capacity",
    width: int = 640,
    max_bars: int = 40,
    words: Words = ENGLISH,
    value_words: Callable[[float], str] | None = None,
    narrow: bool = False,
) -> str:
    """Horizontal bars in the given order with an optional capacity marker per bar.

    Each bar's value is printed at the end of its bar (over the marker line, with a white halo,
    when the marker is there too), never beside the marker, where it read as the capacity. Labels
    longer than the room left of the bars are shortened to fit, with the full label as a tooltip.
    `value_words` puts a value in words for the tooltips ("1 active mentorship"); without it the
    value is followed by `value_label`. Bars beyond `max_bars` are summarised in one line
    ("… and 12 more").

    `narrow` draws it for a phone (360 px): each label above its bar, across the whole width,
    so that neither the labels nor the bars are squeezed.
    """
    shown = list(bars[:max_bars])
    hidden = len(bars) - len(shown)
    layout = _Layout.of(shown, width, narrow)
    width, row, top, label_width = layout.width, layout.row, layout.top, layout.label_width
    height = top + row * max(1, len(shown)) + (24 if hidden else 0) + 30
    root = _svg(width, height, title, f"{words.bars(len(bars))} {value_label}".strip())
    _text(root, 12, 22, fit_label(title, width - 24, 15) if narrow else title, **{"font-size": "15", "font-weight": "600"})
    scale_max = max(
        [bar.value for bar in shown] + [bar.capacity for bar in shown if bar.capacity is not None],
        default=0.0,
    )
    scale_max = scale_max if scale_max > 0 else 1.0
    span = width - label_width - layout.value_room

    def in_words(value: float) -> str:
        if value_words is not None:
            return value_words(value)
        return f"{words.number(value)} {value_label}".strip()

    chart = ET.SubElement(root, "g", {"class": "bars"})
    for index, bar in enumerate(shown):
        y = top + index * row
        layout.label(chart, y, bar)
        length = max(0.0, bar.value) / scale_max * span
        rect = ET.SubElement(
            chart,
            "rect",
            {
                "x": _n(label_width),
                "y": _n(y + layout.bar_y),
                "width": _n(max(length, 0.5)),
                "height": str(layout.bar_height),
                "rx": "2",
                "fill": "#D55E00" if bar.alarming else "#0072B2",
            },
        )
        tooltip = f"{bar.label}: {in_words(bar.value)}"
        if bar.capacity is not None:
            tooltip += f" ({marker_label} {words.number(bar.capacity)})"
        if bar.note:
            tooltip += f" — {bar.note}"
        ET.SubElement(rect, "title").text = tooltip
        if bar.capacity is not None:
            x = label_width + max(0.0, bar.capacity) / scale_max * span
            y1, y2 = layout.marker_span(y)
            marker = ET.SubElement(
                chart,
                "line",
                {"x1": _n(x), "y1": _n(y1), "x2": _n(x), "y2": _n(y2), "stroke": TEXT_COLOUR, "stroke-width": "2"},
            )
            ET.SubElement(marker, "title").text = f"{marker_label} {words.number(bar.capacity)}"
        # The value at the end of its own bar, drawn after the marker: a white halo keeps it
        # readable where the marker line passes behind it.
        value = _text(chart, label_width + length + 5, y + layout.value_y, words.number(bar.value),
                      **{"class": "bar-value", "stroke": "#fff", "stroke-width": "3", "paint-order": "stroke"})
        ET.SubElement(value, "title").text = tooltip
    baseline = top + row * max(1, len(shown))
    if not narrow:  # (on a phone the labels start where the bars do: no axis through them)
        ET.SubElement(
            root,
            "line",
            {"x1": _n(label_width), "y1": _n(top - 2), "x2": _n(label_width), "y2": _n(baseline),
             "stroke": TEXT_COLOUR, "stroke-width": "1"},
        )
    if hidden:
        _text(root, label_width, baseline + 18, words.more(hidden), **{"font-size": "11"})
    if not shown:
        _text(root, label_width, top + 14, words.nothing, **{"font-size": "11"})
    return _serialise(root)


# Room for the labels left of the bars (of a 640 px wide chart), and a label's estimated width at
# 12 px: the drawing is made on the server, without the browser's font metrics, so the estimate
# takes the widest common sans-serif (DejaVu Sans, about 0.6 em a lowercase letter) and a little more.
MIN_LABEL_ROOM, MAX_LABEL_ROOM = 120, 250
NARROW_WIDTH = 360  # a phone's chart, drawn at its own size (a <picture> source)
NARROW, MEDIUM, WIDE = frozenset("ijlI.,:;'!|"), frozenset("frt ()[]-"), frozenset("mwMW@%")


def text_width(label: str, size: float = 12) -> float:
    """A generous estimate of `label`'s width in pixels at `size` px."""
    def em(ch: str) -> float:
        if ch in NARROW:
            return 0.3
        if ch in MEDIUM:
            return 0.42
        if ch in WIDE:
            return 1.0
        return 0.76 if ch.isupper() else 0.64

    return sum(em(ch) for ch in label) * size


def fit_label(label: str, room: float, size: float = 12) -> str:
    """`label`, shortened with "…" until its estimated width at `size` px fits in `room` pixels."""
    if text_width(label, size) <= room:
        return label
    for cut in range(len(label) - 1, 0, -1):
        shorter = label[:cut].rstrip() + "…"
        if text_width(shorter, size) <= room:
            return shorter
    return "…"


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
