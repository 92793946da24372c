"""Scheduling, rescheduling with history, cancelling, marking done; times, zones and refusals."""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days

BERLIN = ZoneInfo("Europe/Berlin")


def next_dst_changes(zone=BERLIN, count=2) -> list[date]:
    """The next days on which the zone's clocks change (skipping the next two days)."""
    found = []
    day = datetime.now(UTC).date() + timedelta(days=2)
    while len(found) < count:
        before = datetime.combine(day - timedelta(days=1), datetime.min.time().replace(hour=12), zone).utcoffset()
        after = datetime.combine(day, datetime.min.time().replace(hour=12), zone).utcoffset()
        if before != after:
            found.append(day)
        day += timedelta(days=1)
    return found


def local_input(value: datetime, zone=BERLIN) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def test_executive_schedules_a_session_entered_in_their_time_zone(client, login_as, people, create_mentorship, db):
    from community.mentoring.models import MentoringSession
    from community.notifications.models import Notification

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    form = client.get(f"/mentoring/mentorships/{mentorship_id}/sessions/new")
    assert "Times are in your time zone: Berlin." in text_of(form)  # the place, as Settings name it
    assert 'type="datetime-local"' in form.get_data(as_text=True)
    start = in_days(5, hour=9)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": local_input(start), "duration_minutes": 90, "location": "https://meet.example.com/abc",
        "agenda_tags": ["microsoft-teams"], "agenda": "Channels vs chats",
    })
    assert response.status_code == 302, text_of(response)
    session = db.session.scalar(select(MentoringSession))
    assert session.starts_at == start and session.ends_at == start + timedelta(minutes=90)
    page = text_of(client.get(response.headers["Location"]))
    assert "Channels vs chats" in page and "Microsoft Teams" in page
    assert "(90 min, Berlin)" in page and "Europe/Berlin" not in page
    note = db.session.scalar(select(Notification).where(Notification.user_id == mentor.id))
    assert note.kind == "session_scheduled"


def test_the_schedule_form_shows_every_field_error_at_once(client, login_as, people, create_mentorship, db):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": local_input(in_days(-2)), "duration_minutes": "99999999999999999999999",
        "location": "x" * 1000, "agenda": "y" * 100_000, "agenda_tags": [],
    })
    assert response.status_code == 200
    page = text_of(response)
    # The form's own checks (lengths) and the service's (time, duration) in one answer.
    assert "A session lasts between 15 and 480 minutes." in page
    assert "A session cannot start in the past." in page
    assert page.count("Field cannot be longer than") == 2 * 2  # summary and inline, location and agenda
    assert db.session.scalar(select(MentoringSession)) is None
    # The service's own check of a place shows beside a refused agenda too.
    page = text_of(client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": local_input(in_days(3)), "duration_minutes": 5, "location": "ftp://files.example.com/x",
        "agenda": "y" * 5001, "agenda_tags": [],
    }))
    assert "A session lasts between 15 and 480 minutes." in page and "A link must start with http:// or https://." in page
    # A form the form's own checks pass: the service names every refused field, not the first.
    page = text_of(client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": local_input(in_days(-1)), "duration_minutes": 60, "location": "ftp://files.example.com/x",
        "agenda_tags": [],
    }))
    assert "A session cannot start in the past." in page and "A link must start with http:// or https://." in page
    assert db.session.scalar(select(MentoringSession)) is None


def test_a_start_in_another_format_is_called_invalid_not_missing_and_stays_typed(client, login_as, people,
                                                                                 create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": "12/17/2026 4pm", "duration_minutes": 60, "agenda_tags": []})
    page = text_of(response)
    assert "Starts at: Enter a date and a time, such as 17.12.2026 16:00." in page
    assert "This field is required" not in page and "Not a valid" not in page  # not WTForms' own English
    assert 'value="12/17/2026 4pm"' in response.get_data(as_text=True)
    assert "Starts at: Give the date and the time, both complete." in text_of(client.post_form(
        f"/mentoring/mentorships/{mentorship_id}/sessions/new", {"starts_at": "", "duration_minutes": 60}))


def test_a_start_typed_by_hand_as_readers_write_it_is_taken(client, login_as, people, create_mentorship, db):
    """Without a browser's date picker (or with one that lets the reader type), "17.12.2026 16:00"
    and "2026-12-17 16:00" were refused as invalid although the refusal's example reads so."""
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    start = (datetime.now(UTC) + timedelta(days=30)).replace(hour=9, minute=30, second=0, microsecond=0)
    for typed in (start.strftime("%d.%m.%Y %H:%M"), (start + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")):
        response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
            "starts_at": typed, "duration_minutes": 60, "agenda_tags": []})
        assert response.status_code == 302, text_of(response)
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)) == 2


def test_the_reschedule_form_shows_the_duration_error_beside_a_missing_reason(client, login_as, people, create_mentorship,
                                                                               create_session):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(3))
    login_as(mentor)
    page = text_of(client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(in_days(6)), "duration_minutes": 1000, "reason": "", "version": 1}))
    assert "This field is required." in page and "A session lasts between 15 and 480 minutes." in page
    # Both refused by the service (the form's own checks pass): both named at once.
    page = text_of(client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(in_days(-1)), "duration_minutes": 1000, "reason": "Travel", "version": 1}))
    assert "A session cannot start in the past." in page and "A session lasts between 15 and 480 minutes." in page


def test_sessions_across_a_dst_change_keep_their_wall_clock_time(client, login_as, people, create_mentorship, db):
    """10:00 in Berlin is 09:00 or 08:00 UTC depending on the season; the page shows 10:00 both times."""
    from community.mentoring.models import MentoringSession

    mentor, executive = people(capacity=3)
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    for change in next_dst_changes():
        for day in (change - timedelta(days=1), change):
            client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
                "starts_at": f"{day.isoformat()}T10:00", "duration_minutes": 60, "agenda_tags": [],
            })
    sessions = db.session.scalars(select(MentoringSession).order_by(MentoringSession.starts_at)).all()
    assert len(sessions) == 4
    for session in sessions:
        assert session.starts_at.astimezone(BERLIN).hour == 10
    utc_hours = [s.starts_at.hour for s in sessions]
    assert utc_hours[0] != utc_hours[1] and utc_hours[2] != utc_hours[3]
    for session in sessions:
        assert ", 10:00–" in text_of(client.get(f"/sessions/{session.id}"))  # hours and minutes, no seconds


def test_a_time_the_clock_skips_is_refused(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    spring = next(d for d in next_dst_changes(count=2)
                  if datetime.combine(d, datetime.min.time().replace(hour=12), BERLIN).utcoffset() == timedelta(hours=2))
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": f"{spring.isoformat()}T02:30", "duration_minutes": 60,
    })
    assert response.status_code == 200 and "does not exist in Europe/Berlin" in text_of(response)


def test_a_time_that_occurs_twice_asks_which_one_and_shows_the_offsets(client, login_as, people, create_mentorship, db):
    from sqlalchemy import select

    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    autumn = next(d for d in next_dst_changes(count=2)
                  if datetime.combine(d, datetime.min.time().replace(hour=12), BERLIN).utcoffset() == timedelta(hours=1))
    url = f"/mentoring/mentorships/{mentorship_id}/sessions/new"
    asked = client.post_form(url, {"starts_at": f"{autumn.isoformat()}T02:30", "duration_minutes": 60})
    page = text_of(asked)
    assert asked.status_code == 200 and "occurs twice in Europe/Berlin" in page
    assert "UTC+02:00" in page and "UTC+01:00" in page
    assert 'name="clock_change"' in asked.get_data(as_text=True)
    assert db.session.scalar(select(MentoringSession.id)) is None  # nothing was stored silently
    done = client.post_form(url, {"starts_at": f"{autumn.isoformat()}T02:30", "duration_minutes": 60,
                                  "clock_change": "0"})
    assert done.status_code == 302
    db.session.expire_all()
    session = db.session.scalar(select(MentoringSession))
    assert session.starts_at.astimezone(UTC) == datetime.combine(autumn, datetime.min.time(), UTC).replace(minute=30)
    shown = text_of(client.get(f"/sessions/{session.id}"))
    assert "02:30 (UTC+02:00)–02:30 (UTC+01:00)" in shown
    # The second reading is an hour later in UTC.
    client.post_form(url, {"starts_at": f"{autumn.isoformat()}T02:30", "duration_minutes": 30, "clock_change": "1"})
    later = db.session.scalar(select(MentoringSession).order_by(MentoringSession.id.desc()))
    assert later.starts_at.astimezone(UTC).hour == 1
    # Wholly inside the repeated hour, it still says which 02:30 it is.
    later_page = text_of(client.get(f"/sessions/{later.id}"))
    assert "02:30 (UTC+01:00)–03:00 (UTC+01:00)" in later_page, later_page[later_page.find("2027"):][:300]


def test_an_ordinary_time_shows_no_clock_change_choice(client, login_as, people, create_mentorship):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(executive)
    form = client.get(f"/mentoring/mentorships/{mentorship_id}/sessions/new").get_data(as_text=True)
    assert 'name="clock_change"' not in form


def test_a_viewer_in_another_zone_sees_their_own_local_time(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people(mentor_fields={"timezone": "America/New_York"})
    mentorship_id = create_mentorship(mentor, executive)
    start = datetime(2031, 1, 15, 15, 0, tzinfo=UTC)  # 16:00 Berlin, 10:00 New York
    session_id = create_session(mentorship_id, starts_at=start)
    login_as(mentor)
    assert "15 Jan 2031, 10:00–" in text_of(client.get(f"/sessions/{session_id}"))  # en_GB: 24-hour clock


def test_api_refuses_naive_and_non_iso_times_naming_starts_at(people, create_mentorship, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    call = api(executive)
    for value in ("2031-01-15T10:00:00", "15.01.2031 10:00", "tomorrow", ""):
        response = call("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {"starts_at": value, "duration_minutes": 60})
        assert response.status_code == 422, value
        assert "starts_at" in response.json["error"]["fields"]
    response = call("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                    {"starts_at": "2028-01-15T10:00:00+01:00", "duration_minutes": 60, "agenda_tags": ["linkedin"]})
    assert response.status_code == 201
    assert response.json["starts_at"] == "2028-01-15T09:00:00+00:00"
    assert response.json["agenda_tags"] == ["linkedin"] and response.json["version"] == 1
    assert response.json["history"][0]["kind"] == "created"


def test_bad_session_input_is_refused_with_the_field_named(people, create_mentorship, create_session, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    call = api(executive)
    url = f"/api/v1/mentorships/{mentorship_id}/sessions"
    future = in_days(10).isoformat()
    cases = [
        ({"starts_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(), "duration_minutes": 60}, "starts_at", "past"),
        ({"starts_at": future, "duration_minutes": -30}, "duration_minutes", "between 15 and 480 minutes"),
        ({"starts_at": future, "duration_minutes": 5}, "duration_minutes", "between 15 and 480"),
        ({"starts_at": future, "duration_minutes": 600}, "duration_minutes", "between 15 and 480"),
        ({"starts_at": future, "duration_minutes": "45"}, "duration_minutes", "integer"),  # was read as 45
        ({"starts_at": future, "duration_minutes": 45.9}, "duration_minutes", "integer"),  # was cut to 45
        ({"starts_at": future, "duration_minutes": 60, "location": "javascript:alert(1)"}, "location", "http"),
        ({"starts_at": future, "duration_minutes": 60, "agenda_tags": ["no-such-topic"]}, "agenda_tags", "no-such-topic"),
    ]
    for body, field, words in cases:
        response = call("POST", url, body)
        assert response.status_code == 422, (body, response.json)
        assert words in " ".join(response.json["error"]["fields"][field]), response.json
    together = call("POST", url, {"starts_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
                                  "duration_minutes": 5, "location": "javascript:alert(1)"})
    assert together.status_code == 422
    assert set(together.json["error"]["fields"]) == {"starts_at", "duration_minutes", "location"}
    # A plain place name that happens to contain a colon is fine.
    assert call("POST", url, {"starts_at": future, "duration_minutes": 60, "location": "Munich HQ, room 4: east"}).status_code == 201


def test_a_mentor_cannot_be_double_booked(people, create_mentorship, create_session, create_user, api):
    mentor, executive = people(capacity=3)
    other_executive = create_user(roles=("executive",))
    first = create_mentorship(mentor, executive)
    second = create_mentorship(mentor, other_executive)
    start = in_days(4, hour=9)
    create_session(first, starts_at=start, duration=60)
    response = api(other_executive)("POST", f"/api/v1/mentorships/{second}/sessions",
                                    {"starts_at": (start + timedelta(minutes=30)).isoformat(), "duration_minutes": 60})
    assert response.status_code == 422
    assert "Mia Mentor already has a session" in response.json["error"]["fields"]["starts_at"][0]
    # Back to back is fine; a cancelled session frees its slot.
    ok = api(other_executive)("POST", f"/api/v1/mentorships/{second}/sessions",
                              {"starts_at": (start + timedelta(minutes=60)).isoformat(), "duration_minutes": 60})
    assert ok.status_code == 201
    cancelled = create_session(first, starts_at=start + timedelta(days=1), status="cancelled")
    assert cancelled
    assert api(other_executive)("POST", f"/api/v1/mentorships/{second}/sessions",
                                {"starts_at": (start + timedelta(days=1)).isoformat(), "duration_minutes": 60}).status_code == 201


def test_overlap_is_shown_on_the_form(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    start = in_days(4, hour=9)
    create_session(mentorship_id, starts_at=start)
    login_as(executive)
    response = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new",
                                {"starts_at": local_input(start + timedelta(minutes=15)), "duration_minutes": 30})
    assert response.status_code == 200 and "already has a session" in text_of(response)


def test_a_notice_of_a_moved_session_reads_its_times_in_the_language_and_zone_the_reader_has_now(
        client, login_as, people, create_mentorship, create_session, api, db):
    """Times in notifications are phrased when read: a mentor who switched to German and moved
    to New York after a session was moved reads both times in German and in New York time (they
    were stored as text in English and Berlin time)."""
    import html

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    old = in_days(3, hour=9)
    session_id = create_session(mentorship_id, starts_at=old)
    new = old + timedelta(days=2)
    moved = api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {
        "starts_at": new.isoformat(), "reason": "Board meeting moved", "version": 1})
    assert moved.status_code == 200, moved.get_json()
    longer = api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {
        "starts_at": new.isoformat(), "duration_minutes": 90, "reason": "More to cover", "version": 2})
    assert longer.status_code == 200, longer.get_json()
    login_as(mentor)
    english = html.unescape(text_of(client.get("/notifications/")))
    assert f"moved the mentoring session of {old.astimezone(BERLIN):%-d %b %Y, %H:%M} (Berlin)" in english
    changed = api(mentor)("PATCH", "/api/v1/me", {"locale": "de", "timezone": "America/New_York"})
    assert changed.status_code == 200, changed.get_json()
    york = ZoneInfo("America/New_York")
    german = html.unescape(text_of(client.get("/notifications/")))

    def in_german(value: datetime) -> str:
        return f"{value.astimezone(york):%d.%m.%Y, %H:%M}"

    assert f"{in_german(old)} (New York)" in german, german
    assert f"{in_german(new)} (New York)" in german
    # The change of length: the new span with its day and zone, the old one by its clock only.
    new_end, old_end = (new + timedelta(minutes=90)).astimezone(york), (new + timedelta(minutes=60)).astimezone(york)
    assert f"{in_german(new)}–{new_end:%H:%M} (New York)" in german
    assert f"{new.astimezone(york):%H:%M}–{old_end:%H:%M}" in german
    assert "(Berlin)" not in german and f"{old.astimezone(BERLIN):%-d %b %Y}" not in german


def test_executive_reschedules_and_history_keeps_old_time(client, login_as, become, people, create_mentorship,
                                                          create_session, db):
    from community.mentoring.models import MentoringSession, SessionChange
    from community.notifications.models import Notification

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    old = in_days(3, hour=9)
    session_id = create_session(mentorship_id, starts_at=old)
    login_as(executive)
    form = client.get(f"/sessions/{session_id}/reschedule")
    assert local_input(old) in form.get_data(as_text=True)  # prefilled in the person's zone
    new = old + timedelta(days=2)
    response = client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(new), "duration_minutes": 60, "reason": "Board meeting moved", "version": 1,
    })
    assert response.status_code == 302, text_of(response)
    session = db.session.get(MentoringSession, session_id)
    assert session.starts_at == new and session.version == 2
    change = db.session.scalar(select(SessionChange).where(SessionChange.kind == "rescheduled"))
    assert (change.old_starts_at, change.new_starts_at, change.reason, change.changed_by_id) == (old, new, "Board meeting moved", executive.id)
    page = text_of(client.get(f"/sessions/{session_id}"))
    assert "rescheduled" in page and "Board meeting moved" in page
    assert "from " + old.astimezone(BERLIN).strftime("%-d %b %Y, %H:%M") in page
    listed = client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
    assert re.search(r"</a>\s*<span class=\"meta\">\s+· moved 1 time</span>", listed)  # "10:00 · moved", not "10:00· moved"
    assert db.session.scalar(select(Notification.kind).where(Notification.user_id == mentor.id)) == "session_rescheduled"
    become(mentor)
    assert "Board meeting moved" in text_of(client.get("/notifications/"))


def test_reschedule_needs_a_reason_and_a_current_version(people, create_mentorship, create_session, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=in_days(3))
    call = api(mentor)
    new = in_days(4).isoformat()
    no_reason = call("PATCH", f"/api/v1/sessions/{session_id}", {"starts_at": new, "version": 1})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["error"]["fields"]
    no_version = call("PATCH", f"/api/v1/sessions/{session_id}", {"starts_at": new, "reason": "ill"})
    assert no_version.status_code == 422 and "version" in no_version.json["error"]["fields"]
    moved = call("PATCH", f"/api/v1/sessions/{session_id}", {"starts_at": new, "reason": "ill", "version": 1})
    assert moved.status_code == 200 and moved.json["version"] == 2
    history = moved.json["history"][-1]
    assert history["kind"] == "rescheduled" and history["reason"] == "ill" and history["by"]["id"] == mentor.id
    assert history["old_starts_at"] == in_days(3).isoformat() and history["new_starts_at"] == new
    stale = call("PATCH", f"/api/v1/sessions/{session_id}", {"starts_at": in_days(5).isoformat(), "reason": "again", "version": 1})
    assert stale.status_code == 409


def test_cancel_with_reason_and_no_more_changes_after(people, create_mentorship, create_session, api, client, login_as):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=in_days(3))
    call = api(executive)
    assert call("PATCH", f"/api/v1/sessions/{session_id}", {"status": "cancelled"}).status_code == 422
    cancelled = call("PATCH", f"/api/v1/sessions/{session_id}", {"status": "cancelled", "reason": "Sick"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert cancelled.json["history"][-1] == {**cancelled.json["history"][-1], "kind": "cancelled", "reason": "Sick"}
    assert call("PATCH", f"/api/v1/sessions/{session_id}", {"starts_at": in_days(4).isoformat(), "reason": "x", "version": 2}).status_code == 409
    assert call("PATCH", f"/api/v1/sessions/{session_id}", {"status": "done"}).status_code == 409
    assert call("PATCH", f"/api/v1/sessions/{session_id}", {"status": "cancelled", "reason": "again"}).status_code == 409
    login_as(mentor)
    page = text_of(client.get(f"/sessions/{session_id}"))
    assert "Sick" in page and "Move to another time" not in page
    assert "Eva Executive cancelled the mentoring session" in text_of(client.get("/notifications/"))


def test_cancel_and_reschedule_on_the_pages(client, login_as, people, create_mentorship, create_session, db):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=in_days(3))
    login_as(mentor)
    assert "This field is required" in text_of(client.post_form(f"/sessions/{session_id}/cancel", {"reason": "", "version": 1}))
    stale = client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(in_days(6)), "duration_minutes": 60, "reason": "x", "version": 7})
    assert stale.status_code == 200 and "changed this session in the meantime" in text_of(stale)
    client.post_form(f"/sessions/{session_id}/cancel", {"reason": "Travel", "version": 1})
    assert db.session.get(MentoringSession, session_id).status == "cancelled"


def test_done_only_once_the_session_has_started(people, create_mentorship, create_session, api, client, login_as):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    future = create_session(mentorship_id, starts_at=in_days(2))
    started = create_session(mentorship_id, starts_at=datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10))
    call = api(mentor)
    refused = call("PATCH", f"/api/v1/sessions/{future}", {"status": "done"})
    assert refused.status_code == 409 and "once it has started" in refused.json["error"]["message"]
    login_as(mentor)
    assert "You can mark it done once it has started" in text_of(client.get(f"/sessions/{future}"))
    assert "Mark as done" in text_of(client.get(f"/sessions/{started}"))
    client.post_form(f"/sessions/{started}/done", {"version": 1})
    assert call("GET", f"/api/v1/sessions/{started}").json["status"] == "done"
    assert call("PATCH", f"/api/v1/sessions/{started}", {"status": "done"}).status_code == 409


def test_upcoming_and_past_sessions_are_listed_per_person(client, login_as, people, create_mentorship, create_session,
                                                          create_user):
    mentor, executive = people(capacity=3)
    mentorship_id = create_mentorship(mentor, executive)
    create_session(mentorship_id, starts_at=in_days(2), agenda="Upcoming one")
    create_session(mentorship_id, starts_at=in_days(-20), status="done", agenda="Earlier one")
    other = create_mentorship(create_user(roles=("mentor",), capacity=1), create_user(roles=("executive",)))
    create_session(other, starts_at=in_days(2), location="Someone else's room")
    login_as(executive)
    page = client.get("/mentoring/sessions").get_data(as_text=True)
    upcoming, past = page.split("Past and cancelled", 1)
    assert "Room 4.12" in upcoming and "Someone else" not in page
    assert "done" in past
    assert "Mia Mentor" in text_of(client.get("/mentoring/"))


def test_earlier_sessions_can_be_revisited_with_their_notes(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    earlier = create_session(mentorship_id, starts_at=in_days(-40), status="done", agenda="Teams basics")
    login_as(executive)
    client.post_form(f"/sessions/{earlier}/notes", {"notes": "Pin the important channels", "tried": "Made a team for my board"})
    mentorship_page = client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True)
    assert f"/sessions/{earlier}" in mentorship_page
    page = text_of(client.get(f"/sessions/{earlier}"))
    assert "Teams basics" in page and "Pin the important channels" in page and "Made a team for my board" in page


def test_suggested_next_topics_are_goals_no_done_session_covered(client, login_as, people, create_mentorship,
                                                                create_session, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=("microsoft-teams", "linkedin", "sharepoint"))
    create_session(mentorship_id, starts_at=in_days(-7), status="done", agenda_tags=("microsoft-teams",))
    create_session(mentorship_id, starts_at=in_days(-3), status="cancelled", agenda_tags=("linkedin",))
    create_session(mentorship_id, starts_at=in_days(3), agenda_tags=("sharepoint",))
    login_as(executive)
    topics = text_of(client.get(f"/mentoring/mentorships/{mentorship_id}")).split("Suggested next topics", 1)[1].split("Sessions", 1)[0]
    assert "LinkedIn" in topics and "SharePoint" in topics and "Microsoft Teams" not in topics
    form = client.get(f"/mentoring/mentorships/{mentorship_id}/sessions/new").get_data(as_text=True)
    assert "Suggested next topics" in form
    checked = set(re.findall(r'<input checked[^>]*value="([a-z-]+)"', form))
    assert checked == {"linkedin", "sharepoint"}  # the next topics are ticked on the agenda already


def test_only_participants_schedule(people, create_mentorship, create_user, api):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    manager = create_user(roles=("change_manager",))
    body = {"starts_at": in_days(3).isoformat(), "duration_minutes": 60}
    assert api(manager)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", body).status_code == 403
    assert api(manager)("GET", f"/api/v1/mentorships/{mentorship_id}/sessions").status_code == 403
    stranger = create_user(roles=("executive",))
    assert api(stranger)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", body).status_code == 404
    listed = api(mentor)("GET", f"/api/v1/mentorships/{mentorship_id}/sessions")
    assert listed.status_code == 200 and listed.json["total"] == 0


def test_guessing_another_pairs_session_id_gives_404_everywhere(client, login_as, people, create_mentorship,
                                                                create_session, create_user, api):
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(-1), status="done")
    for intruder in (create_user(roles=("executive",)), create_user(roles=("mentor",)), create_user(roles=("admin", "change_manager"))):
        call = api(intruder)
        assert call("GET", f"/api/v1/sessions/{session_id}").status_code == 404
        assert call("PATCH", f"/api/v1/sessions/{session_id}", {"notes": "x"}).status_code == 404
        assert call("PATCH", f"/api/v1/sessions/{session_id}", {"status": "cancelled", "reason": "x"}).status_code == 404
        assert call("GET", f"/api/v1/sessions/{session_id}.ics").status_code == 404
        assert call("POST", f"/api/v1/sessions/{session_id}/feedback", {"rating": 5}).status_code == 404
    login_as(intruder)
    for path in ("", "/reschedule", "/cancel", ".ics"):
        assert client.get(f"/sessions/{session_id}{path}").status_code == 404
    for path in ("/notes", "/feedback", "/done"):
        assert client.post_form(f"/sessions/{session_id}{path}", {"notes": "x", "rating": 5}).status_code == 404


def test_a_german_reader_sees_german_dates_with_the_session_span(client, login_as, people, create_mentorship, create_session):
    mentor, executive = people(mentor_fields={"locale": "de"})
    mentorship_id = create_mentorship(mentor, executive)
    session_id = create_session(mentorship_id, starts_at=datetime(2031, 1, 15, 9, 0, tzinfo=UTC), duration=45)
    login_as(mentor)
    page = text_of(client.get(f"/sessions/{session_id}"))
    assert "15.01.2031, 10:00–10:45" in page  # Berlin time, German date, no seconds


def test_someone_who_mentors_and_is_mentored_cannot_be_double_booked(create_mentorship, create_session, create_user,
                                                                     taxonomy, api):
    both = create_user(roles=("mentor", "executive"), name="Bo Both", capacity=2)
    their_mentee = create_user(roles=("executive",), name="Ed Mentee")
    their_mentor = create_user(roles=("mentor",), name="Mo Mentor", capacity=2)
    as_mentor = create_mentorship(both, their_mentee)
    as_executive = create_mentorship(their_mentor, both)
    start = in_days(4, hour=9)
    create_session(as_mentor, starts_at=start, duration=60)
    # Mo Mentor books Bo (as executive) while Bo mentors Ed: refused, naming Bo.
    response = api(their_mentor)("POST", f"/api/v1/mentorships/{as_executive}/sessions",
                                 {"starts_at": (start + timedelta(minutes=30)).isoformat(), "duration_minutes": 60})
    assert response.status_code == 422, response.json
    assert "Bo Both already has a session" in response.json["error"]["fields"]["starts_at"][0]
    # The other way round: Bo has a session as executive; Ed cannot book Bo (as mentor) then.
    later = start + timedelta(days=1)
    create_session(as_executive, starts_at=later, duration=60)
    response = api(their_mentee)("POST", f"/api/v1/mentorships/{as_mentor}/sessions",
                                 {"starts_at": (later + timedelta(minutes=15)).isoformat(), "duration_minutes": 30})
    assert response.status_code == 422, response.json
    assert "Bo Both already has a session" in response.json["error"]["fields"]["starts_at"][0]
    # Nor can a session be moved onto it.
    movable = create_session(as_mentor, starts_at=start + timedelta(days=2), duration=60)
    version = api(their_mentee)("GET", f"/api/v1/sessions/{movable}").json["version"]
    response = api(their_mentee)("PATCH", f"/api/v1/sessions/{movable}",
                                 {"starts_at": later.isoformat(), "reason": "clash test", "version": version})
    assert response.status_code == 422, response.json
    assert "Bo Both already has a session" in response.json["error"]["fields"]["starts_at"][0]
    # Back to back stays fine.
    ok = api(their_mentee)("POST", f"/api/v1/mentorships/{as_mentor}/sessions",
                           {"starts_at": (later + timedelta(minutes=60)).isoformat(), "duration_minutes": 30})
    assert ok.status_code == 201, ok.json


def test_a_change_of_length_only_says_the_old_and_new_end(client, login_as, become, people, create_mentorship,
                                                          create_session, api, db):
    """It read "moved from 3 Feb 2027, 10:00 to 3 Feb 2027, 10:00" in the history and in the notice."""
    from community.mentoring.models import SessionChange

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    start = in_days(3, hour=9)
    session_id = create_session(mentorship_id, starts_at=start, duration=45)
    login_as(executive)
    response = client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(start), "duration_minutes": 90, "reason": "More to cover", "version": 1,
    })
    assert response.status_code == 302, text_of(response)
    change = db.session.scalar(select(SessionChange).where(SessionChange.kind == "rescheduled"))
    assert (change.old_starts_at, change.new_starts_at) == (start, start)
    shown = text_of(client.get(response.headers["Location"]))
    assert "Session length changed." in shown and "Session moved." not in shown  # the confirmation
    assert "length changed" in shown and "rescheduled" not in shown  # the history's entry
    assert (change.old_ends_at, change.new_ends_at) == (start + timedelta(minutes=45), start + timedelta(minutes=90))
    local = start.astimezone(BERLIN)
    day, begin = local.strftime("%-d %b %Y"), local.strftime("%H:%M")
    old_end = (local + timedelta(minutes=45)).strftime("%H:%M")
    new_end = (local + timedelta(minutes=90)).strftime("%H:%M")
    page = text_of(client.get(f"/sessions/{session_id}"))
    assert f"now {day}, {begin}–{new_end} instead of {day}, {begin}–{old_end}" in page
    assert f"from {day}, {begin} to {day}, {begin}" not in page
    history = api(executive)("GET", f"/api/v1/sessions/{session_id}").json["history"][-1]
    assert history["old_ends_at"] == (start + timedelta(minutes=45)).isoformat()
    assert history["new_ends_at"] == (start + timedelta(minutes=90)).isoformat()
    become(mentor)
    told = text_of(client.get("/notifications/"))
    assert (f"Eva Executive changed the length of the mentoring session: now {day}, {begin}–{new_end} "
            f"(Berlin) instead of {begin}–{old_end}: More to cover") in told
    assert "moved the mentoring session" not in told
    # The mentorship's list of sessions does not count it as a move (it read "moved 1 time").
    become(executive)
    assert "moved 1 time" not in text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))
    client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(start + timedelta(days=1)), "duration_minutes": 90, "reason": "Clash", "version": 2})
    assert "moved 1 time" in text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))


def test_a_move_with_a_new_length_names_both_spans(people, create_mentorship, create_session, api, login_as, client):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    start = in_days(3, hour=9)
    session_id = create_session(mentorship_id, starts_at=start, duration=45)
    later = start + timedelta(days=1)
    moved = api(executive)("PATCH", f"/api/v1/sessions/{session_id}", {
        "starts_at": later.isoformat(), "duration_minutes": 90, "reason": "Clash", "version": 1})
    assert moved.status_code == 200, moved.json
    old, new = start.astimezone(BERLIN), later.astimezone(BERLIN)
    login_as(mentor)
    told = text_of(client.get("/notifications/"))
    assert (f"moved the mentoring session of {old.strftime('%-d %b %Y, %H:%M')}–"
            f"{(old + timedelta(minutes=45)).strftime('%H:%M')} (Berlin) to {new.strftime('%-d %b %Y, %H:%M')}–"
            f"{(new + timedelta(minutes=90)).strftime('%H:%M')} (Berlin): Clash") in told


def test_switching_language_on_a_form_sent_back_with_errors_shows_its_page_not_a_405(client, login_as, people,
                                                                                      create_mentorship, create_session):
    """After a refused post (the address is then the form's POST address) the language switch
    returned to that address and answered 405."""
    import re

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(-2), status="done")
    login_as(executive)
    refused = client.post_form(f"/sessions/{session_id}/feedback", {"comment": "No rating given"},
                               headers={"Referer": f"http://localhost/sessions/{session_id}"})
    assert refused.status_code in (200, 422)
    back_to = re.search(r'name="next" value="([^"]*)"', refused.get_data(as_text=True)).group(1)
    assert back_to == f"/sessions/{session_id}"  # the page the form was sent from
    switched = client.post_form("/locale", {"locale": "de", "next": back_to})
    assert switched.headers["Location"].endswith(f"/sessions/{session_id}")
    assert client.get(switched.headers["Location"]).status_code == 200
    # A POST-only address given anyway (an older page): the home page, not a 405.
    switched = client.post_form("/locale", {"locale": "en", "next": f"/sessions/{session_id}/feedback"})
    assert switched.headers["Location"] == "/"


def test_the_schedule_form_of_a_mentorship_not_yet_accepted_says_so_first(client, login_as, people, create_mentorship,
                                                                          db):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, status="requested")
    login_as(executive)
    for send in (lambda url: client.get(url), lambda url: client.post_form(url, {
            "starts_at": local_input(in_days(3)), "duration_minutes": 600})):
        response = send(f"/mentoring/mentorships/{mentorship_id}/sessions/new")
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/mentoring/mentorships/{mentorship_id}")
    page = text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))
    assert "Sessions can be scheduled only in an active mentorship." in page
    assert db.session.scalar(select(MentoringSession)) is None


@pytest.mark.parametrize("status", ["cancelled", "done"])
def test_a_settled_session_offers_no_move_or_cancel_form(client, login_as, people, create_mentorship, create_session,
                                                         status):
    """The form was shown ("Now planned for …") and refused only once the reason was typed."""
    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(-2 if status == "done" else 3),
                                status=status)
    login_as(executive)
    for action, words in (("reschedule", "Only a planned session can be moved."),
                          ("cancel", "Only a planned session can be cancelled.")):
        response = client.get(f"/sessions/{session_id}/{action}")
        assert response.status_code == 302 and response.location.endswith(f"/sessions/{session_id}")
        page = text_of(client.get(response.location))
        assert f"This session is {status}. {words}" in page
        sent = client.post_form(f"/sessions/{session_id}/{action}", {"reason": "x", "version": 1})
        assert sent.status_code == 302


def test_a_move_that_met_another_change_can_be_sent_again(client, login_as, people, create_mentorship, create_session,
                                                          api, db):
    """The second tab kept the old version, so every later try failed with "reload it"."""
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    session_id = create_session(create_mentorship(mentor, executive), starts_at=in_days(3, hour=9))
    login_as(executive)
    assert client.get(f"/sessions/{session_id}/reschedule").status_code == 200  # the page, at version 1
    assert api(mentor)("PATCH", f"/api/v1/sessions/{session_id}",
                       {"starts_at": in_days(4, hour=9).isoformat(), "reason": "other tab", "version": 1}).status_code == 200
    mine = {"starts_at": local_input(in_days(5, hour=9)), "duration_minutes": 60, "reason": "Board meeting", "version": 1}
    first = client.post_form(f"/sessions/{session_id}/reschedule", mine)
    text = text_of(first)
    assert first.status_code == 200 and "Someone changed this session in the meantime; it is shown as it is now." in text
    assert "Now planned for " + in_days(4, hour=9).astimezone(BERLIN).strftime("%-d %b %Y, %H:%M") in text
    html = first.get_data(as_text=True)
    assert re.search(r'name="version" type="hidden" value="2"', html) and "Board meeting" in html  # typed values kept
    again = client.post_form(f"/sessions/{session_id}/reschedule", {**mine, "version": 2})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(MentoringSession, session_id).starts_at == in_days(5, hour=9)


def test_a_duration_typed_in_words_is_refused_in_the_apps_own_words(client, login_as, become, people, create_mentorship,
                                                                    create_session):
    """"ten" as a duration read WTForms' "Not a valid integer value." in English."""
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    start = in_days(3, hour=9)
    session_id = create_session(mentorship_id, starts_at=start)
    login_as(executive)
    moved = text_of(client.post_form(f"/sessions/{session_id}/reschedule", {
        "starts_at": local_input(start + timedelta(days=1)), "duration_minutes": "ten", "reason": "Clash", "version": 1}))
    assert "Enter a whole number." in moved and "Not a valid integer" not in moved
    assert "Between 15 and 480 minutes." in moved  # the move form says the range, as the schedule form does
    scheduled = client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": local_input(start + timedelta(days=2)), "duration_minutes": "ten"})
    assert "Enter a whole number." in text_of(scheduled)
    client.post_form("/settings", {"locale": "de", "timezone": "Europe/Berlin"})
    german = text_of(client.post_form(f"/mentoring/mentorships/{mentorship_id}/sessions/new", {
        "starts_at": local_input(start + timedelta(days=2)), "duration_minutes": "zehn"}))
    assert "Bitte eine ganze Zahl eingeben." in german and "Enter a whole number." not in german


def test_a_mentorship_with_goals_in_words_only_suggests_no_topics(client, login_as, people, create_mentorship):
    """It read "Every goal has been on the agenda of a done session." before any session."""
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, goals=(), goal_text="Run a hybrid board meeting")
    login_as(executive)
    page = text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))
    assert "Run a hybrid board meeting" in page and "No goal topics." in page
    assert "Suggested next topics" not in page and "Every goal has been on the agenda" not in page
