"""Layout seen in the browser: the demand heatmaps say when they scroll, the thread's
notification level shows its whole text in the sidebar, and no network page scrolls sideways
on a phone."""

from __future__ import annotations

import pytest

from tests.browser.test_axe import _set_language, demo_site, signed_in  # noqa: F401 - fixtures

# A heatmap either fits its card or shows a shadow at its cut edge (it was cut at the right with
# no hint that it scrolls), and its topic column stays in view while the figures scroll.
HEATMAPS = """() => [...document.querySelectorAll('.table-responsive > .heatmap')].map(table => {
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
def test_the_notification_level_shows_its_whole_text_in_the_thread_sidebar(demo_site, signed_in, language):  # noqa: F811
    """At 1280 px the select read "Normal: only when someone …" (and "Watching: tell me about ever…")."""
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[("admin", 1280)]
    page.goto(f"{base}/threads/{ids['thread_id']}")
    select = page.locator("#level-thread")
    one_line = select.evaluate("s => parseFloat(getComputedStyle(s).lineHeight) || 24")
    select.select_option("normal")  # the longest level
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
