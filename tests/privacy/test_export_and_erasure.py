"""Self-service export and erasure, admin erasure for leavers, retention."""

import json
import re

from sqlalchemy import func, select

from tests.conftest import PASSWORD, login, text_of


def test_person_downloads_everything_stored_about_them(client, login_as, create_user):
    user = create_user(name="Ella Export", department="IT")
    login_as(user)
    response = client.get("/settings/privacy/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["accounts"]["profile"]["email"] == user.email
    assert data["accounts"]["profile"]["department"] == "IT"
    assert data["accounts"]["logins"], "the log-in just made is listed"


def test_api_export_needs_authentication_and_returns_own_data(client, create_user, api_token):
    user = create_user()
    assert client.get("/api/v1/me/export").status_code == 401
    response = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {api_token(user)}"})
    assert response.json["accounts"]["profile"]["id"] == user.id


def test_erasure_needs_the_password(client, login_as, create_user, db):
    from community.accounts.models import User

    user = create_user()
    login_as(user)
    response = client.post_form("/settings/privacy/erase", {"password": "wrong", "confirm": "y"})
    assert "password is not correct" in text_of(response)
    assert db.session.get(User, user.id).erased_at is None
    # The box left unticked: the summary reads "<its words>: Tick this box to confirm.", not
    # "…for good.: This field is required."
    unticked = text_of(client.post_form("/settings/privacy/erase", {"password": "wrong"}))
    assert "I understand that my account is deleted for good: Tick this box to confirm." in unticked
    assert "good.:" not in unticked and "This field is required" not in unticked
    assert db.session.get(User, user.id).erased_at is None


def test_erased_person_is_anonymous_and_cannot_log_in(app, client, login_as, create_user, db):
    from community.accounts.models import User

    user = create_user(name="Erik Erase", department="Sales")
    login_as(user)
    response = client.post_form("/settings/privacy/erase", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    erased = db.session.get(User, user.id)
    assert erased.name == "Former member" and erased.department is None and erased.roles == []
    assert erased.email.endswith("@erased.invalid") and erased.password_hash is None and not erased.active
    assert login(app.test_client(), user.email).status_code == 200  # refused: the form is shown again
    assert client.get("/notifications/").status_code == 302  # this browser is logged out too


def test_own_erasure_reads_as_done_by_a_deleted_account_not_the_system(client, login_as, create_user, db, app):
    """The trail said "Who: the system" beside "By: the person themselves" for a person who
    erased their own account; the account that did it is gone, so it reads as a deleted
    account's act. An operator's erasure on the command line still reads as the system's."""
    from community.accounts.models import User
    from community.audit.models import AuditEvent
    from community.privacy.services import erase_as_system

    admin = create_user(roles=["admin"], name="Ada Admin")
    user = create_user(name="Erik Erase")
    leaver_id = create_user(name="Lea Leaver").id
    login_as(user)
    assert client.post_form("/settings/privacy/erase", {"password": PASSWORD, "confirm": "y"}).status_code == 302
    with app.test_request_context():
        erase_as_system(db.session.get(User, leaver_id), by="cli")
        db.session.commit()
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.erased").order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.by_person, e.data["by"]) for e in events] == [(None, True, "self"), (None, False, "cli")]
    login_as(admin)
    page = client.get("/admin/audit?action=user.erased").get_data(as_text=True)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in page.split("<tr")[1:]]
    own = next(row for row in rows if "the person themselves" in row)
    by_operator = next(row for row in rows if "the command line" in row)
    assert "a deleted account" in own and "the system" not in own
    assert "the system" in by_operator


def test_api_erasure_requires_the_password_in_the_body(client, create_user, api_token, db):
    from community.accounts.models import User

    user = create_user()
    token = api_token(user)
    assert client.send_json("DELETE", "/api/v1/me", {}, token=token).status_code == 422
    assert client.send_json("DELETE", "/api/v1/me", {"password": "nope"}, token=token).status_code == 422
    assert client.send_json("DELETE", "/api/v1/me", {"password": PASSWORD}, token=token).status_code == 204
    assert db.session.get(User, user.id).erased_at is not None
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_admin_erases_a_leaver_and_it_is_audited(client, login_as, create_user, db):
    from community.accounts.models import User
    from community.audit.models import AuditEvent

    admin = create_user(roles=["admin"])
    leaver = create_user(name="Lars Leaver")
    login_as(admin)
    assert client.post_form(f"/admin/users/{leaver.id}/erase", {"confirm": "y"}).status_code == 302
    assert db.session.get(User, leaver.id).name == "Former member"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.erased"))
    assert event.actor_id == admin.id and event.subject_id == leaver.id


def test_an_admin_is_pointed_to_their_own_privacy_settings_not_asked_for_a_password_the_form_lacks(
        client, login_as, create_user, db):
    """The leaver's erase form, opened on one's own record, answered "Your password is not
    correct." to a form with no password field. One's own account is deleted in one's privacy
    settings, where the password confirms it; the admin pages point there and erase nothing."""
    from community.accounts.models import User

    admin = create_user(roles=["admin"], name="Ada Admin")
    create_user(roles=["admin"])  # not the last administrator
    login_as(admin)
    record = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "/settings/privacy" in record and f"/admin/users/{admin.id}/erase" not in record
    page = text_of(client.get(f"/admin/users/{admin.id}/erase"))
    assert "This is your own account. Delete it in your privacy settings" in page and "password is not correct" not in page
    response = client.post_form(f"/admin/users/{admin.id}/erase", {"confirm": "y"})
    assert response.status_code == 200 and "Open my privacy settings" in text_of(response)
    db.session.expire_all()
    assert db.session.get(User, admin.id).name == "Ada Admin" and db.session.get(User, admin.id).erased_at is None
    client.post_form("/locale", {"locale": "de"})
    assert "Das ist Ihr eigenes Konto." in text_of(client.get(f"/admin/users/{admin.id}/erase"))


def test_nothing_is_written_back_into_an_erased_account(client, login_as, create_user, db, api_token):
    """An administrator could give an erased account a biography, a department and topics
    again (API and profile form), roles, a password, or activate it: personal data back in an
    account whose person asked to be forgotten. Every such change is refused: the profile is not
    found at all (404), and the admin page says why and offers none of them."""
    from community.accounts.models import User

    admin = create_user(roles=["admin"])
    leaver = create_user(name="Lars Leaver", roles=["mentor"])
    login_as(admin)
    assert client.post_form(f"/admin/users/{leaver.id}/erase", {"confirm": "y"}).status_code == 302
    answer = client.send_json("PATCH", f"/api/v1/people/{leaver.id}",
                              {"bio": "This was Lars Leaver", "department": "Sales"}, token=api_token(admin))
    # The profile is gone (the same 404 as an id never used), its edit form with it.
    assert answer.status_code == 404
    assert client.get(f"/people/{leaver.id}/edit").status_code == 404
    assert client.post_form(f"/people/{leaver.id}/edit", {"bio": "This was Lars Leaver"}).status_code == 404
    before = db.session.get(User, leaver.id)
    roles, password_hash = sorted(before.roles), before.password_hash
    token = client.csrf_token()
    client.post_form(f"/admin/users/{leaver.id}", {"roles-roles": ["admin", "mentor"], "roles-csrf_token": token})
    toggled = client.post_form(f"/admin/users/{leaver.id}/active", {"active-csrf_token": token}, follow_redirects=True)
    assert "nothing about it can be changed" in text_of(toggled)
    client.post_form(f"/admin/users/{leaver.id}/password", {"pw-password": "A-long-new-passw0rd!", "pw-csrf_token": token})
    db.session.expire_all()
    erased = db.session.get(User, leaver.id)
    assert (erased.bio, erased.department, erased.active) == (None, None, False)
    assert sorted(erased.roles) == roles and erased.password_hash == password_hash
    page = text_of(client.get(f"/admin/users/{leaver.id}"))
    assert "was erased on" in page and "Save roles" not in page and "Activate account" not in page
    assert "erased.invalid" not in page  # the placeholder address is nobody's


def test_only_admins_erase_others(client, login_as, create_user):
    login_as(create_user(roles=["change_manager"]))
    victim = create_user()
    assert client.post_form(f"/admin/users/{victim.id}/erase", {"confirm": "y"}).status_code == 403


def test_last_admin_cannot_erase_themselves(client, login_as, create_user, db):
    from community.accounts.models import User

    admin = create_user(roles=["admin"])
    login_as(admin)
    response = client.post_form("/settings/privacy/erase", {"password": PASSWORD, "confirm": "y"})
    assert "last administrator" in text_of(response)
    assert db.session.get(User, admin.id).erased_at is None


def test_retention_command_removes_old_read_notifications(runner, create_user, db):
    from datetime import timedelta

    from community.database import utcnow
    from community.notifications.models import Notification

    user = create_user()
    old = utcnow() - timedelta(days=800)
    db.session.add_all([
        Notification(user_id=user.id, kind="x", params={}, created_at=old, read_at=old),
        Notification(user_id=user.id, kind="x", params={}, created_at=utcnow()),
    ])
    db.session.commit()
    result = runner.invoke(args=["privacy", "retention", "--months", "12"])
    assert result.exit_code == 0, result.output
    assert "notifications 1" in result.output
    assert db.session.scalar(select(func.count()).select_from(Notification)) == 1


def test_retention_refuses_less_than_a_month(runner):
    result = runner.invoke(args=["privacy", "retention", "--months", "0"])
    assert result.exit_code == 1 and "at least one month" in result.output


def test_cli_erases_a_leaver(runner, create_user, db):
    from community.accounts.models import User

    user = create_user()
    result = runner.invoke(args=["privacy", "erase", user.email])
    assert result.exit_code == 0
    assert db.session.get(User, user.id).erased_at is not None


def test_cli_refuses_to_erase_the_last_administrator(runner, create_user, db):
    from community.accounts.models import User

    only_admin = create_user(roles=("admin",))
    result = runner.invoke(args=["privacy", "erase", only_admin.email])
    assert result.exit_code != 0 and "last administrator" in result.output
    db.session.expire_all()
    assert db.session.get(User, only_admin.id).erased_at is None
    create_user(roles=("admin",))  # with a second one, the first may go
    assert runner.invoke(args=["privacy", "erase", only_admin.email]).exit_code == 0


def test_retention_removes_login_sessions_of_closed_browsers_too(app, runner, create_user, db, client, login_as):
    from datetime import timedelta

    from sqlalchemy import update

    from community.accounts.models import LoginSession
    from community.database import utcnow

    user = create_user()
    login_as(user)  # an open session from today stays
    login(app.test_client(), user)
    db.session.execute(update(LoginSession).where(LoginSession.id == db.session.scalar(select(func.min(LoginSession.id))))
                       .values(created_at=utcnow() - timedelta(days=500)))
    db.session.commit()
    result = runner.invoke(args=["privacy", "retention", "--months", "12"])
    assert result.exit_code == 0, result.output
    remaining = db.session.scalars(select(LoginSession)).all()
    assert len(remaining) == 1 and remaining[0].created_at > utcnow() - timedelta(days=1)


def test_an_erased_persons_name_leaves_everyone_elses_notifications(app, client, login_as, create_user, db):
    """A session reminder names the other participant, a handover the previous mentor: after
    erasure both read "Former member" (they kept the name)."""
    from community.accounts.models import User
    from community.notifications.services import notify
    from community.privacy.services import erase_as_system

    mentor = create_user(roles=["mentor"], name="Mona Leaving")
    executive = create_user(roles=["executive"], name="Eva Staying")
    successor = create_user(roles=["mentor"], name="Nils Next")
    with app.test_request_context():
        notify(executive.id, "reminder_session", link="/mentoring/", other=mentor.name, when="Monday 10:00")
        notify(successor.id, "handed_over_new", link="/mentoring/", executive=executive.name, previous=mentor.name)
        erase_as_system(db.session.get(User, mentor.id))
        db.session.commit()
    for reader in (executive, successor):
        login_as(reader)
        page = text_of(client.get("/notifications/"))
        assert "Former member" in page and "Mona Leaving" not in page
        client.post_form("/logout")


def test_every_notification_parameter_is_known_to_name_a_person_or_not(app):
    """Erasure replaces names only in the parameters known to carry one: a new notification text
    with a new parameter must be sorted into one of the lists first."""
    import re

    from community.notifications import privacy
    from community.notifications.services import _MESSAGES

    known = {"actor", *privacy.QUOTED_PARAMS, *privacy.NAME_PARAMS, *privacy.OTHER_PARAMS}
    with app.test_request_context():
        used = {name for text in _MESSAGES.values() for name in re.findall(r"%\((\w+)\)", str(text))}
    assert used - known == set()


def _notifications_of(client, login_as, reader) -> str:
    login_as(reader)
    page = text_of(client.get("/notifications/"))
    client.post_form("/logout")
    return page


def test_erasure_finds_a_person_under_the_name_they_had_and_spares_a_namesake(app, client, login_as, create_user, db):
    """Notifications keep the name a person had when they were made. Erasing someone who was
    renamed since clears their old name too; erasing one of two people with the same name
    leaves the other's notifications alone."""
    from community.accounts.models import User
    from community.notifications.services import notify
    from community.privacy.services import erase_as_system

    leaving = create_user(roles=["executive"], name="Anna Schmidt")
    namesake = create_user(roles=["executive"], name="Anna Schmidt")
    renamed = create_user(roles=["executive"], name="Berta Alt")
    mentor = create_user(roles=["mentor"], name="Mia Mentor")
    other_mentor = create_user(roles=["mentor"], name="Max Mentor")
    with app.test_request_context():
        notify(mentor.id, "mentorship_withdrawn", link="/mentoring/", executive=db.session.get(User, leaving.id))
        notify(other_mentor.id, "mentorship_withdrawn", link="/mentoring/", executive=db.session.get(User, namesake.id))
        notify(mentor.id, "reminder_request", link="/mentoring/", executive=db.session.get(User, renamed.id), days=4)
        db.session.get(User, renamed.id).name = "Berta Neu"
        db.session.flush()
        erase_as_system(db.session.get(User, leaving.id))
        erase_as_system(db.session.get(User, renamed.id))
        db.session.commit()
    mine = _notifications_of(client, login_as, mentor)
    assert "Anna Schmidt" not in mine and "Berta Alt" not in mine and mine.count("Former member") == 2
    theirs = _notifications_of(client, login_as, other_mentor)
    assert "Anna Schmidt" in theirs and "Former member" not in theirs


def test_notifications_stored_with_names_only_are_still_erased_by_the_name(app, client, login_as, create_user, db):
    """Notifications from before ids were kept beside names hold the name alone."""
    from community.accounts.models import User
    from community.notifications.services import notify
    from community.privacy.services import erase_as_system

    leaving = create_user(roles=["executive"], name="Carla Früher")
    mentor = create_user(roles=["mentor"])
    with app.test_request_context():
        notify(mentor.id, "mentorship_withdrawn", link="/mentoring/", executive="Carla Früher")
        erase_as_system(db.session.get(User, leaving.id))
        db.session.commit()
    page = _notifications_of(client, login_as, mentor)
    assert "Carla Früher" not in page and "Former member" in page


def test_a_handover_after_erasure_reads_former_member_in_the_readers_language(app, client, login_as, create_user, db):
    from community.accounts.models import User
    from community.privacy.services import erase_as_system

    mentor = create_user(roles=["mentor"], name="Otto Gone")
    executive = create_user(roles=["executive"], name="Ida Exec")
    manager = create_user(roles=["change_manager"], name="Kim Manager", locale="de")
    from community.database import utcnow
    from community.mentoring.models import Mentorship

    db.session.add(Mentorship(mentor_id=mentor.id, executive_id=executive.id, status="active",
                              requested_by_id=executive.id, requested_at=utcnow(), decided_at=utcnow()))
    db.session.commit()
    with app.test_request_context():
        erase_as_system(db.session.get(User, mentor.id))
        db.session.commit()
    page = _notifications_of(client, login_as, manager)
    assert "Ehemaliges Mitglied" in page and "Former member" not in page and "Otto Gone" not in page
