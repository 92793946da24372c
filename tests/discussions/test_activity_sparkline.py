"""The profile's activity sparkline counts only the posts the reader may see: a post in a
mentors-only category is counted for a mentor and not for a member of staff."""

from __future__ import annotations


def _since() -> str:
    """The first of the sparkline's twelve calendar months, as the page names it."""
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    year, month = (now.year, now.month + 1) if now.month < 12 else (now.year + 1, 1)
    return datetime(year - 1, month, 1).strftime("%B %Y")


def test_the_sparkline_counts_what_the_reader_may_see(client, login_as, create_user, create_category, api_token):
    author = create_user(roles=["mentor"], name="Mira Mentor")
    open_area = create_category(name="Open tips")
    mentors_only = create_category(name="Mentor room", visibility="mentors")
    for category in (open_area, mentors_only):
        made = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": f"In {category.name}",
                                                            "body": "Some words."}, token=api_token(author))
        assert made.status_code == 201, made.json

    login_as(create_user(roles=["staff"]))
    staff_view = client.get(f"/people/{author.id}").get_data(as_text=True)
    assert f"1 community post since {_since()}" in staff_view

    assert client.post_form("/logout", {}).status_code == 302
    login_as(create_user(roles=["mentor"]))
    mentor_view = client.get(f"/people/{author.id}").get_data(as_text=True)
    assert f"2 community posts since {_since()}" in mentor_view


def test_the_profile_says_which_period_each_post_figure_covers(app, client, login_as, create_user, create_category, db):
    """'13 community posts in the last 12 months' stood above 'Posts 20': the 13 counted calendar
    months from January (not 365 days), the 20 all posts ever; neither said so. Both count the
    same posts (the reader may see them; deleted and hidden ones are not counted)."""
    from datetime import timedelta

    from community.database import utcnow
    from community.discussions.models import Post, Thread
    from tests.conftest import text_of

    author = create_user(roles=["mentor"], name="Mira Mentor")
    category = create_category(name="Open tips")
    now = utcnow()
    thread = Thread(category_id=category.id, title="Old and new", author_id=author.id, post_count=0)
    db.session.add(thread)
    db.session.flush()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    first_month = month_start
    for _ in range(11):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    dates = [now, now - timedelta(days=2), first_month + timedelta(hours=1),  # counted in the sparkline
             first_month - timedelta(hours=1),  # within 365 days, before the first month shown
             now - timedelta(days=800)]
    for at in dates:
        db.session.add(Post(thread_id=thread.id, author_id=author.id, body="x", created_at=at))
    db.session.add(Post(thread_id=thread.id, author_id=author.id, body="gone", created_at=now, deleted_at=now))
    db.session.add(Post(thread_id=thread.id, author_id=author.id, body="hidden", created_at=now, hidden=True))
    db.session.commit()

    login_as(create_user(roles=["staff"]))
    page = text_of(client.get(f"/people/{author.id}"))
    assert f"3 community posts since {first_month.strftime('%B %Y')}" in page
    assert "in the last 12 months" not in page
    assert "All-time posts 5" in page and "All-time threads started 1" in page
