"""The run report's chart legends stay inside the picture."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own output


def _texts(svg: str) -> list[tuple[float, float, str]]:
    root = ET.fromstring(svg)  # noqa: S314 - the app's own output
    return [(float(t.get("x", 0)), float(t.get("y", 0)), t.text or "") for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_a_long_legend_goes_onto_a_second_row_instead_of_off_the_edge(app):
    """The German legend "Eingangsbefragung: wie wichtig es war" ran off the picture's right edge."""
    from community.impact.charts import Bar, bar_chart

    first, second = "Abschlussbefragung: Mittelwert ± Streuung " * 2, "Eingangsbefragung: wie wichtig es zu Beginn war"
    with app.test_request_context():
        svg = bar_chart([Bar("Flexibilität", 3.5, "3,5", marker=4.0)], title="Anreize", scale=(1, 5),
                        legend=(first, second))
    placed = {text: (x, y) for x, y, text in _texts(svg)}
    width = float(ET.fromstring(svg).get("viewBox").split()[2])  # noqa: S314
    for text in (first, second):
        x, _y = placed[text]
        assert x + len(text) * 6.6 <= width, text
    assert placed[second][1] > placed[first][1]  # one under the other


def test_a_short_legend_stays_on_one_row(app):
    from community.impact.charts import Bar, bar_chart

    with app.test_request_context():
        svg = bar_chart([Bar("A", 2, "2", marker=3)], title="T", scale=(0, 4), legend=("after", "before"))
    placed = {text: (x, y) for x, y, text in _texts(svg)}
    assert placed["after"][1] == placed["before"][1]
