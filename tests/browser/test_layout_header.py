"""The header seen in the browser: the unread count on the bell stays clear of the avatar
beside it, at desktop and phone widths, for a one-digit count and for the longest ("99+")."""

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
