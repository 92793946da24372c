"""The run report's charts on a phone: a second, stacked drawing at about a phone's width whose
text keeps a readable size and stays inside the picture (the wide drawing scrolled sideways in
its figure at 390 px and hid the values, the 1–5 scale and the legend)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own output

SVG = "{http://www.w3.org/2000/svg}"
CHAR = 0.62  # as community.impact.charts estimates an average character


def _svgs(markup: str) -> list[ET.Element]:
    return [ET.fromstring(f"<svg{part}") for part in str(markup).split("<svg")[1:]]  # noqa: S314 - own output


def _texts(svg: ET.Element) -> list[dict]:
    inherited = float(svg.get("font-size", "12"))
    found = []
    for text in svg.iter(f"{SVG}text"):
        size = float(text.get("font-size", inherited))
        x, content = float(text.get("x", 0)), text.text or ""
        width = len(content) * size * CHAR
        anchor = text.get("text-anchor", "start")
        left = x - width if anchor == "end" else x - width / 2 if anchor == "middle" else x
        found.append({"text": content, "size": size, "left": left, "right": left + width, "y": float(text.get("y", 0))})
    return found


def test_a_phone_chart_keeps_every_value_readable_inside_the_picture(app):
    from community.impact.charts import Bar, narrow_bar_chart

    bars = [Bar("Inhaltliche Flexibilität", 4.2, "4,2 ± 0,9", low=3.3, high=5.0, marker=4.5),
            Bar("Kompetenzentwicklung", None, note="weniger als 5 Antworten", marker=4.3),
            Bar("Ein sehr langer Anreiz, der auf einem Telefon nicht in eine Zeile passt", 3.0, "3,0 ± 1,1")]
    with app.test_request_context():
        svg = ET.fromstring(narrow_bar_chart(  # noqa: S314
            bars, title="Führungskräfte: Haben sich die Anreize erfüllt? (1–5)", scale=(1, 5), ticks=(1, 2, 3, 4, 5),
            legend=("Abschlussbefragung: Mittelwert ± Streuung", "Eingangsbefragung: wie wichtig es war")))
    width = float(svg.get("viewBox").split()[2])
    assert width <= 360  # drawn at a phone's width: shown at 1:1, not shrunk
    texts = _texts(svg)
    shown = {t["text"] for t in texts}
    assert {"4,2 ± 0,9", "weniger als 5 Antworten", "3,0 ± 1,1", "1", "5"} <= shown
    assert any("Abschlussbefragung" in t for t in shown) and any("Eingangsbefragung" in t for t in shown)
    assert all(t["size"] >= 12 for t in texts), [t for t in texts if t["size"] < 12]
    outside = [t["text"] for t in texts if t["left"] < -0.5 or t["right"] > width + 0.5]
    assert outside == []
    # A value shares its label's line without being written over it.
    for value in ("4,2 ± 0,9", "weniger als 5 Antworten"):
        v = next(t for t in texts if t["text"] == value)
        beside = [t for t in texts if t is not v and abs(t["y"] - v["y"]) < 4]
        assert all(t["right"] <= v["left"] for t in beside), (value, beside)


def test_every_report_chart_comes_wide_and_narrow(app, client, login_as, make_run, answer):
    """The page carries both drawings of each chart; its style sheet shows one per screen width."""
    import re

    run = make_run(pairs=5, status="active")
    login_as(run.manager)
    body = client.get(f"/runs/{run.cohort_id}/report").get_data(as_text=True)
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', body, re.S)
    assert figures
    for figure in figures:
        kinds = [svg.get("class") for svg in _svgs(figure)]
        assert kinds == ["chart-wide", "chart-narrow"], kinds
