"""The audit trail reads in words: translated actions, the subject's name, local time, a drop-down of actions."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.conftest import text_of


def test_audit_trail_names_actions_and_subjects_in_words(client, login_as, create_user):
    admin = create_user(roles=["admin"], name="Ada Admin")
    login_as(admin)
    person = create_user(name="Petra Person")
    client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor"]})
    page = client.get("/admin/audit")
    body, text = page.get_data(as_text=True), text_of(page)
    assert "Roles changed" in text and "Petra Person" in text and "Ada Admin" in text
    assert "user.roles_changed" not in text and f"user {person.id}" not in text
    assert f'href="/people/{person.id}"' in body
    assert '<select class="form-select form-select-sm" id="action" name="action">' in body
    assert '<option value="user.roles_changed">Roles changed</option>' in body
    assert '<option value="network.">All of Network analysis</option>' in body


def test_audit_trail_filters_by_the_chosen_action(client, login_as, create_user):
    login_as(create_user(roles=["admin"]))
    person = create_user(name="Petra Person")
    client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor"]})
    client.get("/admin/users")
    body = client.get("/admin/audit?action=user.roles_changed").get_data(as_text=True)
    rows = body.split("<tbody>")[1].split("</tbody>")[0]
    assert "Roles changed" in rows and "Petra Person" in rows and rows.count("<tr>") == 1
    assert '<option value="user.roles_changed" selected>' in body
    assert "No audit events match this filter." in text_of(client.get("/admin/audit?action=tag.merged"))


def test_audit_trail_shows_local_time_and_german_words(app, client, login_as, create_user, db):
    from community.accounts.models import User
    from community.audit.models import AuditEvent

    admin = create_user(roles=["admin"], timezone="Asia/Tokyo")
    login_as(admin)
    person = create_user(name="Petra Person")
    client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor"]})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.roles_changed")).one()
    local = (event.created_at.hour + 9) % 24
    assert re.search(rf"\b{local:02d}:{event.created_at.minute:02d}\b|\b{local % 12 or 12}:{event.created_at.minute:02d}",
                     text_of(client.get("/admin/audit")))
    client.post_form("/locale", {"locale": "de", "next": "/admin/audit"})
    german = text_of(client.get("/admin/audit"))
    assert "Rollen geändert" in german and "Petra Person" in german
    assert db.session.get(User, admin.id) is not None


def test_only_admins_read_the_audit_trail(client, login_as, create_user):
    login_as(create_user(roles=["change_manager"]))
    assert client.get("/admin/audit").status_code in (403, 404)


def test_audit_trail_names_the_snapshot_a_view_was_of(client, login_as, create_user):
    login_as(create_user(roles=["admin", "change_manager"]))
    client.post_form("/network/analyse")
    client.get("/network/risks")
    page = client.get("/admin/audit?action=network.viewed")
    rows = page.get_data(as_text=True).split("<tbody>")[1]
    assert "Network analysis viewed" in rows and "Snapshot of " in rows and "Risks" in rows
    assert "analysis_snapshot" not in rows


def test_audit_details_name_people_instead_of_their_ids(app, client, login_as, create_user, db):
    """A handover's new mentor and a circle's members were shown as ids ("To mentor id: 36")."""
    from community.audit import services as audit

    admin = create_user(roles=["admin"], name="Ada Admin")
    mentor = create_user(roles=["mentor"], name="Nils Next")
    members = [create_user(roles=["mentor"], name=name) for name in ("Mia Member", "Max Member")]
    with app.test_request_context():
        audit.record("mentorship.handed_over", subject_type="mentorship", subject_id=7,
                     data={"to_mentor_id": mentor.id, "new_mentorship_id": 8})
        audit.record("circle.created", subject_type="circle", subject_id=3,
                     data={"members": [m.id for m in members] + [999_999]})
        db.session.commit()
    login_as(admin)
    text = text_of(client.get("/admin/audit"))
    assert "New mentor: Nils Next" in text and "Members: Mia Member, Max Member, a former member" in text
    assert f"To mentor id: {mentor.id}" not in text
    body = client.get("/admin/audit").get_data(as_text=True)
    labels = re.findall(r'<option value="[a-z_]+\.">([^<]+)</option>', body)
    assert len(labels) == len(set(labels)), labels  # "All of Peer circles" was listed twice
