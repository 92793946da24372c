"""Authorisation lives in the services: called directly (as a new page, API route, CLI command
or job would), each refuses the wrong person with PermissionDenied, or NotFoundError where
the object must not even be confirmed, before it reads or writes anything."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from community.errors import NotFoundError, PermissionDenied
from tests.access_world import build_world
from tests.conftest import isolated


@pytest.fixture
def world(app):
    return isolated(app, build_world, app)


@pytest.fixture
def person(db, world):
    """person("staff") -> that role's User, loaded in the test's session."""
    from community.accounts.models import User

    return lambda role: db.session.get(User, world.users[role].id)


def refused(call, error=PermissionDenied):
    with pytest.raises(error) as caught:
        call()
    return caught.value


def test_administration_is_refused_to_everyone_but_administrators(person, world, app):
    from community.accounts import services as accounts
    from community.admin import queries as admin
    from community.privacy import services as privacy

    staff, cm, admin_user = person("staff"), person("change_manager"), person("admin")
    mentor = person("mentor")
    with app.test_request_context():
        for actor in (staff, cm, mentor):
            refused(lambda actor=actor: accounts.manage_user(actor, mentor.id))
            refused(lambda actor=actor: admin.search_users(actor, "", None, page=1, per_page=10))
            refused(lambda actor=actor: admin.audit_events(actor, action=None, page=1, per_page=10))
            refused(lambda actor=actor: accounts.set_password(actor, mentor, "a long new password 123"))
            refused(lambda actor=actor: accounts.create_user(email="new@example.com", name="New", actor=actor))
            refused(lambda actor=actor: privacy.erase_person(actor, person("executive")))
        # 403 comes before 404: an administrator's "no such account" is not told to others.
        refused(lambda: accounts.manage_user(staff, 999999))
        refused(lambda: accounts.manage_user(admin_user, 999999), NotFoundError)
        assert accounts.manage_user(admin_user, mentor.id).id == mentor.id


def test_ambassador_pages_check_in_their_services(person, world, app, db):
    from community.ambassadors import services as ambassadors
    from community.ambassadors.models import Nomination
    from community.audit.models import AuditEvent

    mentor, executive, staff, cm, admin_user = (person(r) for r in ("mentor", "executive", "staff", "change_manager", "admin"))
    nomination = db.session.get(Nomination, world.ids["nomination"])
    with app.test_request_context():
        for actor in (mentor, executive, staff, admin_user):
            refused(lambda actor=actor: ambassadors.criteria_for(actor))
            refused(lambda actor=actor: ambassadors.candidates_view(actor, "score"))
            refused(lambda actor=actor: ambassadors.export_candidates(actor, "score"))
            refused(lambda actor=actor: ambassadors.ambassador_to_end(actor, mentor.id))
        # Nobody outside the change managers looked at the candidates, so nothing was recorded.
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("ambassador.candidates%"))).all() == []
        refused(lambda: ambassadors.require_decider(staff, nomination))  # the nominator
        refused(lambda: ambassadors.require_decider(mentor, nomination))  # the nominee
        ambassadors.require_decider(cm, nomination)
        refused(lambda: ambassadors.require_ambassador(mentor), NotFoundError)
        # Evidence: one's own page exists for mentors only; other people's for change managers and admins.
        refused(lambda: ambassadors.evidence_of(staff), NotFoundError)
        refused(lambda: ambassadors.evidence_of(executive, mentor.id))
        refused(lambda: ambassadors.evidence_of(cm, 999999), NotFoundError)
        assert ambassadors.evidence_of(mentor)[0].id == mentor.id
        assert ambassadors.evidence_of(admin_user, mentor.id)[0].id == mentor.id


def test_mentoring_pages_check_in_their_services(person, world, app, db):
    from community.mentoring import matching
    from community.mentoring import services as mentoring
    from community.mentoring.models import Mentorship

    mentor, executive, staff, cm = (person(r) for r in ("mentor", "executive", "staff", "change_manager"))
    mentorship = db.session.get(Mentorship, world.ids["mentorship"])
    with app.test_request_context():
        error = refused(lambda: mentoring.request_choices(staff))
        assert error.message == "Mentors are requested by executives, or by change managers on their behalf."
        refused(lambda: mentoring.request_choices(mentor))
        assert mentoring.request_choices(executive).executives is None
        assert mentoring.request_choices(cm).executives is not None
        refused(lambda: matching.own_executive(staff))
        assert matching.own_executive(cm) is None and matching.own_executive(executive).id == executive.id
        assert matching.executive_choices(staff) == []
        refused(lambda: mentoring.runs_overview(mentor))
        refused(lambda: mentoring.sessions_page(cm, mentorship, page=1, per_page=10))
        refused(lambda: mentoring.get_mentorship(staff, mentorship.id), NotFoundError)
        assert not mentoring.can_complete(staff, mentorship) and mentoring.can_complete(cm, mentorship)


def test_community_moderation_checks_in_its_queries(person, app):
    from community.discussions import queries

    for role in ("mentor", "staff", "executive"):
        actor = person(role)
        with app.test_request_context():
            refused(lambda actor=actor: queries.open_flags(actor, page=1, per_page=10))
            refused(lambda actor=actor: queries.moderation_log(actor, page=1, per_page=10))
            refused(lambda actor=actor: queries.removed_threads(actor, page=1, per_page=10))
            refused(lambda actor=actor: queries.categories_to_manage(actor))


def test_profiles_and_notifications_refuse_other_people(person, world, app, db):
    from community.notifications import services as notifications
    from community.notifications.models import Notification
    from community.profiles import services as profiles

    mentor, staff = person("mentor"), person("staff")
    with app.test_request_context():
        refused(lambda: profiles.update_profile(staff, mentor, bio="Not mine to change."))
        # Someone else's notification answers like a missing one, and stays unread.
        assert notifications.open_notification(staff, world.ids["notification"]) is None
        assert notifications.open_notification(staff, 999999) is None
        assert db.session.get(Notification, world.ids["notification"]).read_at is None
        assert notifications.open_notification(mentor, world.ids["notification"]) == ""
