"""Layout seen in the browser: the demand heatmaps say when they scroll, the thread's
notification level shows its whole text in the sidebar, and no network page scrolls sideways
on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_axe import _set_language, demo_site, signed_in  # noqa: F401 - fixtures

# A heatmap either fits its card or shows a shadow at its cut edge (it was cut at the right with
# no hint that it scrolls), and its topic column stays in view while the figures scroll.
HEATMAPS = """() => [...document.querySelectorAll('.table-responsive > .heatmap')].filter(table => table.getClientRects().length).map(table => {
  const box = table.parentElement;
  const topic = table.querySelector('th[scope=row]');
  return {overflows: box.scrollWidth > box.clientWidth + 1, hint: getComputedStyle(box).backgroundImage,
          sticky: topic ? getComputedStyle(topic).position : 'sticky'};
})"""


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_demand_heatmaps_fit_or_show_that_they_scroll(demo_site, signed_in, width, language):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[("admin", width)]
    page.goto(f"{base}/network/demand")
    maps = page.evaluate(HEATMAPS)
    assert maps, "no heatmap to check"
    for index, found in enumerate(maps):
        if found["overflows"]:
            assert "gradient" in found["hint"], f"heatmap {index} is cut off without a hint"
        assert found["sticky"] == "sticky"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_demand_page_is_short_and_a_phone_lists_departments_instead_of_a_grid(demo_site, signed_in, width, language):  # noqa: F811
    """The page ran to 5,500 px on a desktop and 13,900 px on a phone, where the department grid
    showed one column at a time: it lists the topics with the greatest need (all on request), and a
    phone reads each topic's departments as a list."""
    from community.pool.services import DEMAND_TOP

    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[("admin", width)]
    page.goto(f"{base}/network/demand")
    found = page.evaluate("""() => ({
      rows: document.querySelectorAll('.demand-table tbody tr').length,
      grid: !!document.querySelector('.heatmap-departments')?.getClientRects().length,
      list: !!document.querySelector('.demand-departments-list')?.getClientRects().length,
      height: document.documentElement.scrollHeight})""")
    assert 0 < found["rows"] <= DEMAND_TOP
    assert (found["grid"], found["list"]) == ((True, False) if width > 600 else (False, True))
    if width > 600:
        assert found["height"] <= 3 * 900, f"{found['height']} px: more than three screens"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_notification_level_shows_its_whole_text_in_the_thread_sidebar(demo_site, signed_in, language):  # noqa: F811
    """At 1280 px the select read "Normal: only when someone …" (and "Watching: tell me about ever…")."""
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[("admin", 1280)]
    page.goto(f"{base}/threads/{ids['thread_id']}")
    select = page.locator("#level-thread")
    one_line = select.evaluate("s => parseFloat(getComputedStyle(s).lineHeight) || 24")
    select.select_option("normal")  # the longest level
    expect(page.locator("#follow-thread").get_by_role("status")).not_to_be_empty()  # it saved itself: the form came back
    height = select.evaluate("s => s.getBoundingClientRect().height")
    assert height > 1.8 * one_line, "the chosen level is cut to one line"
    box = select.bounding_box()
    aside = page.locator(".thread-aside").bounding_box()
    assert box["x"] >= aside["x"] - 1 and box["x"] + box["width"] <= aside["x"] + aside["width"] + 1


@pytest.mark.parametrize("path", ["/network/demand", "/network/risks", "/network/coverage", "/network"])
def test_network_pages_do_not_scroll_sideways_on_a_phone_in_german(demo_site, signed_in, path):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[("admin", 390)]
    page.goto(base + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    assert page.evaluate("[...document.querySelectorAll('.pseudonym')].every(p => getComputedStyle(p).whiteSpace === 'nowrap')")


# The explorer's controls: each label sits above its own control, no two controls overlap, no
# button's words wrap inside it, and all of them stay inside the form.
EXPLORER_CONTROLS = """() => {
  const form = document.querySelector('.explorer-controls');
  const box = e => e.getBoundingClientRect();
  const controls = [...form.querySelectorAll('.input-group, select, button')].filter(e => !e.closest('.input-group') || e.classList.contains('input-group'));
  const problems = [];
  const name = e => (e.id || e.className.split(' ')[0]) + ':' + e.textContent.trim().slice(0, 24);
  const all = [...form.querySelectorAll('label'), ...controls];
  for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
    const a = box(all[i]), b = box(all[j]);
    if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1)
      problems.push('overlap ' + name(all[i]) + ' / ' + name(all[j]));
  }
  for (const label of form.querySelectorAll('label')) {
    const control = document.getElementById(label.htmlFor).closest('.input-group') || document.getElementById(label.htmlFor);
    if (box(label).bottom > box(control).top + 1) problems.push('label not above its control ' + name(label));
  }
  const f = box(form);
  for (const button of form.querySelectorAll('button')) {
    const line = parseFloat(getComputedStyle(button).lineHeight);
    const inner = box(button).height - parseFloat(getComputedStyle(button).paddingTop) - parseFloat(getComputedStyle(button).paddingBottom);
    if (inner > 1.5 * line) problems.push('wrapped ' + name(button));
  }
  for (const e of all) if (box(e).left < f.left - 1 || box(e).right > f.right + 1) problems.push('outside the form ' + name(e));
  return problems;
}"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_explorer_controls_neither_overlap_nor_wrap_at_any_width(demo_site, signed_in, language):  # noqa: F811
    """At 576 px the German "Was, wenn sie gingen?" broke onto two lines in a column too narrow for
    it, and from 576 to 991 px the buttons stood at the height of the labels, not of the controls."""
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[("admin", 1280)]
    page.goto(f"{base}/network/explorer")
    page.locator(".explorer-app").wait_for(state="visible")
    found = {}
    for width in (1280, 1024, 992, 900, 768, 700, 640, 576, 480, 390, 360):
        page.set_viewport_size({"width": width, "height": 900})
        problems = page.evaluate(EXPLORER_CONTROLS)
        if problems:
            found[width] = problems
        search = page.locator(".explorer-controls .input-group").bounding_box()
        buttons = page.locator(".explorer-controls [data-action]")
        for n in range(buttons.count()):
            if buttons.nth(n).bounding_box()["y"] < search["y"] - 2:
                found.setdefault(width, []).append(f"button {n + 1} stands beside the labels, above the controls")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not found, found


@pytest.mark.parametrize("path", ["/ambassadors/nominations", "/admin/audit", "/network/trend"])
def test_lists_in_tables_are_readable_on_a_phone_in_german(demo_site, signed_in, path):  # noqa: F811
    """At 390 px the nominations table was cut at its status column ("abgelehn…"), the audit
    trail at its subject, each inside a box that scrolled with no hint; on a phone each row is
    now a card of labelled lines."""
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[("admin", 390)]
    page.goto(base + path)
    cells = page.evaluate("""() => [...document.querySelectorAll('main table td')].map(td => {
      const box = td.getBoundingClientRect(); return {right: box.right, text: td.textContent.trim()}; })""")
    assert cells, "nothing listed"
    assert [c["text"] for c in cells if c["right"] > 391] == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 391


@pytest.mark.parametrize(("path", "name"), [("/network/trend", "trend"), ("/network/risks", "load"),
                                          ("/network/coverage", "coverage")])
def test_network_charts_keep_a_readable_size_on_a_phone(demo_site, signed_in, path, name):  # noqa: F811
    """Shrunk to 390 px the trend chart's labels were 4 px tall, and kept at its size its legend
    scrolled out of view; the load and coverage charts were cut at the screen's edge. A phone
    now gets the drawing made for it, whole and nearly 1:1."""
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[("admin", 390)]
    page.goto(f"{base}{path}")
    page.wait_for_function("document.querySelector('.network-picture img').complete")
    found = page.evaluate("""() => { const img = document.querySelector('.network-picture img');
      const box = img.closest('figure'); return {source: img.currentSrc, width: img.getBoundingClientRect().width,
      natural: img.naturalWidth, overflow: box.scrollWidth - box.clientWidth}; }""")
    assert f"{name}_narrow" in found["source"], found
    assert found["width"] >= 0.9 * found["natural"] and found["overflow"] <= 1, found
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    wide = signed_in[("admin", 1280)]
    wide.goto(f"{base}{path}")
    wide.wait_for_function("document.querySelector('.network-picture img').complete")
    assert f"{name}_narrow" not in wide.evaluate("document.querySelector('.network-picture img').currentSrc")



def test_the_trend_table_fits_a_desktop_in_german(demo_site, signed_in):  # noqa: F811
    """Eight figure columns with long German headings ran past the card at 1280 px."""
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[("admin", 1280)]
    page.goto(f"{base}/network/trend")
    card = page.evaluate("() => { const c = document.querySelector('.table-card'); return [c.scrollWidth, c.clientWidth]; }")
    assert card[0] <= card[1] + 1, card


# Each report chart: how many of its drawings are shown, whether its figure scrolls sideways, and
# each shown text's size on screen and place against the figure's edges.
REPORT_CHARTS = """() => [...document.querySelectorAll('figure.chart')].map(figure => {
  const box = figure.getBoundingClientRect();
  const shown = [...figure.querySelectorAll('svg')].filter(svg => svg.getClientRects().length);
  return {shown: shown.length, scrolls: figure.scrollWidth > figure.clientWidth + 1,
    texts: shown.flatMap(svg => {
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      return [...svg.querySelectorAll('text')].map(text => { const r = text.getBoundingClientRect();
        return {text: text.textContent, size: parseFloat(getComputedStyle(text).fontSize) * scale,
                left: r.left - box.left, right: box.right - r.right}; });
    })};
})"""


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_report_charts_show_their_values_scale_and_legend_at_a_readable_size(demo_site, signed_in, width, language):  # noqa: F811
    """At 390 px each 720 px chart scrolled sideways inside its figure: the values ("4,2 ± 0,9",
    "14 (38 %)"), the 1–5 scale and the legend were out of sight. A phone gets the stacked drawing."""
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[("admin", width)]
    page.goto(f"{base}/runs/{ids['cohort_id']}/report")
    charts = page.evaluate(REPORT_CHARTS)
    assert charts, "no chart to check"
    for index, chart in enumerate(charts):
        assert chart["shown"] == 1, f"chart {index}: {chart['shown']} drawings shown"
        assert not chart["scrolls"], f"chart {index} scrolls sideways"
        small = [t["text"] for t in chart["texts"] if t["size"] < (11.5 if width < 600 else 9.5)]
        assert small == [], f"chart {index}: text too small: {small}"
        cut = [t["text"] for t in chart["texts"] if t["left"] < -1 or t["right"] < -1]
        assert cut == [], f"chart {index}: text cut off at the figure's edge: {cut}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def test_the_graph_json_button_saves_a_file_instead_of_opening_raw_json(demo_site, signed_in):  # noqa: F811
    """"Graph (JSON)" had a download icon but showed the raw JSON in the tab."""
    app, base, ids = demo_site
    _set_language(app, ids, "en")
    page = signed_in[("admin", 1280)]
    page.goto(f"{base}/network")
    with page.expect_download(timeout=5_000) as download:
        page.get_by_role("link", name="Graph (JSON)").click()
    assert re.fullmatch(r"network-graph-\d{4}-\d{2}-\d{2}\.json", download.value.suggested_filename)
    assert page.url == f"{base}/network"
