"""Handover: an active mentorship whose mentor is gone is put in front of the change managers once."""

import re

from sqlalchemy import select

from tests.conftest import isolated, text_of


def _request(app, mentorship_id: int, reason: str) -> None:
    def run():
        from community.extensions import db
        from community.mentoring.models import Mentorship
        from community.mentoring.services import request_handover

        with app.test_request_context():
            request_handover(db.session.get(Mentorship, mentorship_id), reason)
            db.session.commit()

    isolated(app, run)


def test_change_managers_see_and_are_told_about_a_mentorship_needing_a_handover(
        app, client, login_as, create_user, people, create_mentorship, db):
    from community.mentoring.models import Mentorship
    from community.notifications.models import Notification

    manager = create_user(roles=("change_manager",), name="Carla Change")
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    _request(app, mentorship_id, "deactivated")
    _request(app, mentorship_id, "left")  # a second request changes nothing

    mentorship = db.session.get(Mentorship, mentorship_id)
    assert mentorship.handover_reason == "deactivated" and mentorship.handover_requested_at is not None
    notes = db.session.scalars(select(Notification).where(Notification.kind == "handover_needed")).all()
    assert [n.user_id for n in notes] == [manager.id]

    login_as(manager)
    page = text_of(client.get("/mentoring/runs"))
    assert "Needs a handover" in page and "Mia Mentor and Eva Executive" in page
    assert "account of the pair was deactivated" in page
    assert re.search(r"account of the pair was deactivated · since \d", page)  # the time says what it is
    assert "needs a new mentor" in text_of(client.get("/notifications/"))


def test_a_completed_mentorship_leaves_the_handover_list(app, client, login_as, create_user, people, create_mentorship):
    manager = create_user(roles=("change_manager",))
    mentor, executive = people()
    _request(app, create_mentorship(mentor, executive, status="completed"), "paused")
    login_as(manager)
    assert "Needs a handover" not in text_of(client.get("/mentoring/runs"))
