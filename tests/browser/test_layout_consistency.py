"""One design system, seen in the browser: every page title has the same size, section headings
one weight, filter buttons one look, a figure never wraps, and a button never sticks out past
the list it acts on. Once the import and audit pages had a 17 px title next to 28 px ones, the
audit trail's "Filter" was blue and the outbox's grey, "21" posts on a profile broke as 2 over
1, and "Mark all as read" stood past the notifications' right edge."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.test_axe import ADMIN, MENTOR, _set_language, demo_site, signed_in  # noqa: F401

TITLED = ("/admin/users", "/admin/import", "/admin/audit", "/admin/outbox", "/notifications", "/settings/notifications")

STYLE = """selector => { const el = document.querySelector(selector); if (!el) return null;
  const s = getComputedStyle(el); return {size: s.fontSize, weight: s.fontWeight, color: s.color,
  background: s.backgroundColor, border: s.borderColor, height: el.getBoundingClientRect().height}; }"""


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_title_has_one_size_and_section_headings_one_weight(demo_site, signed_in, width, language):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[(ADMIN, width)]
    sizes = {}
    for path in TITLED:
        page.goto(base + path)
        sizes[path] = page.evaluate(STYLE, "main h1")["size"]
    assert len(set(sizes.values())) == 1, sizes
    page.goto(base + "/admin/audit")
    assert page.evaluate(STYLE, "main h2")["weight"] == "600"
    page.goto(base + "/settings/notifications")
    assert {page.evaluate(STYLE, "main legend.h3")["weight"]} == {"600"}


def test_filter_buttons_look_alike_on_the_audit_trail_and_the_outbox(demo_site, signed_in):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, "en")
    page = signed_in[(ADMIN, 1280)]
    looks = []
    for path in ("/admin/audit", "/admin/outbox"):
        page.goto(base + path)
        looks.append(page.evaluate(STYLE, "main form.filter-bar button[type=submit]"))
    assert looks[0] is not None and looks[0] == looks[1]


@pytest.mark.parametrize("width", [1280, 390])
def test_ambassador_filters_stand_in_a_row_of_styled_selects(demo_site, signed_in, width):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[(ADMIN, width)]
    page.goto(base + "/ambassadors")
    selects = page.evaluate("""() => [...document.querySelectorAll('main form[role=search] select')].map(s => ({
      cls: s.className, top: Math.round(s.getBoundingClientRect().top), right: s.getBoundingClientRect().right}))""")
    assert len(selects) == 3 and all("form-select" in s["cls"] for s in selects)
    if width == 1280:
        assert len({s["top"] for s in selects}) == 1, "the filters are stacked instead of in a row"
    assert max(s["right"] for s in selects) <= width


@pytest.fixture(scope="module")
def poster(demo_site):  # noqa: F811
    """The person with the most posts (their profile's community card has figures)."""
    from sqlalchemy import func

    from community.discussions.models import Post
    from community.extensions import db

    app, _base, _ids = demo_site
    with app.app_context():
        return db.session.execute(select(Post.author_id).where(Post.author_id.is_not(None)).group_by(Post.author_id)
                                  .order_by(func.count().desc()).limit(1)).scalar_one()


FIGURES = """() => [...document.querySelectorAll('.facts dd.figure')].filter(dd => dd.getClientRects().length).map(dd => {
  const range = document.createRange(); range.selectNodeContents(dd);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return {text: dd.textContent.trim(), lines: tops.size}; })"""


@pytest.mark.parametrize("width", [1280, 390])
def test_a_profiles_post_figures_never_wrap_and_the_next_heading_has_room(demo_site, signed_in, poster, width):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[(ADMIN, width)]
    page.goto(base + f"/people/{poster}")
    figures = page.evaluate(FIGURES)
    assert figures, "no figures on the community card"
    assert [f["text"] for f in figures if f["lines"] != 1] == []
    gap = page.evaluate("""() => { const dl = document.querySelector('#community-activity').parentElement.querySelector('.facts');
      const h = dl.nextElementSibling; return h.getBoundingClientRect().top - dl.getBoundingClientRect().bottom; }""")
    assert gap >= 12


@pytest.fixture(scope="module")
def admin_notified(demo_site):  # noqa: F811
    """Two notifications for the admin: one from a mentor, one from a person since erased."""
    from community import unit_of_work
    from community.accounts.models import User
    from community.extensions import db
    from community.notifications.services import notify

    app, _base, ids = demo_site
    with app.app_context():
        mentor = db.session.get(User, ids["mentor_id"])
        gone = db.session.scalar(select(User).where(User.id.not_in(list(ids["user_ids"].values())),
                                                    User.erased_at.is_(None)).order_by(User.id.desc()).limit(1))
        for actor in (mentor, gone):
            notify(ids["user_ids"][ADMIN], "discussion_mention", actor=actor, link="/community/", thread="Layout check")
        gone.erased_at = gone.created_at
        gone_id = gone.id
        unit_of_work.commit()
    return gone_id


@pytest.mark.parametrize("width", [1280, 390])
def test_notifications_show_who_acted_and_mark_all_stays_within_the_list(demo_site, signed_in, admin_notified, width):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, "de")
    page = signed_in[(ADMIN, width)]
    page.goto(base + "/notifications")
    edges = page.evaluate("""() => ({button: document.querySelector('main .page-head form button').getBoundingClientRect().right,
      list: document.querySelector('main ul.notifications').getBoundingClientRect().right})""")
    assert edges["button"] <= edges["list"] + 0.5
    avatars = page.locator("main ul.notifications .notification-who .avatar")
    assert avatars.count() >= 2
    assert page.locator("main ul.notifications .notification-who .avatar-neutral").count() >= 1
