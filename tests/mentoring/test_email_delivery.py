# ruff: noqa: F811
"""E-mail journeys against a real SMTP server (aiosmtpd): the session invitation and its
update, both parts, the recipient's language, one-click unsubscribe without login, and faults."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days, in_hours
from tests.outreach_servers import parts, smtp_server  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(smtp_server):  # noqa: F811
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5,
            "MAIL_DEFAULT_SENDER": "Mentor Community <mentoring@example.org>"}


def _event(calendar_part):
    calendar = Calendar.from_ical(calendar_part.get_content().encode() if isinstance(calendar_part.get_content(), str)
                                  else calendar_part.get_content())
    event = next(c for c in calendar.walk("VEVENT"))
    return calendar, event


def test_session_invitation_then_move_updates_the_same_calendar_event(people, create_mentorship, api, smtp_server, client):
    mentor, executive = people(executive_fields={"locale": "de"})
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201, made.json
    [invite] = smtp_server.to(executive.email)
    text, html, [ics] = parts(invite)
    assert "mentoring@example.org" in invite["From"]
    assert invite["List-Unsubscribe"].strip().startswith("<http") and invite["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hallo" in text and "Hallo" in html and "<a href=" in html  # the executive reads German
    calendar, event = _event(ics)
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 0
    uid = str(event["UID"])
    # The sender reads no replies: the calendar is asked not to send an accept or decline.
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{executive.email}" and attendee.params["RSVP"] == "FALSE"
    assert event["ORGANIZER"].params["CN"] == "Mentoren-Community"  # named as the German e-mail names it

    moved = api(mentor)("PATCH", f"/api/v1/sessions/{made.json['id']}",
                        {"starts_at": in_days(4).isoformat(), "reason": "Travel", "version": 1})
    assert moved.status_code == 200
    update = smtp_server.to(executive.email)[-1]
    calendar, event = _event(parts(update)[2][0])
    assert str(calendar["METHOD"]) == "REQUEST" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1

    cancelled = api(mentor)("POST", f"/api/v1/sessions/{made.json['id']}/cancel", {"reason": "Ill", "version": 2})
    if cancelled.status_code == 200:
        calendar, event = _event(parts(smtp_server.to(executive.email)[-1])[2][0])
        assert str(calendar["METHOD"]) == "CANCEL" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 2
    # The mentor acted: their own calendar follows with the same event (same UID, same SEQUENCE).
    copies = smtp_server.to(mentor.email)
    assert len(copies) == (3 if cancelled.status_code == 200 else 2)
    methods = []
    for number, copy in enumerate(copies):
        text, _html, [ics] = parts(copy)
        assert "For your calendar" in text and executive.name in text
        calendar, event = _event(ics)
        assert str(event["UID"]) == uid and int(event["SEQUENCE"]) == number
        methods.append(str(calendar["METHOD"]))
    assert methods[:2] == ["REQUEST", "REQUEST"] and methods[2:] in ([], ["CANCEL"])


def test_the_actors_calendar_copy_follows_their_settings(people, create_mentorship, api, smtp_server, client, login_as):
    mentor, executive = people()
    login_as(mentor)
    assert client.post_form("/settings/notifications", {"session_scheduled": "off"}).status_code in (200, 302)
    mentorship_id = create_mentorship(mentor, executive)
    api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert len(smtp_server.to(executive.email)) == 1
    assert smtp_server.to(mentor.email) == []  # switched off: no copy


def test_unsubscribe_link_works_without_login_and_stops_that_kind(people, create_mentorship, api, smtp_server, client, db):
    from community.outreach.models import NotificationPreference

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    [invite] = smtp_server.to(executive.email)
    link = invite["List-Unsubscribe"].strip().strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and "scheduled" in page.get_data(as_text=True)
    # One click from the mail program: a POST without cookie or CSRF token.
    done = client.post("/" + path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.user_id == executive.id, NotificationPreference.kind == "session_scheduled")) == "off"
    api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {"starts_at": in_days(5).isoformat(), "duration_minutes": 60})
    assert len(smtp_server.to(executive.email)) == 1  # no second invitation
    assert client.post("/unsubscribe/forged-token").status_code == 404


def test_unsubscribe_page_speaks_the_language_the_email_was_written_in(people, client, db):
    from community.outreach.models import NotificationPreference
    from community.outreach.services import unsubscribe_token

    _mentor, executive = people(executive_fields={"locale": "de"})
    path = f"/unsubscribe/{unsubscribe_token(executive.id, 'session_scheduled')}"
    page = client.get(path, headers={"Accept-Language": "en"})  # a browser set to English
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "E-Mails abbestellen für" in body and '<html lang="de">' in body
    done = client.post(path, data={"List-Unsubscribe": "One-Click"}, headers={"Accept-Language": "en"})
    assert done.status_code == 200 and "Abbestellen" in done.get_data(as_text=True)
    assert db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.user_id == executive.id, NotificationPreference.kind == "session_scheduled")) == "off"


def test_settings_page_and_api_choose_per_kind(people, login_as, client, api, db):
    mentor, executive = people()
    login_as(executive)
    page = client.get("/settings/notifications")
    assert page.status_code == 200 and "daily digest" in page.get_data(as_text=True)
    saved = client.post_form("/settings/notifications", {"mention": "off", "reply": "immediately", "weekly_briefing": "off"})
    assert saved.status_code == 302
    me = api(executive)("GET", "/api/v1/me").json
    assert me["notification_prefs"]["mention"] == "off" and me["notification_prefs"]["reply"] == "immediately"
    patched = api(executive)("PATCH", "/api/v1/me", {"notification_prefs": {"mention": "digest"}})
    assert patched.status_code == 200 and patched.json["notification_prefs"]["mention"] == "digest"
    bad = api(executive)("PATCH", "/api/v1/me", {"notification_prefs": {"mention": "hourly"}})
    assert bad.status_code == 422
    refused = client.post_form("/settings/notifications", {"feedback": "digest", "mention": "hourly"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)


def test_me_shows_a_changed_choice_at_once_though_it_is_remembered(people, login_as, client, api):
    """GET /api/v1/me remembers the e-mail choices; a change by the page or the API shows at once."""
    _mentor, executive = people()
    login_as(executive)
    call = api(executive)
    assert call("GET", "/api/v1/me").json["notification_prefs"]["mention"] == "immediately"
    assert call("GET", "/api/v1/me").json["notification_prefs"]["mention"] == "immediately"  # remembered
    client.post_form("/settings/notifications", {"mention": "off", "reply": "immediately", "weekly_briefing": "off"})
    assert call("GET", "/api/v1/me").json["notification_prefs"]["mention"] == "off"
    assert call("PATCH", "/api/v1/me", {"notification_prefs": {"mention": "digest"}}).json["notification_prefs"]["mention"] == "digest"
    assert call("GET", "/api/v1/me").json["notification_prefs"]["mention"] == "digest"


@pytest.mark.parametrize("app_config", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 1, "MAIL_TIMEOUT": 2,
                                         "DELIVERY_MAX_ATTEMPTS": 2, "DELIVERY_BACKOFF_SECONDS": 0}])
def test_unreachable_mail_server_never_fails_the_request_and_ends_as_failed_for_admins(
        people, create_mentorship, api, create_user, login_as, client, app, db):
    from community import tasks
    from community.outreach.models import OutgoingMessage

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201  # the request does not notice the mail server is down
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == executive.email))
    assert message.status == "queued" and message.attempts == 1 and "Error" in message.last_error

    def sweep():
        with app.app_context():
            tasks.run_now("outreach.deliver_due")

    from tests.conftest import isolated

    isolated(app, sweep)
    db.session.expire_all()
    message = db.session.get(OutgoingMessage, message.id)
    assert message.status == "failed" and message.attempts == 2
    admin = create_user(roles=("admin",))
    login_as(admin)
    page = text_of(client.get("/admin/outbox?status=failed"))
    assert executive.email in page and "Failed" in page


def test_without_mail_server_messages_wait_in_the_outbox(people, create_mentorship, api, create_user, login_as, client,
                                                         app, db):
    from community.outreach.models import OutgoingMessage

    app.config["MAIL_SERVER"] = None
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == executive.email))
    assert message.status == "outbox"
    login_as(create_user(roles=("admin",)))
    assert message.attachments and message.headers.get("List-Unsubscribe")  # the recipient's e-mail is whole
    detail = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    # A session is its participants' own: the admin sees where the message went, not what it says.
    assert "invite.ics" not in detail and "List-Unsubscribe" not in detail
    assert "About a mentoring session: private to its participants" in detail
    assert "In the outbox" in detail and "Attempts" not in detail  # never tried: no attempts to count
    client.post_form("/locale", {"locale": "de", "next": "/"})
    listed = text_of(client.get("/admin/outbox"))
    assert "Im Postausgang" in listed and "(UTC)" not in listed  # in words and the reader's time zone


def test_reminder_for_a_session_tomorrow_is_sent_once(people, create_mentorship, create_session, smtp_server, app):
    from community import tasks
    from tests.conftest import isolated

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    create_session(mentorship_id, starts_at=in_hours(13))

    def run():
        with app.app_context():
            tasks.run_now("outreach.reminders")
            tasks.run_now("outreach.reminders")  # a second worker, a second tick: nothing new

    isolated(app, run)
    assert len([m for m in smtp_server.to(mentor.email) if "Reminder" in m["Subject"]]) == 1
    assert len([m for m in smtp_server.to(executive.email) if "Reminder" in m["Subject"]]) == 1


def test_digest_collects_what_a_person_chose_for_the_daily_digest_once_a_day(
        people, create_mentorship, api, smtp_server, app):
    from community import tasks
    from community.database import utcnow
    from tests.conftest import isolated

    app.config["DIGEST_HOUR"] = 0  # any hour of the day will do
    mentor, executive = people()
    assert api(executive)("PATCH", "/api/v1/me", {"notification_prefs": {"session_scheduled": "digest"}}).status_code == 200
    mentorship_id = create_mentorship(mentor, executive)
    api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions", {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert smtp_server.to(executive.email) == []  # not immediately

    def run():
        with app.app_context():
            later = utcnow() + timedelta(minutes=1)
            tasks.run_now("outreach.daily_digests", later)
            tasks.run_now("outreach.daily_digests", later + timedelta(minutes=30))

    isolated(app, run)
    [digest] = smtp_server.to(executive.email)
    text, html, _ = parts(digest)
    assert "daily digest: 1 new notification" in digest["Subject"] and "Mia Mentor scheduled" in text
    assert "/unsubscribe/" in digest["List-Unsubscribe"]


def test_weekly_briefing_tells_change_managers_about_new_nominations(people, create_user, smtp_server, app, api):
    from community import tasks
    from community.database import utcnow
    from tests.conftest import isolated

    manager = create_user(roles=("change_manager",), name="Carla Change", timezone="UTC")
    mentor, executive = people()
    assert api(executive)("POST", "/api/v1/nominations", {"nominee_id": mentor.id,
                                                          "reason": "Explains Teams better than the manual."}).status_code == 201
    app.config["DIGEST_HOUR"] = 0
    now = utcnow()
    # The coming Monday (in the manager's zone, UTC), or today a minute from now if it is Monday.
    monday = now + timedelta(minutes=1) if now.weekday() == 0 else \
        (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=30)

    def run():
        with app.app_context():
            tasks.run_now("outreach.weekly_briefing", monday)
            tasks.run_now("outreach.weekly_briefing", monday + timedelta(hours=1))

    isolated(app, run)
    briefings = [m for m in smtp_server.to(manager.email) if "Weekly briefing" in m["Subject"]]
    assert len(briefings) == 1
    text = parts(briefings[0])[0]
    assert "1 new nomination" in text and "Mia Mentor" in text
    assert "The network analysis has not run yet" in text and "may be fading" not in text


def test_completing_a_mentorship_cancels_its_planned_sessions_in_the_calendar(db, people, create_mentorship, api, smtp_server):
    mentor, executive = people(executive_fields={"locale": "de"})
    mentorship_id = create_mentorship(mentor, executive)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": in_days(3).isoformat(), "duration_minutes": 60})
    assert made.status_code == 201
    [invite] = smtp_server.to(executive.email)
    uid = str(_event(parts(invite)[2][0])[1]["UID"])

    done = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {})
    assert done.status_code == 200, done.json
    assert api(mentor)("GET", f"/api/v1/sessions/{made.json['id']}").json["status"] == "cancelled"
    cancels = [m for m in smtp_server.to(executive.email) if parts(m)[2]]
    assert len(cancels) == 2  # the invitation, then its cancellation
    text, html, [ics] = parts(cancels[-1])
    assert "abgesagt" in text or "abgesagt" in html  # in the executive's language
    calendar, event = _event(ics)
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["UID"]) == uid and int(event["SEQUENCE"]) == 1
    # The mentor completed it: their own calendar entry (from their copy) is cancelled too.
    own = [_event(parts(m)[2][0]) for m in smtp_server.to(mentor.email) if parts(m)[2]]
    assert [str(calendar["METHOD"]) for calendar, _ in own] == ["REQUEST", "CANCEL"]
    assert {str(event["UID"]) for _, event in own} == {uid}
    # That e-mail names the executive (in its calendar entry): erasing them finds it by their id.
    from community.outreach.models import OutgoingMessage

    [kept] = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.key.like("calendar-cancel:%"))).all()
    assert kept.named_ids == [executive.id]


def test_weekly_briefing_tells_what_changed_in_the_pool_and_who_may_be_fading(people, create_user, smtp_server, app, api):
    from community import tasks
    from community.database import utcnow
    from community.extensions import db
    from community.network.models import AnalysisSnapshot
    from tests.conftest import isolated

    manager = create_user(roles=("change_manager",), name="Carla Change", timezone="UTC")
    german = create_user(roles=("change_manager",), name="Gerd Wandel", timezone="UTC", locale="de")
    mentor, executive = people()
    fading = create_user(roles=("mentor",), name="Fritz Fading")
    hidden = create_user(roles=("mentor",), name="Olga Optout", analysis_opt_out=True)
    assert api(executive)("POST", "/api/v1/nominations", {"nominee_id": mentor.id,
                                                          "reason": "Explains Teams better than the manual."}).status_code == 201
    now = utcnow()

    def snapshots():
        with app.app_context():
            base = {"single_points_of_failure": 1, "overloaded": 2, "idle": 0, "uncovered_topics": 3,
                    "unmatched_executives": 1, "fading_mentors": 0}
            # A week ago only the person who has since opted out was flagged: not counted then either.
            db.session.add(AnalysisSnapshot(computed_at=now - timedelta(days=7, hours=1),
                                            summary={**base, "fading_mentors": 1},
                                            findings={"fading_mentors": [{"person_id": hidden.id, "score": 0.9,
                                                                          "reasons": []}]}))
            db.session.add(AnalysisSnapshot(
                computed_at=now - timedelta(hours=1),
                summary={**base, "single_points_of_failure": 3, "idle": 1, "uncovered_topics": 2, "fading_mentors": 2},
                findings={"fading_mentors": [{"person_id": fading.id, "score": 0.8, "reasons": []},
                                             {"person_id": hidden.id, "score": 0.9, "reasons": []}]}))
            db.session.commit()

    isolated(app, snapshots)
    app.config["DIGEST_HOUR"] = 0
    monday = now + timedelta(minutes=1) if now.weekday() == 0 else \
        (now + timedelta(days=7 - now.weekday())).replace(hour=0, minute=30)

    def run():
        with app.app_context():
            tasks.run_now("outreach.weekly_briefing", monday)

    isolated(app, run)
    [briefing] = [m for m in smtp_server.to(manager.email) if "Weekly briefing" in m["Subject"]]
    text, html, _ = parts(briefing)
    for part in (text, html):
        assert "3 single points of failure (+2 since last week)" in part
        assert "1 idle mentor (+1 since last week)" in part
        assert "2 topics without enough mentors (−1 since last week)" in part
        assert "2 overloaded mentors (unchanged since last week)" in part
        assert "1 executive without a matching mentor (unchanged since last week)" in part
        assert "1 new nomination" in part and "Mia Mentor" in part
        # The person who opted out of the analysis is neither named nor counted.
        assert "1 mentor who may be fading (+1 since last week)" in part and "Fritz Fading" in part
        assert "Olga Optout" not in part
    [german_briefing] = [m for m in smtp_server.to(german.email) if "Wochenüberblick" in m["Subject"]]
    text, html, _ = parts(german_briefing)
    for part in (text, html):
        assert "3 einzelne Ausfallpunkte (+2 seit letzter Woche)" in part
        assert "1 Mentor:in, die nachlassen könnte (+1 seit letzter Woche)" in part
        assert "Fritz Fading" in part and "Olga Optout" not in part
    # The plain text's sections stand apart (nominations and fading mentors ran on from the list before).
    text = text.replace("\r\n", "\n")
    assert "\n\n1 neue Nominierung\n" in text and "\n\nMentor:innen, die nachlassen könnten\n" in text
    assert "\n\n-- \n" in text


def test_a_change_manager_completing_cancels_the_session_for_both_participants(people, create_mentorship, create_user,
                                                                                api, smtp_server):
    mentor, executive = people()
    manager = create_user(roles=("change_manager",))
    mentorship_id = create_mentorship(mentor, executive)
    made = api(executive)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                          {"starts_at": in_days(2).isoformat(), "duration_minutes": 30})
    assert made.status_code == 201
    assert api(manager)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 200
    for person in (mentor, executive):
        calendars = [parts(m)[2][0] for m in smtp_server.to(person.email) if parts(m)[2]]
        calendar, event = _event(calendars[-1])
        assert str(calendar["METHOD"]) == "CANCEL" and int(event["SEQUENCE"]) == 1
    # Completing again is refused and sends nothing more.
    before = len(smtp_server.messages)
    assert api(manager)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 409
    assert len(smtp_server.messages) == before


def test_the_weekly_briefing_is_chosen_weekly_or_off(login_as, client, create_user, api, db):
    """A weekly summary offered "Immediately" or "Off"; it offers "Weekly" or "Off" now, stored as before."""
    import re

    from community.outreach.models import NotificationPreference

    manager = create_user(roles=("change_manager",))
    login_as(manager)
    body = client.get("/settings/notifications").get_data(as_text=True)
    select_ = re.search(r'<select[^>]*id="weekly_briefing".*?</select>', body, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\w+)"[^>]*>([^<]*)</option>', select_) == [("immediately", "Weekly"), ("off", "Off")]
    assert client.post_form("/settings/notifications", {"weekly_briefing": "off"}).status_code == 302
    assert client.post_form("/settings/notifications", {"weekly_briefing": "immediately"}).status_code == 302
    assert db.session.scalar(select(NotificationPreference.mode).where(
        NotificationPreference.user_id == manager.id, NotificationPreference.kind == "weekly_briefing")) == "immediately"
    refused = api(manager)("PATCH", "/api/v1/me", {"notification_prefs": {"weekly_briefing": "digest"}})
    assert refused.status_code == 422 and "Choose weekly or off." in str(refused.json)
    # The API document offers what the server takes: no digest for the briefing, a digest for others.
    prefs = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["NotificationPrefs"]["properties"]
    assert prefs["weekly_briefing"]["enum"] == ["immediately", "off"]
    assert prefs["new_thread"]["enum"] == ["immediately", "digest", "off"]


def test_a_request_e_mail_tells_the_mentor_what_the_executive_wants_to_learn(people, api, smtp_server, taxonomy):
    """The mentor asked had to open the site to see what the request was about: the e-mail now
    names the learning goals and quotes the executive's own words."""
    mentor, executive = people()
    made = api(executive)("POST", "/api/v1/mentorships", {
        "mentor_id": mentor.id, "goals": ["linkedin", "microsoft-teams"],
        "goal_text": "Posting on LinkedIn without embarrassing myself."})
    assert made.status_code == 201, made.json
    [request] = smtp_server.to(mentor.email)
    text, html, _ = parts(request)
    assert "Learning goals: LinkedIn, Microsoft Teams" in text
    assert ">Learning goals</th>" in html and ">LinkedIn, Microsoft Teams</td>" in html
    for part in (text, html):
        assert "Posting on LinkedIn without embarrassing myself." in part
    assert "“Posting on LinkedIn without embarrassing myself.”" in text
    # Nobody else's e-mail carries the goals.
    assert all("Learning goals" not in parts(m)[0] for m in smtp_server.to(executive.email))


def test_a_german_request_e_mail_quotes_the_executives_words_the_german_way(people, api, smtp_server, taxonomy):
    mentor, executive = people(mentor_fields={"locale": "de"})
    made = api(executive)("POST", "/api/v1/mentorships", {
        "mentor_id": mentor.id, "goals": ["linkedin"], "goal_text": "Auf LinkedIn posten, ohne mich zu blamieren."})
    assert made.status_code == 201, made.json
    text = parts(smtp_server.to(mentor.email)[-1])[0]
    assert "„Auf LinkedIn posten, ohne mich zu blamieren.“" in text


def test_a_longer_session_is_announced_by_email_with_both_spans_and_the_calendar_update(
        people, create_mentorship, api, smtp_server, client):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    start = in_days(3)
    made = api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                       {"starts_at": start.isoformat(), "duration_minutes": 45})
    assert made.status_code == 201, made.json
    longer = api(mentor)("PATCH", f"/api/v1/sessions/{made.json['id']}",
                         {"starts_at": start.isoformat(), "duration_minutes": 90, "reason": "More to cover", "version": 1})
    assert longer.status_code == 200, longer.json
    update = smtp_server.to(executive.email)[-1]
    text, _html, [ics] = parts(update)
    assert "changed the length of the mentoring session: now" in " ".join(text.split())
    assert "moved the mentoring session" not in text
    calendar, event = _event(ics)
    assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 1
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
