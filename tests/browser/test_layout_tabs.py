"""Every tab of a tab strip can be reached on a phone and is in sight on a desktop. The settings
strip once scrolled sideways at 390 px (German: 'Profil & Privatsphäre', 'Passwort' and half of
'API' showed, the other three tabs off-screen with no hint); then the strips stood two tabs a
row, and the moderation tabs (no strip of the design system) one a row: three rows before the
page. On a phone a strip is now one line that scrolls sideways, with its current tab in sight,
a shadow at the edge that has more, and every tab brought into sight when it takes the focus."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

# Each tab's box against the page's width and the strip's box; how many rows and lines they take.
TABS_IN_SIGHT = """nav => {
  const list = nav.querySelector('ul');
  const width = document.documentElement.clientWidth, strip = list.getBoundingClientRect();
  const links = [...list.querySelectorAll('.nav-link')];
  const outside = links.filter(link => { const box = link.getBoundingClientRect(); return box.left < 0 || box.right > width + 0.5 || box.width === 0; })
    .map(link => link.textContent.trim());
  const lines = link => { const style = getComputedStyle(link);
    return Math.round((link.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / parseFloat(style.lineHeight)); };
  const current = list.querySelector('.nav-link.active').getBoundingClientRect();
  return {outside, count: links.length, rows: new Set(links.map(link => Math.round(link.getBoundingClientRect().top))).size,
          lines: Math.max(...links.map(lines)), scrolls: list.scrollWidth > list.clientWidth + 1,
          currentInSight: current.left >= strip.left - 1 && current.right <= strip.right + 1,
          hint: getComputedStyle(list).backgroundImage.includes('gradient'),
          pageWidth: document.documentElement.scrollWidth};
}"""

IN_STRIP = """link => { const strip = link.closest('ul').getBoundingClientRect(), box = link.getBoundingClientRect();
  return box.left >= strip.left - 1 && box.right <= strip.right + 1; }"""

STRIPS = [("/settings", "nav.settings-nav", 5), ("/settings/privacy", "nav.settings-nav", 5), ("/admin/users", "nav.admin-nav", 5),
          ("/community/moderation/removed", "main nav:has(> ul.tab-strip)", 3)]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path, strip, tabs", STRIPS)
def test_every_tab_can_be_reached_in_german(live_server, page, create_user, width, path, strip, tabs):
    admin = create_user(roles=("admin", "change_manager"), name="Ada Admin", locale="de")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}{path}")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "de"
    nav = page.locator(strip)
    found = nav.evaluate(TABS_IN_SIGHT)
    assert found["count"] >= tabs and found["currentInSight"] and found["pageWidth"] <= width, found
    if width == 1280:  # side by side, nothing to scroll
        assert found["outside"] == [] and not found["scrolls"], found
        return
    # One line of tabs, each tab's label on one line, above the page rather than three rows of it
    assert found["rows"] == 1 and found["lines"] == 1, found
    if found["scrolls"]:
        assert found["hint"], found
    for link in nav.locator(".nav-link").all():  # the keyboard brings each tab into sight
        link.focus()
        assert link.evaluate(IN_STRIP), link.text_content()
