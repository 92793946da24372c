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
    narrow = ET.fromstring(draw_trend(["1 Jan", "1 Jun"], {"Idle": [1, 2]}, title="Health", narrow=True,  # noqa: S314
                                      groups=["Reverse Mentoring 2025", "Reverse Mentoring 2026"]))
    runs = [t.text for t in narrow.iter(f"{SVG}text") if t.text and t.text.endswith(("2025", "2026"))]
    assert len(runs) == 2 and runs[0] != runs[1] and all(len(run) <= 16 for run in runs)  # cut where they agree
    assert "<script" not in svg and "style=" not in svg and "<b>" not in svg


def test_trend_chart_without_snapshots_says_so():
    svg = draw_trend([], {"Overloaded": []}, title="Health", empty="No snapshot yet")
    assert "No snapshot yet" in svg


def test_the_phone_drawing_keeps_text_readable_and_the_legend_inside_the_picture():
    """At 390 px the wide drawing scrolled its legend out of view; the narrow one, shown 1:1 on
    a phone, puts the legend under the lines and spreads the dates so that none overlap."""
    names = ["Single points of failure", "Overloaded mentors", "Idle mentors", "Fading mentors",
             "Uncovered topics", "Departments without mentors", "Unmatched executives"]
    labels = [f"{day} Aug 2026" for day in range(1, 13)]
    svg = draw_trend(labels, {name: list(range(12)) for name in names},
                     title="Gesundheit des Mentoring-Pools über die Momentaufnahmen",
                     groups=["Run 2025"] * 6 + ["Run 2026"] * 6, narrow=True)
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    assert width <= 360
    shown = []
    for group in root.iter():
        size = float(group.get("font-size", 0) or 0)
        for text in group.findall(f"{SVG}text"):
            shown.append((text.text, float(text.get("x")), float(text.get("y")), float(text.get("font-size") or size or 12),
                          text.get("text-anchor", group.get("text-anchor", "start"))))
    assert all(size >= 12 for *_rest, size, _anchor in shown), shown
    for text, x, _y, size, anchor in shown:  # nothing runs out of the picture, the long title included
        half = len(text) * size * 0.62 / 2
        left, right = {"start": (x, x + 2 * half), "end": (x - 2 * half, x)}.get(anchor, (x - half, x + half))
        assert left >= -0.5 and right <= width + 0.5, text
    for name in names:  # every figure in the legend, inside the picture
        entry = next(t for t in shown if t[0] == name)
        assert entry[1] + len(name) * entry[3] * 0.62 <= width and entry[2] <= height
    dates = sorted((x, text) for text, x, _y, size, _a in shown if text in labels)
    assert dates[0][1] == labels[0] and dates[-1][1] == labels[-1]  # the first and the last
    spacing = min(b[0] - a[0] for a, b in zip(dates, dates[1:], strict=False))
    assert spacing >= len(labels[0]) * 12 * 0.62  # none written over the next


def test_the_trend_shows_fading_mentors_and_unmistakable_dates(app, client, login_as, analyst, small_org, compute):
    import html
    import re

    compute()
    login_as(analyst)
    page = client.get("/network/trend").get_data(as_text=True)
    sources = [html.unescape(src) for src in re.findall(r'(?:src|srcset)="(/network/pictures/trend\w*\.svg[^"]*)"', page)]
    assert len(sources) == 2 and 'media="(max-width: 575.98px)"' in page
    for source in sources:
        svg = client.get(source).get_data(as_text=True)
        assert "Fading mentors" in svg
        assert not re.search(r">\d\d/\d\d/\d{4}<", svg)  # 07/08/2026 reads as July or August
    assert "Fading mentors" in page  # the table's column too
