# ruff: noqa: F811
"""When a person's account ends (deactivated by an administrator, set inactive or deleted through
SCIM, erased), the other one of each pair hears of it once: one notification and one e-mail
that say the other person is no longer available, name every session it cancelled and carry each calendar
cancellation — not one notice per session. The notice gives no reason, and an erased person
is never named in it."""

from __future__ import annotations

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days
from tests.scim.conftest import scim, scim_token  # noqa: F401 - fixtures

ENDED = "is no longer available for your mentorship. The sessions still planned are cancelled: "


def _notices(app, db, user):
    """(kind, text in the reader's words, params) of a person's notifications, oldest first."""
    from community.notifications.models import Notification
    from community.notifications.services import render_plain

    db.session.expire_all()
    rows = db.session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)).all()
    with app.test_request_context():
        return [(row.kind, render_plain(row), row.params or {}) for row in rows]


def _emails(db, user):
    from community.outreach.models import OutgoingMessage

    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingMessage).where(
        OutgoingMessage.user_id == user.id, OutgoingMessage.channel == "email").order_by(OutgoingMessage.id)))


def _cancellations(message):
    """(METHOD, UID, SUMMARY) of each calendar file an e-mail carries."""
    found = []
    for attachment in message.attachments:
        calendar = Calendar.from_ical(attachment["content"])
        event = next(iter(calendar.walk("VEVENT")))
        found.append((str(calendar["METHOD"]), str(event["UID"]), str(event["SUMMARY"])))
    return found


@pytest.fixture
def three_sessions(people, create_mentorship, create_session):
    """Mia mentors Eva; three sessions are planned (and one past, unrecorded, stays as it is)."""
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    sessions = [create_session(mentorship_id, in_days(days)) for days in (3, 10, 17)]
    create_session(mentorship_id, in_days(-2))
    return mentor, executive, mentorship_id, sessions


def _deactivate(client, login_as, create_user, scim, person):
    login_as(create_user(roles=("admin",)))
    assert client.post_form(f"/admin/users/{person.id}/active").status_code == 302
    client.post_form("/logout")


def _leave_through_scim(client, login_as, create_user, scim, person):
    left = scim("PATCH", f"/Users/{person.id}", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "value": {"active": False}}]})
    assert left.status_code == 200, left.get_json()


def _erase(client, login_as, create_user, scim, person):
    login_as(create_user(roles=("admin",)))
    assert client.post_form(f"/admin/users/{person.id}/erase", {"confirm": person.email}).status_code == 302
    client.post_form("/logout")


def _delete_through_scim(client, login_as, create_user, scim, person):
    assert scim("DELETE", f"/Users/{person.id}").status_code == 204


ENDINGS = {"deactivated": _deactivate, "scim_inactive": _leave_through_scim}
ERASURES = {"erased": _erase, "scim_deleted": _delete_through_scim}


def _assert_one_notice_with_three_cancellations(app, db, client, login_as, reader, mentorship_id, sessions, name):
    """The reader has one notice naming `name` and the three sessions, and one e-mail with the
    three calendar cancellations (the sessions' UIDs)."""
    [(kind, text, params)] = _notices(app, db, reader)
    assert kind == "mentorship_partner_gone"
    assert text.startswith(f"{name} {ENDED}"), text
    assert text.count(";") == 2 and sorted(params["cancelled_session_ids"]) == sorted(sessions)
    [mail] = _emails(db, reader)
    assert mail.subject == f"{name} is no longer available for your mentorship"
    found = _cancellations(mail)
    assert [method for method, _uid, _summary in found] == ["CANCEL"] * 3
    assert {uid.split("@")[0] for _method, uid, _summary in found} == {f"session-{s}" for s in sessions}
    assert mail.body_text.count("Cancelled") == 3
    login_as(reader)
    page = text_of(client.get("/notifications/"))
    assert page.count(f"{name} is no longer available for your mentorship") == 1
    client.post_form("/logout")
    from community.notifications.models import Notification

    link = db.session.scalar(select(Notification.link).where(Notification.user_id == reader.id))
    assert link == f"/mentoring/mentorships/{mentorship_id}"  # the notice opens the mentorship
    return text, mail


@pytest.mark.parametrize("ending", sorted(ENDINGS))
def test_a_mentor_whose_account_ends_gives_the_executive_one_notice_with_every_cancellation(
        ending, app, db, client, login_as, create_user, scim, three_sessions):
    from community.mentoring.models import MentoringSession

    mentor, executive, mentorship_id, sessions = three_sessions
    ENDINGS[ending](client, login_as, create_user, scim, mentor)

    db.session.expire_all()
    assert {db.session.get(MentoringSession, s).status for s in sessions} == {"cancelled"}
    text, mail = _assert_one_notice_with_three_cancellations(app, db, client, login_as, executive, mentorship_id,
                                                             sessions, "Mia Mentor")
    # No reason: a deactivation and a leaver read alike (the session's own page keeps its history).
    for reason in ("deactivated", "left the organisation", "erased", "account"):
        assert reason not in text and reason not in mail.body_text, reason
    assert mail.named_ids == [mentor.id]  # kept for Mia's erasure


@pytest.mark.parametrize("erasure", sorted(ERASURES))
def test_an_erased_mentor_is_not_named_in_the_one_notice_the_executive_gets(
        erasure, app, db, client, login_as, create_user, scim, three_sessions):
    mentor, executive, mentorship_id, sessions = three_sessions
    ERASURES[erasure](client, login_as, create_user, scim, mentor)

    text, mail = _assert_one_notice_with_three_cancellations(app, db, client, login_as, executive, mentorship_id,
                                                             sessions, "Former member")
    everything = "\n".join([text, mail.subject, mail.body_text, mail.body_html or "",
                            *(a["content"] for a in mail.attachments)])
    assert "Mia" not in everything and mentor.email not in everything
    assert mail.named_ids == []
    assert {summary for _m, _u, summary in _cancellations(mail)} == {"Mentoring session with Former member"}
    for reason in ("erased", "deactivated", "left the organisation"):
        assert reason not in text and reason not in mail.body_text, reason


def test_an_executive_whose_account_ends_gives_the_mentor_one_notice(
        app, db, client, login_as, create_user, scim, three_sessions):
    mentor, executive, mentorship_id, sessions = three_sessions
    _deactivate(client, login_as, create_user, scim, executive)

    _assert_one_notice_with_three_cancellations(app, db, client, login_as, mentor, mentorship_id, sessions,
                                                "Eva Executive")


def test_each_partner_hears_only_of_their_own_sessions(app, db, client, login_as, create_user, scim, people,
                                                       create_mentorship, create_session):
    mentor, executive = people()
    second = create_user(roles=("executive",), name="Emil Second", department="HR")
    first_id, second_id = create_mentorship(mentor, executive), create_mentorship(mentor, second)
    first_sessions = [create_session(first_id, in_days(days)) for days in (3, 10)]
    second_session = create_session(second_id, in_days(5))
    _leave_through_scim(client, login_as, create_user, scim, mentor)

    [(_kind, _text, first)] = _notices(app, db, executive)
    [(_kind, _text, second_told)] = _notices(app, db, second)
    assert sorted(first["cancelled_session_ids"]) == sorted(first_sessions)
    assert second_told["cancelled_session_ids"] == [second_session]
    assert len(_cancellations(_emails(db, second)[0])) == 1


def test_the_notice_is_e_mailed_only_as_the_partner_chose(app, db, client, login_as, create_user, scim,
                                                          three_sessions):
    from community.outreach.models import NotificationPreference

    mentor, executive, _mentorship_id, _sessions = three_sessions
    db.session.add(NotificationPreference(user_id=executive.id, kind="mentorship_completed", mode="off"))
    db.session.commit()
    _deactivate(client, login_as, create_user, scim, mentor)

    assert [kind for kind, _text, _params in _notices(app, db, executive)] == ["mentorship_partner_gone"]
    assert _emails(db, executive) == []


def test_an_account_ending_without_planned_sessions_sends_no_notice(app, db, client, login_as, create_user, scim,
                                                                    people, create_mentorship):
    mentor, executive = people()
    create_mentorship(mentor, executive)
    _deactivate(client, login_as, create_user, scim, mentor)
    assert _notices(app, db, executive) == [] and _emails(db, executive) == []


def test_a_deactivated_mentor_named_in_the_notice_becomes_a_former_member_once_erased(
        app, db, client, login_as, create_user, scim, three_sessions):
    mentor, executive, _mentorship_id, _sessions = three_sessions
    _deactivate(client, login_as, create_user, scim, mentor)
    assert "Mia Mentor" in _notices(app, db, executive)[0][1]
    assert len(_emails(db, executive)) == 1

    _erase(client, login_as, create_user, scim, mentor)
    [(_kind, text, _params)] = _notices(app, db, executive)  # no second notice: nothing was left to cancel
    assert text.startswith(f"Former member {ENDED}")
    # The e-mail that named her, not delivered yet (the outbox), is not delivered at all.
    assert all("Mia" not in f"{m.subject}{m.body_text}{m.attachments}" for m in _emails(db, executive))
