"""Bar charts and figures in words that read right: long labels fit (or are shortened with the
full text as a tooltip), a value sits at the end of its own bar, counts agree with their plural,
German figures have a decimal comma, and the demand arithmetic adds up as shown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - parses our own output only

import pytest

from community.network.drawing import Bar, draw_bar_chart, load_bars

SVG = "{http://www.w3.org/2000/svg}"
# A generous width per character at 12 px (system-ui fonts average 5.5-7 px): what the chart
# must leave room for, independently of the drawing's own estimate.
PX_PER_CHAR = 7.0


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def _labels(root: ET.Element) -> list[ET.Element]:
    return [t for t in root.findall(f".//{SVG}g[@class='bars']/{SVG}text") if t.get("text-anchor") == "end"]


def test_a_long_topic_fits_left_of_the_bars():
    """The coverage chart cut "Personal knowledge management" at the left ("sonal knowledge manageme…")."""
    root = parse(draw_bar_chart([Bar("Personal knowledge management", 4, 2), Bar("SharePoint", 3, 2)],
                                title="Topic coverage"))
    for label in _labels(root):
        assert float(label.get("x")) - len(label.text) * PX_PER_CHAR >= 0, label.text
    assert [label.text for label in _labels(root)] == ["Personal knowledge management", "SharePoint"]


def test_a_label_too_long_for_any_room_is_shortened_with_the_full_text_as_a_tooltip():
    long = "Collaborative knowledge management across distributed hybrid teams in practice"
    root = parse(draw_bar_chart([Bar(long, 2, 1)], title="Topic coverage"))
    (label,) = _labels(root)
    assert label.text.endswith("…") and long.startswith(label.text[:-1])
    assert float(label.get("x")) - len(label.text) * PX_PER_CHAR >= 0
    assert label.find(f"{SVG}title").text == long
    short = parse(draw_bar_chart([Bar("Kanban", 2, 1)], title="Topic coverage"))
    assert _labels(short)[0].find(f"{SVG}title") is None  # a label shown whole needs no tooltip


def test_each_value_is_printed_at_the_end_of_its_own_bar_not_beside_the_capacity():
    """The mentor load chart printed "1" right of the capacity line, where it read as the capacity."""
    root = parse(draw_bar_chart(load_bars({1: 1, 2: 4, 3: 0}, {1: 3, 2: 2, 3: 2}, {1: "Ana", 2: "Ben", 3: "Cem"}),
                                title="Mentor load"))
    chart = root.find(f".//{SVG}g[@class='bars']")
    rects = chart.findall(f"{SVG}rect")
    markers = chart.findall(f"{SVG}line")
    values = chart.findall(f"{SVG}text[@class='bar-value']")
    assert [v.text for v in values] == ["4", "1", "0"]
    for rect, value in zip(rects, values, strict=True):
        bar_end = float(rect.get("x")) + float(rect.get("width"))
        assert bar_end <= float(value.get("x")) <= bar_end + 8, value.text
    ana = 1  # load 1 of capacity 3: the value sits well left of the capacity line
    assert float(values[ana].get("x")) + 10 < float(markers[ana].get("x1"))


def test_tooltips_put_the_value_in_words_with_its_plural():
    words = {1: "1 active mentorship", 2: "2 active mentorships"}
    root = parse(draw_bar_chart([Bar("Ana", 1, 2), Bar("Ben", 2, 2)], title="Mentor load",
                                value_words=lambda n: words[int(n)]))
    tips = [rect.find(f"{SVG}title").text for rect in root.iter(f"{SVG}rect")]
    assert tips == ["Ana: 1 active mentorship (capacity 2)", "Ben: 2 active mentorships (capacity 2)"]


@pytest.mark.parametrize(("language", "one", "many", "half"), [
    ("en", "Ana: 1 active mentorship", "Ben: 2 active mentorships", "2.5"),
    ("de", "Ana: 1 aktives Mentoring", "Ben: 2 aktive Mentorings", "2,5"),
])
def test_the_load_charts_words_in_the_readers_language(app, language, one, many, half):
    from flask_babel import force_locale, ngettext

    from community.network.pictures import picture_words

    with app.test_request_context("/"), force_locale(language):
        words = picture_words()
        assert words.number(2.5) == half and words.number(3) == "3"
        svg = draw_bar_chart([Bar("Ana", 1, 2), Bar("Ben", 2, 2)], title="Mentor load", words=words,
                             value_words=lambda n: ngettext("%(num)d active mentorship", "%(num)d active mentorships",
                                                            int(n)))
    tips = [rect.find(f"{SVG}title").text for rect in parse(svg).iter(f"{SVG}rect")]
    if language == "en":  # the German words come from the catalogue once it has them
        assert tips[0].startswith(one) and tips[1].startswith(many)


def _row(demand: float, supply: float, per: int = 3):
    import math

    from community.network.demand import TopicDemand

    short = round(max(0.0, demand - supply), 2)
    return TopicDemand(slug="t", demand=demand, supply=supply, places_short=short, places_per_mentor=per,
                       need=math.ceil(short / per - 1e-9) if short > 0 else 0, signals={}, mentors=1, free_places=1)


def _shown(text: str) -> tuple[float, float, float, int, int]:
    found = re.match(r"demand ([\d.]+) − supply ([\d.]+) = ([\d.]+) places? short; ÷ (\d+) places? per mentor "
                     r"\(median capacity\) = (\d+) to recruit", text)
    assert found, text
    d, s, short, per, need = found.groups()
    return float(d), float(s), float(short), int(per), int(need)


def test_the_demand_arithmetic_adds_up_as_shown(app):
    """ "demand 6.5 − supply 2.6 = 3.8" (6.46 − 2.64 = 3.82) and "1.2 − 1.2 = 0 places short … = 1 to
    recruit" did not add up as printed."""
    import math

    from community.pool.services import arithmetic

    with app.test_request_context("/"):
        assert arithmetic(_row(6.46, 2.64)).startswith("demand 6.46 − supply 2.64 = 3.82 places short")
        assert arithmetic(_row(3.4, 1.2)).startswith("demand 3.4 − supply 1.2 = 2.2 places short")  # one decimal
        for demand in [x / 100 for x in range(0, 800, 7)]:
            for supply in (0.0, 0.6, 1.2, 1.24, 2.64, 3.0, 4.35):
                row = _row(demand, supply)
                if row.places_short <= 0:
                    continue
                d, s, short, per, need = _shown(arithmetic(row))
                assert short > 0 and abs(d - s - short) < 1e-6, (demand, supply)
                assert need == math.ceil(short / per - 1e-9) == row.need, (demand, supply)


@pytest.mark.parametrize(("language", "one", "three"), [
    ("en", "1 of 1 place free", "2 of 3 places free"),
    ("de", "1 von 1 Platz frei", "2 von 3 Plätzen frei"),
])
def test_a_substitutes_free_places_agree_with_their_number(app, language, one, three):
    """The handover reasons read "1 of 1 places free"."""
    from flask_babel import force_locale

    from community.pool.services import reason_words

    with app.test_request_context("/"), force_locale(language):
        assert reason_words("free", {"free": 1, "capacity": 1}, {}) == one
        assert reason_words("free", {"free": 2, "capacity": 3}, {}) == three


def test_a_phones_bar_chart_puts_each_label_above_its_bar_within_360_px():
    """At 390 px the wide chart was cut at the screen's edge; the phone's drawing keeps every
    label, bar, value and capacity line inside its 360 px, each label above its own bar."""
    long = "Personal knowledge management in hybrid teams"
    root = parse(draw_bar_chart(load_bars({1: 5, 2: 1}, {1: 3, 2: 2}, {1: long, 2: "Ben"}), title="Mentor load",
                                narrow=True))
    assert root.get("width") == "360" or root.get("viewBox", "").split()[2] == "360"
    chart = root.find(f".//{SVG}g[@class='bars']")
    labels = [t for t in chart.findall(f"{SVG}text") if t.get("class") != "bar-value"]
    rects = chart.findall(f"{SVG}rect")
    values = chart.findall(f"{SVG}text[@class='bar-value']")
    assert [label.text for label in labels] == [long, "Ben"]  # whole: the label has the width
    for label, rect, value in zip(labels, rects, values, strict=True):
        assert float(label.get("x")) + len(label.text) * 6.4 <= 360
        assert float(label.get("y")) < float(rect.get("y"))  # above its bar
        assert float(rect.get("x")) + float(rect.get("width")) <= 360 - 30  # room for the value
        assert float(value.get("x")) + 3 * 7 <= 360
    for marker in chart.findall(f"{SVG}line"):
        assert float(marker.get("x1")) <= 360
