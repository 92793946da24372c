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
    assert '<select class="form-select" id="action" name="action">' in body
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
    assert "No entries match these filters." in text_of(client.get("/admin/audit?action=tag.merged"))


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


def test_audit_details_and_subjects_read_in_words_in_both_languages(app, client, login_as, create_user, db):
    """The trail showed code names: "Api tokens revoked: 1", "UserName", "Changed: active, email",
    "By: self", "Api token 4", "Scim token 1", and "Seconds: 0.055" in German."""
    from community.audit import services as audit

    admin = create_user(roles=["admin"], name="Ada Admin")
    leaver = create_user(name="Leo Leaver")
    with app.test_request_context():
        audit.record("scim.user_deactivated", subject_type="user", subject_id=leaver.id,
                     data={"api_tokens_revoked": 1, "requests_declined": 2, "handovers_requested": 3, "sessions_cancelled": 1234})
        audit.record("scim.user_updated", subject_type="user", subject_id=leaver.id,
                     data={"changed": ["active", "department", "email", "name"], "userName": "leo@example.com"})
        audit.record("scim.user_created", subject_type="user", subject_id=leaver.id,
                     data={"userName": "leo@example.com", "externalId": "hr-7"})
        audit.record("user.erased", subject_type="user", subject_id=leaver.id, data={"by": "self"})
        audit.record("user.erased", subject_type="user", subject_id=leaver.id, data={"by": "scim"})
        audit.record("token.revoked", subject_type="api_token", subject_id=4)
        audit.record("scim.token_created", subject_type="scim_token", subject_id=1, data={"name": "Entra"})
        audit.record("circles.proposals_viewed", data={"proposals": 5, "pseudonymised": False})
        audit.record("mentorship.handed_over", subject_type="mentorship", subject_id=7, data={"new_mentorship_id": 8})
        audit.record("network.computed", subject_type="analysis_snapshot", subject_id=999, data={"people": 12, "seconds": 0.055})
        audit.record("privacy.retention", data={"months": 24, "removed": {"login_sessions": 3, "session_notes": 1}})
        db.session.commit()
    login_as(admin)
    english = text_of(client.get("/admin/audit"))
    for words in ("API tokens revoked: 1", "Requests declined: 2", "Handovers requested: 3", "Sessions cancelled: 1,234",
                  "Changed: Account status, Department, E-mail, Name", "User name in the HR system: leo@example.com",
                  "ID in the HR system: hr-7", "By: the person themselves", "By: directory sync (SCIM)",
                  "API token 4", "SCIM token 1", "Proposals: 5", "New mentorship: 8", "Seconds: 0.055",
                  "Removed: Login sessions: 3; Session notes: 1"):
        assert words in english, words
    code_names = ("Api tokens", "UserName", "ExternalId", "Changed: active", "By: self", "By: scim", "Api token",
                  "Scim token", "New mentorship id", "{'login_sessions'")
    assert not [name for name in code_names if name in english]

    client.post_form("/locale", {"locale": "de", "next": "/admin/audit"})
    german = text_of(client.get("/admin/audit"))
    assert "0,055" in german and "1.234" in german and "0.055" not in german
    assert not [name for name in code_names if name in german]


def test_every_detail_key_and_subject_the_code_records_has_words():
    """New events must not bring code names back: each key of an audit.record(data={...}) call
    and each subject_type written as text has a label."""
    import ast
    from pathlib import Path

    from community.admin.audit_trail import DATA_KEYS, DATA_VALUES, PERSON_KEYS, _feature_values
    from community.labels import SUBJECT_LABELS

    keys, subjects, coded = set(), set(), set()
    for path in Path(__file__).resolve().parents[2].joinpath("community").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "record":
                for keyword in node.keywords:
                    if keyword.arg == "data" and isinstance(keyword.value, ast.Dict):
                        keys.update(k.value for k in keyword.value.keys if isinstance(k, ast.Constant))
                        coded.update((k.value, v.value) for k, v in zip(keyword.value.keys, keyword.value.values, strict=True)
                                     if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                                     and isinstance(v.value, str))
                    if keyword.arg == "subject_type" and isinstance(keyword.value, ast.Constant):
                        subjects.add(keyword.value.value)
    # the leaver flow's figures are a dict of its own (community.scim.services.deactivate)
    keys |= {"api_tokens_revoked", "requests_declined", "handovers_requested", "sessions_cancelled"}
    assert keys - set(DATA_KEYS) - set(PERSON_KEYS) == set()
    assert subjects - set(SUBJECT_LABELS) == set()
    # a value written as text ("format": "csv") is a code name that needs its words too
    values = {**DATA_VALUES, **_feature_values()}
    assert {(key, value) for key, value in coded if value not in values.get(key, {})} == set()


def test_audit_values_of_run_status_survey_kind_export_format_and_channel_read_in_words(
        app, client, login_as, create_user, db):
    """A run's status, a survey's kind, an export's format and a chat channel's kind showed as the
    code's names ("Status: running", "Kind: start", "Format: xlsx"), in German too."""
    from community.audit import services as audit

    admin = create_user(roles=["admin"], name="Ada Admin")
    with app.test_request_context():
        for status in ("planned", "running", "closed"):
            audit.record("cohort.updated", subject_type="cohort", subject_id=1, data={"status": status})
        for kind in ("start", "end"):
            audit.record("survey.created", subject_type="cohort", subject_id=1, data={"cohort_id": 1, "kind": kind})
        for fmt in ("csv", "xlsx", "json"):
            audit.record("run_report.exported", subject_type="cohort", subject_id=1, data={"format": fmt})
        audit.record("network.exported", data={"format": "graphml", "pseudonymised": False, "people": 3})
        for flavour in ("slack", "teams"):
            audit.record("outreach.channel_set", subject_type="category", subject_id=1, data={"flavour": flavour})
        db.session.commit()
    login_as(admin)
    code_words = re.compile(r"\b(planned|running|closed|start|end|csv|xlsx|json|graphml|slack|teams)\b")

    english = text_of(client.get("/admin/audit")).split("Audit trail", 1)[-1]
    for words in ("Status: planned", "Status: running", "Status: closed", "Kind: Start survey", "Kind: End survey",
                  "Format: CSV file", "Format: Excel workbook", "Format: JSON data", "Format: GraphML file",
                  "Kind of channel: Slack", "Kind of channel: Microsoft Teams"):
        assert words in english, words
    english_details = client.get("/admin/audit").get_data(as_text=True).split("<tbody>")[1]
    assert not code_words.findall(re.sub(r"Status: (planned|running|closed)", "", " ".join(
        re.sub(r"<[^>]+>", " ", english_details).split())))

    client.post_form("/locale", {"locale": "de", "next": "/admin/audit"})
    german_rows = client.get("/admin/audit").get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    german = " ".join(re.sub(r"<[^>]+>", " ", german_rows).split())
    assert not code_words.findall(german), code_words.findall(german)
    for words in ("läuft", "abgeschlossen", "geplant", "Eingangsbefragung", "Abschlussbefragung", "Microsoft Teams"):
        assert words in german, words


def _who(page_html: str, action_label: str) -> str:
    """The Who cell of the (first) row whose action reads `action_label`."""
    rows = page_html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")
    row = next(row for row in rows if f'<span class="fw-semibold">{action_label}</span>' in row)
    return row.split('data-label="Who">', 1)[1].split("</td>", 1)[0]


def test_an_event_of_a_deleted_account_reads_as_such_not_as_the_system(app, client, login_as, create_user, db):
    """The actor's account deleted since (actor_id set to NULL): the trail said "the system" did
    it. A deleted account reads as one; what the system does still reads "the system"."""
    from sqlalchemy import delete

    from community.accounts.models import User
    from community.privacy.services import run_retention

    gone = create_user(roles=["admin"], name="Gerd Gone")
    reader = create_user(roles=["admin"], name="Ada Admin")
    person = create_user(name="Petra Person")
    login_as(gone)
    client.post_form(f"/admin/users/{person.id}", {"roles-roles": ["mentor"]})
    client.post_form("/logout")
    with app.app_context():
        run_retention(24)  # a periodic task: no actor
        db.session.execute(delete(User).where(User.id == gone.id))
        db.session.commit()
    login_as(reader)
    body = client.get("/admin/audit").get_data(as_text=True)
    deleted = _who(body, "Roles changed")
    assert "a deleted account" in deleted and "the system" not in deleted and "Gerd Gone" not in body
    assert "avatar-neutral" in deleted
    system = _who(body, "Old data removed (retention)")
    assert "the system" in system and "a deleted account" not in system and "avatar" not in system
    # the person the deleted account acted on is still found by the filter, with that event
    rows = client.get(f"/admin/audit?person={person.email}").get_data(as_text=True)
    assert "a deleted account" in _who(rows, "Roles changed")

    client.post_form("/locale", {"locale": "de", "next": "/admin/audit"})
    german = client.get("/admin/audit").get_data(as_text=True)
    assert "ein gelöschtes Konto" in german and "das System" in german


def test_every_action_the_code_records_has_a_name_in_words():
    """"mentoring.resumed" had none: the trail read "Mentoring: Resumed" on German pages too, and
    the action filter did not offer it."""
    import pathlib

    from community.admin.audit_trail import ACTIONS

    recorded = set()
    for path in (pathlib.Path(__file__).resolve().parents[2] / "community").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        recorded.update(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', text))
        for pair in re.findall(r'"([a-z_]+\.[a-z_]+)" if [^"\n]+ else "([a-z_]+\.[a-z_]+)"', text):
            recorded.update(pair)
    assert "mentoring.resumed" in recorded and len(recorded) > 40
    assert sorted(recorded - set(ACTIONS)) == []
