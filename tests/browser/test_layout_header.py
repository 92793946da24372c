"""The header seen in the browser: the unread count on the bell stays clear of the avatar
beside it, at desktop and phone widths, for a one-digit count and for the longest ("99+");
the Tab key goes through the header in the order it reads: skip link, brand, main menu, then
language, log out, bell and account menu (WCAG 2.4.3), with and without JavaScript."""

from __future__ import annotations

import pytest

from tests.browser.test_axe import ADMIN, DEMO_PASSWORD, demo_site  # noqa: F401

BOXES = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  return {badge: box(document.querySelector('#notif-bell .badge-count')),
          bell: box(document.querySelector('#notif-bell')),
          avatar: box(document.querySelector('.account-menu > summary .avatar'))};
}"""


def _unread(app, user_id: int, count: int) -> None:
    from sqlalchemy import delete

    from community.extensions import db
    from community.notifications.models import Notification

    with app.app_context():
        db.session.execute(delete(Notification).where(Notification.user_id == user_id))
        db.session.add_all(Notification(user_id=user_id, kind="discussion_reply", link="/community", params={})
                           for _ in range(count))
        db.session.commit()


@pytest.mark.parametrize("count", [3, 120])
@pytest.mark.parametrize("width", [1280, 390])
def test_unread_count_keeps_clear_of_the_avatar(browser, demo_site, width, count):  # noqa: F811
    app, base, ids = demo_site
    _unread(app, ids["user_ids"][ADMIN], count)
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    try:
        page.goto(base + "/login")
        page.locator("#email").fill(ids[f"{ADMIN}_email"])
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        boxes = page.evaluate(BOXES)
        assert page.locator("#notif-bell .badge-count").inner_text() == ("3" if count == 3 else "99+")
        assert boxes["badge"]["right"] <= boxes["avatar"]["left"], boxes  # the count never covers the avatar
        assert boxes["badge"]["left"] < boxes["bell"]["right"], boxes  # and still sits on its bell
        assert page.evaluate("document.documentElement.scrollWidth") == width
    finally:
        page.context.close()


# What the focused element is, in words the assertions compare.
FOCUSED = """() => {
  const el = document.activeElement;
  if (el.matches('a.skip')) return 'skip';
  if (el.matches('a.brand')) return 'brand';
  if (el.matches('.navbar-toggler')) return 'menu button';
  if (el.matches('.main-nav a')) return 'nav: ' + el.textContent.trim();
  if (el.matches('#header-locale')) return 'language';
  if (el.matches('.locale-switch button')) return 'switch language';  // no JavaScript to send on change
  if (el.matches('.header-logout')) return 'log out';
  if (el.matches('#notif-bell')) return 'bell';
  if (el.matches('.account-menu > summary')) return 'account';
  return el.closest('header') ? 'header: ' + el.outerHTML.slice(0, 60) : 'page';
}"""


def _sign_in(browser, base, ids, width, javascript):
    page = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=javascript).new_page()
    page.goto(base + "/login")
    page.locator("#email").fill(ids[f"{ADMIN}_email"])
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    return page


def _tab_through_header(page, presses: int) -> list[str]:
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
    return stops


@pytest.mark.parametrize(("width", "javascript"), [(1280, True), (390, False)])
def test_tab_goes_through_the_header_as_it_reads(browser, demo_site, width, javascript):  # noqa: F811
    """Wide screens, and phones without JavaScript (the menu is open as a row): brand, every
    menu entry, then the rest; the bell and the account menu come last, though they stand
    next to the brand on a phone."""
    app, base, ids = demo_site
    page = _sign_in(browser, base, ids, width, javascript)
    try:
        page.goto(base + "/mentoring/")
        entries = ["nav: " + text.strip() for text in page.locator(".main-nav a").all_inner_texts()]
        assert len(entries) >= 5  # the administrator sees the whole menu
        language = ["language"] if javascript else ["language", "switch language"]
        stops = _tab_through_header(page, len(entries) + len(language) + 6)
        assert stops == ["skip", "brand", *entries, *language, "log out", "bell", "account", "page"]
    finally:
        page.context.close()


def test_on_a_phone_the_menu_button_comes_before_bell_and_account_and_its_menu_after_it(browser, demo_site):  # noqa: F811
    app, base, ids = demo_site
    page = _sign_in(browser, base, ids, 390, True)
    try:
        page.goto(base + "/mentoring/")
        assert _tab_through_header(page, 6) == ["skip", "brand", "menu button", "bell", "account", "page"]
        toggler = page.locator(".navbar-toggler")
        # The bell and the account menu still stand on the first row, right of the brand; the
        # menu button at the end of it.
        boxes = page.evaluate("""() => ['.brand', '#notif-bell', '.account-menu', '.navbar-toggler'].map(
            s => document.querySelector(s).getBoundingClientRect().left)""")
        assert boxes == sorted(boxes), boxes
        toggler.click()
        page.locator("#site-nav.show").wait_for()
        toggler.focus()
        entries = ["nav: " + text.strip() for text in page.locator(".main-nav a").all_inner_texts()]
        stops = _tab_through_header(page, len(entries) + 2)
        assert stops == [*entries, "language", "log out"]  # the opened menu follows its button
    finally:
        page.context.close()
