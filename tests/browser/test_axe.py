"""Accessibility proof: axe-core (axe-playwright-python) reports no violation on the main pages.

A demo organisation is built once for the module and served; an administrator (who is also a
change manager) and a mentor each visit the pages of the header navigation and a few detail
pages, in English and German, at 1280 px and 390 px wide. Every axe rule runs (WCAG 2.x A/AA
and the best practices).
"""

from __future__ import annotations

import random
import threading

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

DEMO_PASSWORD = "mentoring-demo-2026"
WIDTHS = (1280, 390)
LANGUAGES = ("en", "de")
ADMIN = "admin"
MENTOR = "mentor"

# name -> (path builder over the demo's ids, who visits it)
PAGES = {
    "home": (lambda ids: "/", (ADMIN, MENTOR)),
    "people": (lambda ids: "/people", (ADMIN, MENTOR)),
    "profile": (lambda ids: f"/people/{ids['mentor_id']}", (ADMIN, MENTOR)),
    "topics": (lambda ids: "/tags", (ADMIN, MENTOR)),
    "topic": (lambda ids: f"/tags/{ids['tag']}", (ADMIN, MENTOR)),
    "topic-contacts": (lambda ids: f"/tags/{ids['tag']}/contacts", (ADMIN, MENTOR)),
    "mentoring": (lambda ids: "/mentoring/", (ADMIN, MENTOR)),
    "community": (lambda ids: "/community", (ADMIN, MENTOR)),
    "community-category": (lambda ids: f"/community/c/{ids['category']}", (ADMIN, MENTOR)),
    "thread": (lambda ids: f"/threads/{ids['thread_id']}", (ADMIN, MENTOR)),
    "community-search": (lambda ids: "/community/search?q=teams", (ADMIN, MENTOR)),
    "thread-edit": (lambda ids: f"/threads/{ids['thread_id']}/edit", (ADMIN,)),
    "removed-thread": (lambda ids: f"/threads/{ids['removed_thread_id']}", (ADMIN,)),
    "removed-threads": (lambda ids: "/community/moderation/removed", (ADMIN,)),
    "ambassadors": (lambda ids: "/ambassadors", (ADMIN, MENTOR)),
    "circles": (lambda ids: "/circles", (ADMIN, MENTOR)),
    "notifications": (lambda ids: "/notifications/", (ADMIN, MENTOR)),
    "settings": (lambda ids: "/settings", (ADMIN, MENTOR)),
    "settings-password": (lambda ids: "/settings/password", (MENTOR,)),
    "settings-tokens": (lambda ids: "/settings/tokens", (MENTOR,)),
    "settings-notifications": (lambda ids: "/settings/notifications", (MENTOR,)),
    "settings-privacy": (lambda ids: "/settings/privacy", (MENTOR,)),
    "settings-pause": (lambda ids: "/settings/mentoring-pause", (MENTOR,)),
    "network": (lambda ids: "/network", (ADMIN,)),
    "network-risks": (lambda ids: "/network/risks", (ADMIN,)),
    "network-roles": (lambda ids: "/network/roles", (ADMIN,)),
    "network-coverage": (lambda ids: "/network/coverage", (ADMIN,)),
    "network-what-if": (lambda ids: "/network/what-if", (ADMIN,)),
    "network-trend": (lambda ids: "/network/trend", (ADMIN,)),
    "network-explorer": (lambda ids: "/network/explorer", (ADMIN,)),
    "network-demand": (lambda ids: "/network/demand", (ADMIN,)),
    "questions": (lambda ids: "/questions?box=received", (ADMIN, MENTOR)),
    "question": (lambda ids: f"/questions/{ids['question_id']}", (MENTOR,)),
    "peers": (lambda ids: f"/people/{ids['mentor_id']}/peers", (MENTOR,)),
    "profile-edit": (lambda ids: f"/people/{ids['mentor_id']}/edit", (MENTOR,)),
    "admin-import": (lambda ids: "/admin/import", (ADMIN,)),
    "admin-audit": (lambda ids: "/admin/audit", (ADMIN,)),
    "impact-report": (lambda ids: f"/runs/{ids['cohort_id']}/report", (ADMIN,)),
    "impact-surveys": (lambda ids: f"/runs/{ids['cohort_id']}/surveys", (ADMIN,)),
    "admin-users": (lambda ids: "/admin/users", (ADMIN,)),
    "admin-user": (lambda ids: f"/admin/users/{ids['mentor_id']}", (ADMIN,)),
    "admin-outbox": (lambda ids: "/admin/outbox", (ADMIN,)),
    "admin-outbox-message": (lambda ids: f"/admin/outbox/{ids['message_id']}", (ADMIN,)),
    "ambassador-candidates": (lambda ids: "/ambassadors/candidates", (ADMIN,)),
    "ambassador-nominations": (lambda ids: "/ambassadors/nominations", (ADMIN,)),
    "ambassador-evidence": (lambda ids: "/ambassadors/evidence", (MENTOR,)),
    "circles-proposals": (lambda ids: "/circles/proposals", (ADMIN,)),
    "not-found": (lambda ids: "/threads/999999", (MENTOR,)),
}

# What axe does not see: a person's card no taller than the fullest card's content (a row of
# cards may share the tallest one's height; the peers' cards once stretched to their whole
# column, 6,000 px), and the placeholder of a deleted or hidden post drawn as text, not as a
# bar (Bootstrap's own `.placeholder` class once painted it over in its text colour).
LAYOUT_CHECKS = """() => {
  const problems = [];
  const cards = [...document.querySelectorAll('.person-card')];
  const reach = card => Math.max(0, ...[...card.querySelectorAll('h3, p, ul')].map(
    el => el.getBoundingClientRect().bottom - card.getBoundingClientRect().top));  // its body stretches with it
  const fullest = Math.max(0, ...cards.map(reach));
  const tall = cards.map(card => Math.round(card.getBoundingClientRect().height)).filter(h => h > fullest + 48);
  if (tall.length) problems.push(`person cards ${tall} px tall, their content at most ${fullest} px`);
  for (const gone of document.querySelectorAll('.post.deleted .post-main > p:first-of-type, .post.hidden-post .post-main > p:first-of-type')) {
    const style = getComputedStyle(gone);
    if (style.backgroundColor !== 'rgba(0, 0, 0, 0)') problems.push(`"${gone.textContent.trim()}" drawn on ${style.backgroundColor}`);
  }
  // Nothing written over anything else in a row of label, bar and value (the candidates' criteria did),
  // the candidates' folded evidence opened; no part of a candidate's line runs out of its column.
  document.querySelectorAll('details.candidate-details').forEach(details => { details.open = true; });
  for (const part of document.querySelectorAll('.candidate-line > *')) {
    if (part.scrollWidth > part.clientWidth + 1) problems.push(`"${part.textContent.trim()}" runs out of its column`);
  }
  for (const row of document.querySelectorAll('.criteria-bars li, .candidate-figure')) {
    const boxes = [...row.children].map(child => child.getBoundingClientRect());
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
      if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
        problems.push(`"${row.textContent.trim()}" drawn over itself`);
    }));
  }
  // A form's checkbox inside the form's column (they hung in the margin, cut off at 390 px).
  for (const box of document.querySelectorAll('.field.form-check > .form-check-input')) {
    const column = box.closest('form') || box.parentElement.parentElement;
    if (box.getBoundingClientRect().left < column.getBoundingClientRect().left - 1)
      problems.push(`the checkbox "${box.parentElement.textContent.trim().slice(0, 40)}" sticks out of its form`);
  }
  // An e-mail's text wraps inside its box (it was cut off in a box scrolled sideways at 390 px).
  for (const text of document.querySelectorAll('pre.mail-text')) {
    if (text.scrollWidth > text.clientWidth + 1) problems.push(`the e-mail text is ${text.scrollWidth} px wide in a ${text.clientWidth} px box`);
  }
  // Nothing makes a phone's page scroll sideways (the German run report's badges did).
  if (window.innerWidth <= 400 && document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
  // Every id once (the header's language switch and the settings' language select were both
  // "locale", so the settings' label focused the header).
  const seen = new Set();
  for (const el of document.querySelectorAll('[id]')) {
    if (seen.has(el.id)) problems.push(`the id "${el.id}" is used twice`);
    seen.add(el.id);
  }
  if (document.querySelector('.post-item') && document.querySelectorAll('.post.deleted, .post.hidden-post').length < 2)
    problems.push('the thread shows no deleted and hidden post to check');
  return problems;
}"""


def _params():
    for name in PAGES:
        yield pytest.param(name, id=name)


@pytest.fixture(scope="module")
def demo_site(database_url):
    """The demo organisation, built once and served for the whole module."""
    from community import create_app, demo, unit_of_work
    from community.accounts.models import User
    from community.config import config_for_tests
    from community.discussions.models import Category, Post, Thread
    from community.expertise.models import Tag
    from community.extensions import db
    from community.mentoring.models import Cohort
    from community.profiles.models import Question
    from tests.conftest import _clear_tables

    app = create_app(config_for_tests(database_url))
    with app.app_context():
        random.seed(1)
        demo.build(people=60, seed=1)
        unit_of_work.commit()
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
        mentor = next(u for u in db.session.scalars(select(User).order_by(User.id)) if u.has_role("mentor") and u.id != admin.id)
        lounge = db.session.scalar(select(Category).where(Category.visibility == "members").order_by(Category.position))
        thread = db.session.scalar(select(Thread).where(Thread.category_id == lounge.id).order_by(Thread.post_count.desc()))
        tag = db.session.scalar(select(Tag).where(Tag.slug == "microsoft-teams")) or db.session.scalar(select(Tag).order_by(Tag.id))
        # A thread a moderator removed, with a reason: its banner and the list of removed threads.
        removed = db.session.scalar(select(Thread).where(Thread.id != thread.id).order_by(Thread.post_count.desc()))
        removed.removed_at, removed.removed_by_id, removed.removal_reason = removed.created_at, admin.id, "Advertising"
        # A deleted and a hidden post in the threads: their placeholders must be readable too.
        for shown in (thread, removed):
            replies = list(db.session.scalars(select(Post).where(Post.thread_id == shown.id).order_by(Post.id).offset(1).limit(2)))
            if replies:
                replies[0].deleted_at = replies[0].created_at
            if len(replies) > 1:
                replies[1].hidden = True
        # An e-mail in the outbox with a line longer than a phone's width (its text was cut off at 390 px).
        from community.outreach.models import OutgoingMessage

        message = OutgoingMessage(
            key="layout-check-reply", channel="email", user_id=admin.id, recipient=admin.email, kind="discussion_reply",
            subject="A reply in a thread you follow", status="sent",
            body_text="Hello,\n\n" + "someone replied in a thread you follow, and this line goes on " * 4
                      + "\n\nhttps://community.example/threads/1#post-" + "1" * 60 + "\n")
        db.session.add(message)
        unit_of_work.commit()
        cohort = db.session.scalar(select(Cohort).order_by(Cohort.id))
        question = db.session.scalar(select(Question).order_by(Question.id))
        if question is not None and mentor.id not in (question.asker_id, question.contact_id):
            mentor = db.session.get(User, question.contact_id)  # the mentor is one of its two people
        ids = {
            "admin_email": admin.email, "mentor_email": mentor.email, "mentor_id": mentor.id,
            "thread_id": thread.id, "removed_thread_id": removed.id, "question_id": question.id if question else 0, "category": lounge.slug, "tag": tag.slug, "cohort_id": cohort.id if cohort else 1,
            "user_ids": {ADMIN: admin.id, MENTOR: mentor.id}, "message_id": message.id,
        }
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    yield app, f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    serving.join(5)
    _clear_tables(app)


@pytest.fixture(scope="module")
def signed_in(browser, demo_site):
    """One browser context per person and width, signed in once."""
    _app, base, ids = demo_site
    contexts = {}
    for who in (ADMIN, MENTOR):
        for width in WIDTHS:
            context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto(base + "/login")
            page.locator("#email").fill(ids[f"{who}_email"])
            page.locator("#password").fill(DEMO_PASSWORD)
            page.locator("main form button[type=submit]").click()
            expect(page.locator("#notif-bell")).to_be_attached()
            contexts[(who, width)] = page
    yield contexts
    for page in contexts.values():
        page.context.close()


def _set_language(app, ids, language: str) -> None:
    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        for user_id in ids["user_ids"].values():
            db.session.get(User, user_id).locale = language
        db.session.commit()


def _describe(results) -> str:
    lines = []
    for violation in results.response["violations"]:
        targets = [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
                   for node in violation["nodes"][:4]]
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(_params()))
def test_axe_finds_no_violation(name, demo_site, signed_in):
    from axe_playwright_python.sync_playwright import Axe

    app, base, ids = demo_site
    build, visitors = PAGES[name]
    path = build(ids)
    axe = Axe()
    problems = []
    for language in LANGUAGES:
        _set_language(app, ids, language)
        for who in visitors:
            for width in WIDTHS:
                page = signed_in[(who, width)]
                page.goto(base + path)
                page.wait_for_load_state("load")
                assert page.locator("html").get_attribute("lang") == language
                results = axe.run(page)
                if results.violations_count:
                    problems.append(f"{path} as {who}, {language}, {width} px:\n{_describe(results)}")
                problems += [f"{path} as {who}, {language}, {width} px: {problem}" for problem in page.evaluate(LAYOUT_CHECKS)]
    assert not problems, "\n".join(problems)
