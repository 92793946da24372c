"""The markup of one design system: styled controls (never the browser's bare select or input),
one filter bar, one topic chip, avatars on notifications (neutral for former members), a profile's
community figures labelled by the span they count, and e-mail settings that list only the kinds
that can reach a person, under headings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import api, give_tags, taxonomy  # noqa: F401
from tests.pool.test_circles_app import org  # noqa: F401


def _tags(html: str, name: str) -> list[str]:
    return re.findall(rf"<{name}\b[^>]*>", html)


def test_ambassador_filters_are_styled_selects_in_the_filter_bar(create_user, login_as, client):
    login_as(create_user(roles=("staff",)))
    html = client.get("/ambassadors").get_data(as_text=True)
    form = re.search(r'<form method="get" class="filter-bar" role="search">(.*?)</form>', html, re.S)
    assert form, "the filters are not in the filter bar"
    selects = _tags(form.group(1), "select")
    assert len(selects) == 3 and all('class="form-select"' in s for s in selects)
    assert 'class="btn btn-outline-secondary"' in form.group(1)


def test_profile_edit_topic_and_level_are_styled_selects(create_user, login_as, client):
    mentor = create_user(roles=("mentor",))
    login_as(mentor)
    html = client.get(f"/people/{mentor.id}/edit").get_data(as_text=True)
    # Someone without topics yet sees the "Add a topic" row's two selects (each topic's level once added).
    rows = [s for s in _tags(html, "select") if re.search(r'name="(tags-\d+-level|new_tag|new_level)"', s)]
    assert len(rows) >= 2 and all("form-select" in s for s in rows)


def test_circle_proposals_have_a_styled_name_field_and_the_common_topic_chip(org, client, login_as):  # noqa: F811
    login_as(org["cm"])
    html = client.get("/circles/proposals").get_data(as_text=True)
    names = [s for s in _tags(html, "input") if 'name="name"' in s]
    assert names and all('class="form-control"' in s for s in names)
    assert '<span class="tag me-1">' in html and "badge text-bg-light border me-1" not in html


def test_audit_and_outbox_filter_with_the_same_button(create_user, login_as, client):
    login_as(create_user(roles=("admin",)))
    buttons = []
    for path in ("/admin/audit", "/admin/outbox"):
        form = re.search(r'<form method="get" class="filter-bar"[^>]*>(.*?)</form>', client.get(path).get_data(as_text=True), re.S)
        assert form, path
        buttons.append(re.search(r'<button type="submit" class="([^"]+)"', form.group(1)).group(1))
    assert buttons == ["btn btn-outline-secondary", "btn btn-outline-secondary"]


@pytest.mark.parametrize("path", ["/admin/import", "/admin/audit"])
def test_admin_page_titles_carry_no_smaller_size(create_user, login_as, client, path):
    login_as(create_user(roles=("admin",)))
    html = client.get(path).get_data(as_text=True)
    assert "<h1>Administration</h1>" in html


def test_notifications_show_the_actor_and_a_neutral_avatar_for_a_former_member(app, create_user, login_as, client, db):
    from community.accounts.models import User
    from community.notifications.services import notify

    reader = create_user(roles=("staff",))
    actor = create_user(roles=("mentor",), name="Nora Nowak")
    gone = create_user(roles=("mentor",), name="Gerd Gone")
    notify(reader.id, "discussion_mention", actor=db.session.get(User, actor.id), link="/community/", thread="One")
    notify(reader.id, "discussion_mention", actor=db.session.get(User, gone.id), link="/community/", thread="Two")
    erased = db.session.get(User, gone.id)
    erased.erased_at = erased.created_at
    db.session.commit()
    login_as(reader)
    html = client.get("/notifications/").get_data(as_text=True)
    who = re.findall(r'<span class="notification-who"[^>]*>(<span class="avatar [^"]+"[^>]*>.*?</span>)', html, re.S)
    assert len(who) == 2
    assert any(">NN<" in a and "avatar-c" in a for a in who)
    assert any("avatar-neutral" in a and "GG" not in a for a in who)


def test_profile_counts_all_time_posts_beside_the_sparklines_twelve_months_and_says_so(app, create_user, login_as, client, db):
    from community.database import utcnow
    from community.discussions.models import Category, Post, Thread
    from community.discussions.queries import person_activity
    from community.pool.queries import monthly_posts

    author = create_user(roles=("mentor",), name="Paula Poster")
    reader = create_user(roles=("staff",))
    category = db.session.scalar(select(Category).where(Category.visibility == "members")) or Category(
        name="Lounge", slug="lounge", visibility="members")
    db.session.add(category)
    db.session.flush()
    now = utcnow()
    thread = Thread(category_id=category.id, author_id=author.id, title="Old and new", created_at=now - timedelta(days=800),
                    last_post_at=now)
    db.session.add(thread)
    db.session.flush()
    for days in (800, 500, 10, 3):  # two before the sparkline's twelve months, two within them
        db.session.add(Post(thread_id=thread.id, author_id=author.id, body="Hello", created_at=now - timedelta(days=days)))
    db.session.commit()

    viewer = db.session.get(type(author), reader.id)
    assert person_activity(viewer, author.id).posts == 4
    assert sum(count for _month, count in monthly_posts(viewer, author.id, 12)) == 2
    login_as(reader)
    html = client.get(f"/people/{author.id}").get_data(as_text=True)
    text = text_of(client.get(f"/people/{author.id}"))
    assert "2 community posts since" in text and "All-time posts 4" in text
    assert re.search(r'<dd class="figure">4</dd>', html)


def _settings_fields(html: str) -> list[str]:
    form = html[html.index('<form method="post" action="/settings/notifications"'):]
    return re.findall(r'<select[^>]*name="([a-z_]+)"', form[:form.index("</form>")])


def test_a_mentor_sees_only_the_email_kinds_that_can_reach_them_under_headings(create_user, login_as, client, db):
    from community.outreach.models import NotificationPreference

    mentor = create_user(roles=("mentor",))
    login_as(mentor)
    page = client.get("/settings/notifications")
    html, text = page.get_data(as_text=True), text_of(page)
    fields = _settings_fields(html)
    assert "weekly_briefing" not in fields and "Weekly briefing for change managers" not in text
    assert {"mention", "mentorship_requested", "checkin", "nomination"} <= set(fields)
    legends = re.findall(r'<legend class="h3">([^<]+)</legend>', html)
    assert legends == ["Community", "Mentoring", "Ambassadors", "Programme"]
    # Saving stores what was shown; a kind the page did not show is not saved from a forged post.
    saved = client.post_form("/settings/notifications", {**dict.fromkeys(fields, "off"), "weekly_briefing": "off"})
    assert saved.status_code == 302
    stored = dict(db.session.execute(select(NotificationPreference.kind, NotificationPreference.mode)
                                     .where(NotificationPreference.user_id == mentor.id)).all())
    assert set(stored) == set(fields) and set(stored.values()) == {"off"}


def test_a_change_manager_sees_the_weekly_briefing_and_a_bad_choice_is_refused(create_user, login_as, client):
    manager = create_user(roles=("change_manager",))
    login_as(manager)
    fields = _settings_fields(client.get("/settings/notifications").get_data(as_text=True))
    assert "weekly_briefing" in fields and "checkin" not in fields and "feedback" not in fields
    refused = client.post_form("/settings/notifications", {**dict.fromkeys(fields, "off"), "weekly_briefing": "digest"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)


def test_a_staff_member_sees_the_community_kinds_only(create_user, login_as, client):
    login_as(create_user(roles=("staff",)))
    html = client.get("/settings/notifications").get_data(as_text=True)
    assert re.findall(r'<legend class="h3">([^<]+)</legend>', html) == ["Community", "Ambassadors"]
    assert "mentorship_requested" not in _settings_fields(html)


def test_the_settings_are_grouped_in_german_too(create_user, login_as, client):
    login_as(create_user(roles=("mentor",), locale="de"))
    html = client.get("/settings/notifications").get_data(as_text=True)
    legends = re.findall(r'<legend class="h3">([^<]+)</legend>', html)
    assert len(legends) == 4 and legends[:3] == ["Community", "Mentoring", "Botschafter:innen"]


def test_pref_groups_follow_roles_and_the_api_keeps_every_kind(create_user, api):  # noqa: F811
    from community.outreach import services

    executive = create_user(roles=("executive",))
    keys = {pref.key for _heading, prefs in services.pref_groups_for(executive) for pref in prefs}
    assert "session_scheduled" in keys and "weekly_briefing" not in keys and "checkin" not in keys
    me = api(executive)("GET", "/api/v1/me").json
    assert set(me["notification_prefs"]) == {pref.key for pref in services.PREF_KINDS}


def test_staff_without_a_mentoring_role_are_not_offered_empty_mentoring_pages(client, login_as, create_user):
    """A staff member's menu led to "You have no mentorships yet", and Settings offered a
    calendar feed that could never hold anything."""
    login_as(create_user(roles=["staff"]))
    home = client.get("/").get_data(as_text=True)
    assert 'href="/mentoring/"' not in home
    settings = client.get("/settings").get_data(as_text=True)
    assert "Calendar feed" not in settings
    client.post_form("/logout")
    login_as(create_user(roles=["executive"]))
    assert 'href="/mentoring/"' in client.get("/").get_data(as_text=True)
    assert "Calendar feed" in client.get("/settings").get_data(as_text=True)
