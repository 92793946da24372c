"""Sessions of a mentorship that ends (completed, handed over): the ones still to come are
cancelled with the reason in their history, the pair is told once in the end's own notice, no
reminder follows; the ones whose time is over with nothing recorded read "not recorded", can
still be recorded as held or not held, and the run's figures never count them as held."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import isolated, text_of
from tests.mentoring.conftest import in_days, in_hours


def _notices(app, db, user):
    """(kind, text in the reader's words) of a person's notifications, oldest first."""
    from community.notifications.models import Notification
    from community.notifications.services import render_plain

    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)).all()
    with app.test_request_context():
        return [(row.kind, render_plain(row)) for row in rows]


def test_completing_tells_each_participant_once_which_sessions_it_cancelled(
        app, db, people, create_mentorship, create_session, api, client, login_as):
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    soon, later = create_session(mentorship_id, in_days(3)), create_session(mentorship_id, in_days(10))
    unrecorded = create_session(mentorship_id, in_days(-2))

    done = api(executive)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {})
    assert done.status_code == 200, done.json

    statuses = {s.id: s.status for s in db.session.scalars(select(MentoringSession))}
    assert statuses == {soon: "cancelled", later: "cancelled", unrecorded: "planned"}
    [(kind, text)] = _notices(app, db, mentor)  # one notice, not one per session
    assert kind == "mentorship_completed_yours"
    assert text.startswith("Eva Executive completed your mentorship. The sessions still planned are cancelled: ")
    assert text.count(";") == 1  # both sessions named
    login_as(mentor)
    page = text_of(client.get(f"/sessions/{soon}"))
    assert "Cancelled because The mentorship was completed." in page
    assert "The mentorship was completed." in page.split("History", 1)[1]  # the reason in its history
    assert "Eva Executive completed your mentorship. The sessions still planned are cancelled" in text_of(
        client.get("/notifications/"))


def test_a_handover_tells_the_old_pair_once_which_sessions_it_cancelled(
        app, db, people, create_user, create_mentorship, create_session, api):
    mentor, executive = people()
    successor = create_user(roles=("mentor",), name="Nils Next", capacity=3)
    manager = create_user(roles=("change_manager",))
    mentorship_id = create_mentorship(mentor, executive)
    create_session(mentorship_id, in_days(3))
    create_session(mentorship_id, in_days(10))

    handed = api(manager)("POST", f"/api/v1/mentorships/{mentorship_id}/handover", {"mentor_id": successor.id})
    assert handed.status_code == 201, handed.json

    for person, kind in ((mentor, "handed_over_old"), (executive, "handed_over_executive")):
        [(told, text)] = _notices(app, db, person)
        assert told == kind and "The sessions still planned are cancelled: " in text, text
    assert [kind for kind, _text in _notices(app, db, successor)] == ["handed_over_new"]


def test_cancelled_sessions_of_an_ended_mentorship_get_no_reminder_and_leave_the_calendar(
        app, db, people, create_mentorship, create_session, api, client, login_as):
    from community.notifications.models import Notification
    from community.outreach.jobs import reminders

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    tomorrow = create_session(mentorship_id, in_hours(20))
    assert api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 200

    def _remind():
        with app.test_request_context():
            reminders()
            db.session.commit()

    isolated(app, _remind)
    kinds = db.session.scalars(select(Notification.kind).where(Notification.kind == "reminder_session")).all()
    assert kinds == []
    login_as(executive)
    ics = client.get(f"/sessions/{tomorrow}.ics").get_data(as_text=True)
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics


def test_a_session_whose_time_passed_unrecorded_reads_not_recorded_and_can_still_be_recorded_after_the_end(
        app, db, people, create_mentorship, create_session, api, client, login_as, become):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    held, missed = create_session(mentorship_id, in_days(-3)), create_session(mentorship_id, in_days(-2))
    assert api(mentor)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 200

    login_as(executive)
    page = text_of(client.get(f"/sessions/{held}"))
    assert page.split("Session with Mia Mentor", 2)[2].lstrip().startswith("not recorded")
    assert "Mark as done" in page and "It did not take place" in page and "Move to another time" not in page
    listed = text_of(client.get(f"/mentoring/mentorships/{mentorship_id}"))
    assert listed.count("not recorded") == 2 and " planned" not in listed.split("Sessions", 1)[1]
    assert api(executive)("GET", f"/api/v1/sessions/{held}").json["not_recorded"] is True

    assert client.post_form(f"/sessions/{held}/done").status_code == 302
    assert api(executive)("GET", f"/api/v1/sessions/{held}").json["status"] == "done"
    form = text_of(client.get(f"/sessions/{missed}/cancel"))
    assert "Why did it not take place?" in form and "Record as not held" in form
    recorded = client.post_form(f"/sessions/{missed}/cancel", {"reason": "Mia was ill", "version": "1"})
    assert recorded.status_code == 302
    body = api(executive)("GET", f"/api/v1/sessions/{missed}").json
    assert (body["status"], body["not_recorded"], body["cancel_reason"]) == ("cancelled", False, "Mia was ill")
    told = _notices(app, db, mentor)[-1]
    assert told == ("session_not_held", "Eva Executive recorded that the mentoring session of "
                    + told[1].split("session of ", 1)[1].split(" did not", 1)[0] + " did not take place: Mia was ill")


def test_a_session_recorded_as_not_held_sends_no_calendar_cancellation(
        app, db, people, create_mentorship, create_session, api):
    from community.outreach.models import OutgoingMessage

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    missed = create_session(mentorship_id, in_days(-2))
    cancelled = api(executive)("PATCH", f"/api/v1/sessions/{missed}", {"status": "cancelled", "reason": "Nobody came"})
    assert cancelled.status_code == 200, cancelled.json
    messages = db.session.scalars(select(OutgoingMessage)).all()
    assert messages and all(not message.attachments for message in messages)  # told, with no .ics CANCEL


def test_run_figures_count_not_recorded_sessions_apart_never_as_held(
        app, db, people, create_user, create_mentorship, create_session, api, client, login_as):
    from community.extensions import db as database
    from community.mentoring import services as mentoring

    manager = create_user(roles=("change_manager",))

    def _cohort():
        with app.test_request_context():
            cohort = mentoring.create_cohort(manager, name="Run 2026", starts_on=date(2026, 1, 1),
                                             ends_on=date(2026, 12, 31), status="running")
            database.session.commit()
            return cohort.id

    cohort_id = isolated(app, _cohort)
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, cohort_id=cohort_id)
    create_session(mentorship_id, in_days(-9), status="done")
    create_session(mentorship_id, in_days(-2))  # never recorded
    create_session(mentorship_id, in_days(5))
    assert api(executive)("POST", f"/api/v1/mentorships/{mentorship_id}/complete", {}).status_code == 200

    report = api(manager)("GET", f"/api/v1/runs/{cohort_id}/report")
    assert report.status_code == 200, report.json
    assert report.json["sessions"]["by_status"] == {"done": 1, "cancelled": 1, "not_recorded": 1}
    login_as(manager)
    run = text_of(client.get(f"/mentoring/runs/{cohort_id}"))
    assert "not recorded: 1" in run and "planned: 1" not in run
    assert "1 done, 0 planned, 1 cancelled, 1 not recorded" in run
    runs = client.get("/mentoring/runs").get_data(as_text=True)
    row = runs.split("Run 2026", 1)[1].split("</tr>", 1)[0]
    assert '<td data-label="Sessions done">1</td>' in row
    assert '<td data-label="Sessions planned">0 <span class="meta">(1 not recorded)</span></td>' in row


def test_no_session_can_be_planned_with_a_participant_whose_account_ended(
        db, people, create_user, create_mentorship, api, client, login_as):
    """A deactivated mentor's sessions are cancelled and the mentorship waits for a handover: a
    new session with them would be reminded of and sit in the executive's calendar for nothing."""
    from community.mentoring.models import MentoringSession

    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    login_as(create_user(roles=("admin",)))
    assert client.post_form(f"/admin/users/{mentor.id}/active").status_code == 302

    refused = api(executive)("POST", f"/api/v1/mentorships/{mentorship_id}/sessions",
                             {"starts_at": in_days(4).isoformat(), "duration_minutes": 45})
    assert refused.status_code == 409
    assert "Mia Mentor can no longer take part" in refused.json["error"]["message"]
    assert db.session.scalars(select(MentoringSession)).all() == []
