"""Every tab of a tab strip is in sight on a phone and on a desktop: the settings strip once
scrolled sideways at 390 px (German: 'Profil & Privatsphäre', 'Passwort' and half of 'API'
showed, the other three tabs were off-screen with no hint). On a phone the tabs stand two
a row: one tab per row made the network dashboard's seven a long list before its content."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD

# Each tab's box lies within the page's width and the strip scrolls nowhere.
TABS_IN_SIGHT = """nav => {
  const list = nav.querySelector('ul');
  const width = document.documentElement.clientWidth;
  const outside = [...list.querySelectorAll('.nav-link')]
    .filter(link => { const box = link.getBoundingClientRect(); return box.left < 0 || box.right > width + 0.5 || box.width === 0; })
    .map(link => link.textContent.trim());
  const rows = new Set([...list.querySelectorAll('.nav-link')].map(link => Math.round(link.getBoundingClientRect().top))).size;
  return {outside, rows, scrolls: list.scrollWidth > list.clientWidth + 1, count: list.querySelectorAll('.nav-link').length};
}"""


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path, strip", [("/settings", "nav.settings-nav"), ("/admin/users", "nav.admin-nav")])
def test_every_tab_is_in_sight_in_german(live_server, page, create_user, width, path, strip):
    admin = create_user(roles=("admin", "change_manager"), name="Ada Admin", locale="de")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server}{path}")
    assert page.locator("html").get_attribute("lang") == "de"
    found = page.locator(strip).evaluate(TABS_IN_SIGHT)
    assert found["count"] >= 5 and found["outside"] == [] and not found["scrolls"], found
    if width == 390:  # two tabs a row: six tabs are three rows, not a list of six before the page
        assert found["rows"] == (found["count"] + 1) // 2, found
