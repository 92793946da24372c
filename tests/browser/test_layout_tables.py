"""Tables on a phone, seen in the browser: a list of records is a card per row on a 390 px
screen (nothing cut off at its edge, no sideways scrolling) and stays a table at 1280 px. In a
card each value stands beside its label, all of it: a value's second line (a "by …" line under a
date, a long reason, a second badge) once ran on under the label."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_axe import ADMIN, DEMO_PASSWORD, MENTOR, _set_language, demo_site, signed_in  # noqa: F401

BUSY = "mentor with sessions ahead"

PAGES = {
    "mentoring": (BUSY, lambda ids: "/mentoring/"),
    "sessions": (BUSY, lambda ids: "/mentoring/sessions"),
    "runs": (ADMIN, lambda ids: "/mentoring/runs"),
    "categories": (ADMIN, lambda ids: "/community/categories"),
    "network-roles": (ADMIN, lambda ids: "/network/roles"),
    "network-coverage": (ADMIN, lambda ids: "/network/coverage"),
    "network-person": (ADMIN, lambda ids: f"/network/people/{ids['mentor_id']}"),
    "impact-report": (ADMIN, lambda ids: f"/runs/{ids['cohort_id']}/report"),
    "removed-threads": (ADMIN, lambda ids: "/community/moderation/removed"),
    "moderation-log": (ADMIN, lambda ids: "/community/moderation/log"),
}

# Each stacked table's cells (those on screen: a report's tables wait in closed <details>):
# how they are laid out, where their right edge is, and whether a heading stands over nothing.
CELLS = """() => [...document.querySelectorAll('main table.table-stack')].map(table => [...table.querySelectorAll('tbody td, tbody th')]
  .filter(cell => cell.getClientRects().length).map(cell => ({display: getComputedStyle(cell).display,
    right: cell.getBoundingClientRect().right, text: cell.textContent.trim().slice(0, 40),
    bare: cell.hasAttribute('data-label') && !cell.textContent.trim()})))"""

# Each labelled cell of a card that sets label and value side by side (not the tables whose labels
# stand above their values, nor those of label and figure): where its label ends, where the
# leftmost piece of its value begins and how far down its value runs.
LABEL_AND_VALUE = """() => [...document.querySelectorAll('main table.table-stack:not(.labels-above):not(.label-figure) td[data-label]')]
  .filter(cell => cell.getClientRects().length).map(cell => {
    const box = cell.getBoundingClientRect(), style = getComputedStyle(cell), label = getComputedStyle(cell, '::before');
    const range = document.createRange();
    range.selectNodeContents(cell);
    const pieces = [...range.getClientRects()].filter(piece => piece.width > 0 && piece.height > 0);
    return {text: cell.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40), time: !!cell.querySelector('time'),
            labelRight: box.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft) + parseFloat(label.marginLeft) + parseFloat(label.width),
            left: Math.min(...pieces.map(piece => piece.left)), lineHeight: parseFloat(style.lineHeight),
            height: Math.max(...pieces.map(piece => piece.bottom)) - Math.min(...pieces.map(piece => piece.top))};
  })"""


def _under_labels(cells: list[dict]) -> list[str]:
    """Values (or a line of one) that start under their label instead of beside it."""
    return [cell["text"] for cell in cells if cell["left"] < cell["labelRight"] - 0.5]


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
    assert {cell["display"] for cell in cells} <= {"block", "flow-root", "flex", "none"}, "a row is still a table row on the phone"
    assert [cell["text"] for cell in cells if cell["right"] > 391] == []
    assert not any(cell["bare"] for cell in cells), "a heading over an empty value"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391
    assert _under_labels(phone.evaluate(LABEL_AND_VALUE)) == []

    desktop = pages[(who, 1280)]
    desktop.goto(base + path(ids))
    shown = {cell["display"] for table in desktop.evaluate(CELLS) for cell in table}
    assert shown <= {"table-cell"}, shown


# A card's title: as wide as its card, its text from the card's left edge (no label column).
FULL_WIDTH = """cell => { const row = cell.parentElement.getBoundingClientRect(), box = cell.getBoundingClientRect();
  const style = getComputedStyle(cell.parentElement), range = document.createRange();
  range.selectNodeContents(cell);
  const left = Math.min(...[...range.getClientRects()].map(piece => piece.left));
  return box.width >= row.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 1 && left - box.left < 1; }"""

LONG_REASON = ("Duplicate of an older thread about the same mentoring question; the answers there are more complete, "
               "please continue the discussion in that thread instead.")


def test_a_removed_thread_reads_label_beside_value_on_every_line_of_a_phone(demo_site, signed_in):  # noqa: F811
    """The removed threads in German at 390 px: the date with "von Ada Admin" under it and a reason
    of several lines stand in the value column, right of their labels, and every value of the list
    starts in the same column; the thread's title stays the card's full-width heading."""
    from community.discussions.models import Thread
    from community.extensions import db

    app, base, ids = demo_site
    _set_language(app, ids, "de")
    with app.app_context():
        db.session.get(Thread, ids["removed_thread_id"]).removal_reason = LONG_REASON
        db.session.commit()
    phone = signed_in[(ADMIN, 390)]
    phone.goto(base + "/community/moderation/removed")
    cells = phone.evaluate(LABEL_AND_VALUE)
    removed = next(cell for cell in cells if cell["time"])
    reason = next(cell for cell in cells if cell["text"].startswith(LONG_REASON[:40]))
    assert removed["height"] >= 1.8 * removed["lineHeight"], removed  # the date, and who removed it under it
    assert reason["height"] >= 2.8 * reason["lineHeight"], reason
    assert _under_labels(cells) == []
    assert len({round(cell["left"]) for cell in cells}) == 1, "the values do not start in one column"
    assert phone.locator("main table.table-stack td.stack-title").first.evaluate(FULL_WIDTH)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391


# Each entry of a compact list (table-list) on the screen: how its cells are laid out, whether
# a cell shows a label, where its latest-thread link starts against the entry's text, its line
# of figures and its height in lines of text.
COMPACT = """() => [...document.querySelectorAll('main table.table-list tbody tr')].filter(row => row.getClientRects().length).map(row => {
  const box = row.getBoundingClientRect(), style = getComputedStyle(row), left = box.left + parseFloat(style.paddingLeft);
  const cells = [...row.cells].filter(cell => cell.getClientRects().length);
  const latest = row.querySelector('td.category-latest a');
  const line = row.querySelector('.list-only:not(.visually-hidden)');
  return {table: row.closest('table').className, displays: cells.map(cell => getComputedStyle(cell).display),
          labels: cells.filter(cell => !['none', 'normal'].includes(getComputedStyle(cell, '::before').content)).length,
          latestLeft: latest ? latest.getBoundingClientRect().left - left : null,
          line: line && line.getClientRects().length ? line.textContent.trim().replace(/\\s+/g, ' ') : null,
          lines: (box.height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)) / 24};
})"""


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_community_index_is_a_compact_list_on_a_phone_and_tables_on_a_desktop(demo_site, signed_in, language):  # noqa: F811
    """At 390 px each category was a card of "Threads", "Posts" and "Latest activity" labels, its
    latest thread wrapping under its label (the page 3,600 px long): now a list entry with its
    description, one line "12 threads · 40 posts" and its latest thread under them from the
    entry's left edge; each recent thread likewise. At 1280 px both stay tables."""
    app, base, ids = demo_site
    _set_language(app, ids, language)
    phone = signed_in[(MENTOR, 390)]
    phone.goto(base + "/community")
    rows = phone.evaluate(COMPACT)
    categories = [row for row in rows if "categories" in row["table"]]
    threads = [row for row in rows if "threads" in row["table"]]
    assert categories and threads
    assert all(set(row["displays"]) == {"block"} and row["labels"] == 0 for row in rows), rows
    counts = r"^\d+ (threads?|Diskussion(en)?) · \d+ (posts?|Beitr(a|ä)ge?)$"
    assert all(re.match(counts, row["line"]) for row in categories), [row["line"] for row in categories]
    assert all(row["latestLeft"] is not None and abs(row["latestLeft"]) < 1 for row in categories), categories
    assert all(row["line"] and re.search(r"\d+ (posts?|Beitr(a|ä)ge?) · ", row["line"]) for row in threads), threads
    assert max(row["lines"] for row in categories) <= 7.5, categories  # a card was 9 lines and more
    assert phone.evaluate("document.documentElement.scrollWidth") <= 391

    desktop = signed_in[(MENTOR, 1280)]
    desktop.goto(base + "/community")
    shown = {display for row in desktop.evaluate(COMPACT) for display in row["displays"]}
    assert shown == {"table-cell"}, shown
    assert desktop.locator("main .list-only:not(.visually-hidden)").evaluate_all("lines => lines.filter(l => l.getClientRects().length).length") == 0
