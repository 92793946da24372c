"""Tables on a phone, seen in the browser: a list of records is a card per row on a 390 px
screen (nothing cut off at its edge, no sideways scrolling) and stays a table at 1280 px."""

from __future__ import annotations

import pytest

from tests.browser.test_axe import ADMIN, DEMO_PASSWORD, MENTOR, _set_language, demo_site, signed_in  # noqa: F401

BUSY = "mentor with sessions ahead"

PAGES = {
    "mentoring": (BUSY, lambda ids: "/mentoring/"),
    "sessions": (BUSY, lambda ids: "/mentoring/sessions"),
    "runs": (ADMIN, lambda ids: "/mentoring/runs"),
    "categories": (ADMIN, lambda ids: "/community/categories"),
    "profile-edit": (MENTOR, lambda ids: f"/people/{ids['mentor_id']}/edit"),
    "network-roles": (ADMIN, lambda ids: "/network/roles"),
    "network-coverage": (ADMIN, lambda ids: "/network/coverage"),
    "network-person": (ADMIN, lambda ids: f"/network/people/{ids['mentor_id']}"),
    "impact-report": (ADMIN, lambda ids: f"/runs/{ids['cohort_id']}/report"),
}

# Each stacked table's cells (those on screen: a report's tables wait in closed <details>):
# how they are laid out, where their right edge is, and whether a heading stands over nothing.
CELLS = """() => [...document.querySelectorAll('main table.table-stack')].map(table => [...table.querySelectorAll('tbody td, tbody th')]
  .filter(cell => cell.getClientRects().length).map(cell => ({display: getComputedStyle(cell).display,
    right: cell.getBoundingClientRect().right, text: cell.textContent.trim().slice(0, 40),
    bare: cell.hasAttribute('data-label') && !cell.textContent.trim()})))"""


@pytest.fixture(scope="module")
def busy_mentor(browser, demo_site):  # noqa: F811
    """A mentor with planned sessions (the upcoming sessions table), in German, at both widths."""
    from sqlalchemy import select

    from community.accounts.models import User
    from community.database import utcnow
    from community.extensions import db
    from community.mentoring.models import MentoringSession, Mentorship

    app, base, _ids = demo_site
    with app.app_context():
        mentor = db.session.scalar(select(User).join(Mentorship, Mentorship.mentor_id == User.id)
                                   .join(MentoringSession, MentoringSession.mentorship_id == Mentorship.id)
                                   .where(MentoringSession.status == "planned", MentoringSession.starts_at > utcnow())
                                   .order_by(User.id).limit(1))
        mentor.locale = "de"
        email = mentor.email
        db.session.commit()
    pages = {}
    for width in (1280, 390):
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        page.goto(base + "/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        pages[(BUSY, width)] = page
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_lists_of_records_are_cards_on_a_phone_in_german_and_tables_on_a_desktop(demo_site, signed_in, busy_mentor,  # noqa: F811
                                                                                 name):
    app, base, ids = demo_site
    who, path = PAGES[name]
    _set_language(app, ids, "de")
    pages = {**signed_in, **busy_mentor}
    phone = pages[(who, 390)]
    phone.goto(base + path(ids))
    assert phone.locator("html").get_attribute("lang") == "de"
    tables = phone.evaluate(CELLS)
    assert tables and any(tables), "no stacked table on the page"
    cells = [cell for table in tables for cell in table]
    assert {cell["display"] for cell in cells} <= {"block", "flex", "none"}, "a row is still a table row on the phone"
    assert [cell["text"] for cell in cells if cell["right"] > 391] == []
    assert not any(cell["bare"] for cell in cells), "a heading over an empty value"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391

    desktop = pages[(who, 1280)]
    desktop.goto(base + path(ids))
    shown = {cell["display"] for table in desktop.evaluate(CELLS) for cell in table}
    assert shown <= {"table-cell"}, shown
