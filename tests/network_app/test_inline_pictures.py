"""Pictures instead of number rows: sparklines on the overview, evidence bars, a person's activity."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.conftest import text_of


def test_health_cards_have_a_sparkline_and_say_what_changed(client, login_as, analyst, small_org, compute):
    from community.database import utcnow

    week_ago = utcnow() - timedelta(days=7)
    compute(week_ago)
    compute()
    login_as(analyst)
    page = client.get("/network")
    body, text = page.get_data(as_text=True), text_of(page)
    assert body.count('class="sparkline"') >= 8
    assert "Unchanged since" in text or "more than on" in text or "fewer than on" in text
    # The earlier snapshot's day reads as on every page ("7 Aug 2026"), not as a chart's "8/7/26".
    from zoneinfo import ZoneInfo

    shown = week_ago.astimezone(ZoneInfo(analyst.timezone or "Europe/Berlin"))  # the reader's day (late UTC evenings)
    day = f"{shown.day} {shown:%b %Y}"
    assert f"since {day}" in text or f"than on {day}" in text
    assert "Executives without an active or requested mentorship." in text  # every figure explained
    assert "single_points_of_failure" not in text


def test_german_overview_uses_german_words_and_numbers(app, client, login_as, analyst, small_org, compute):
    from flask_babel import force_locale

    from community.network import briefing

    compute()
    login_as(analyst)
    client.post_form("/locale", {"locale": "de", "next": "/network"})
    text = text_of(client.get("/network"))
    assert "Netzwerkanalyse" in text and "Pool health at a glance" not in text and "Single points" not in text
    with app.test_request_context("/"), force_locale("de"):
        assert briefing.number(1234) == "1.234" and briefing.number(0.5) == "0,5"
    with app.test_request_context("/"), force_locale("en"):
        assert briefing.number(1234) == "1,234"


def test_sparkline_and_threshold_bar_are_plain_svg():
    from community.network.drawing import sparkline_svg, threshold_bar_svg

    line = sparkline_svg([1, 3, 2, 5], title="Trend <b>")
    assert line.startswith("<svg") and "polyline" in line and "style=" not in line and "&lt;b&gt;" in line
    assert 'aria-hidden="true"' in sparkline_svg([0, 0])
    bar = threshold_bar_svg(3, 2, maximum=4)
    assert bar.count("<rect") == 2 and "<line" in bar and "#198754" in bar  # met: green
    assert "#0d6efd" in threshold_bar_svg(1, 2, maximum=4)  # not yet met


def test_evidence_is_drawn_as_bars_with_the_numbers_in_words(client, login_as, create_user):
    mentor = create_user(roles=("mentor",), name="Bea Bars")
    login_as(mentor)
    page = client.get("/ambassadors/evidence")
    body, text = page.get_data(as_text=True), text_of(page)
    assert body.count('class="sparkline"') == 6  # one bar per criterion
    assert re.search(r"Sessions held not yet 0 · needs \d+", text)


def test_activity_sparkline_partial_counts_posts_per_month(app, create_user, db):
    from flask import render_template_string

    from community.accounts.models import User
    from community.database import utcnow
    from community.discussions.models import Category, Post, Thread

    person = create_user(name="Pia Poster")
    now = utcnow()
    category = Category(slug="general", name="General")
    db.session.add(category)
    db.session.flush()
    thread = Thread(category_id=category.id, title="Hello", author_id=person.id)
    db.session.add(thread)
    db.session.flush()
    for days_ago in (0, 1, 40, 400):
        db.session.add(Post(thread_id=thread.id, author_id=person.id, body="x", created_at=now - timedelta(days=days_ago)))
    db.session.add(Post(thread_id=thread.id, author_id=person.id, body="gone", created_at=now, deleted_at=now))
    db.session.commit()
    with app.test_request_context("/"):
        html = render_template_string(
            '{% from "network/_sparkline.html" import activity_sparkline %}{{ activity_sparkline(person) }}',
            person=db.session.get(User, person.id))
    assert "<svg" in html and "polyline" in html
    first = date(now.year, now.month, 1)
    for _step in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    # Twelve calendar months, this one included: the deleted and the 400 days old post not counted.
    assert f"3 community posts since {first.strftime('%B %Y')}" in html


def test_person_page_draws_ties_over_time(client, login_as, analyst, small_org, compute):
    compute()
    compute()
    login_as(analyst)
    page = client.get(f"/network/people/{small_org['mia'].id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Over time" in text_of(page) and 'class="sparkline"' in body
