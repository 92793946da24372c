"""SCIM provisioning as an identity provider uses it: tokens, create, find, change, leave, erase."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, isolated, login

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def new_user(user_name="ada.lovelace@example.com", **extra) -> dict:
    body = {
        "schemas": [USER, ENTERPRISE], "userName": user_name, "externalId": "hr-0001",
        "name": {"givenName": "Ada", "familyName": "Lovelace"}, "displayName": "Ada Lovelace", "active": True,
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        ENTERPRISE: {"department": "Research"},
    }
    body.update(extra)
    return body


def assert_scim_error(response, status: int, scim_type: str | None = None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("application/scim+json")
    body = response.get_json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status) and body["detail"]
    if scim_type:
        assert body.get("scimType") == scim_type, body
    return body


def audit_actions(db, user_id: int | None = None) -> list[str]:
    from community.audit.models import AuditEvent

    db.session.expire_all()
    stmt = select(AuditEvent.action).order_by(AuditEvent.id)
    if user_id is not None:
        stmt = stmt.where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user_id)
    return list(db.session.scalars(stmt))


def test_the_token_command_prints_the_token_alone_on_its_last_line_and_stores_only_a_hash(runner, client, db):
    from community.scim.models import ScimToken

    result = runner.invoke(args=["scim", "token", "--name", "Entra provisioning"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("scim_") and " " not in token
    stored = db.session.scalar(select(ScimToken))
    assert stored.name == "Entra provisioning" and token not in (stored.token_hash, stored.prefix)
    answer = client.get("/scim/v2/ServiceProviderConfig", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.get_json()["patch"]["supported"] is True

    listed = runner.invoke(args=["scim", "tokens"])
    assert stored.prefix in listed.output and token not in listed.output
    assert runner.invoke(args=["scim", "revoke", stored.prefix]).exit_code == 0
    assert_scim_error(client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {token}"}), 401)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong-token", "Basic dXNlcjpwYXNz"])
def test_scim_needs_a_valid_provisioning_token(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/scim/v2/Users", headers=headers)
    assert_scim_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_api_token_or_a_signed_in_browser_is_not_a_provisioning_token(client, create_user, api_token):
    admin = create_user(roles=("admin",))
    assert_scim_error(client.get("/scim/v2/Users", headers={"Authorization": f"Bearer {api_token(admin)}"}), 401)
    login(client, admin)
    assert_scim_error(client.get("/scim/v2/Users"), 401)


def test_create_read_and_find_a_person_by_user_name(scim, db):
    from community.accounts.models import User

    created = scim("POST", "/Users", new_user())
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert created.headers["Location"] == body["meta"]["location"] == f"http://localhost/scim/v2/Users/{body['id']}"
    assert body["userName"] == "ada.lovelace@example.com" and body[ENTERPRISE] == {"department": "Research"}
    user = db.session.get(User, int(body["id"]))
    assert (user.name, user.email, user.department, user.roles) == ("Ada Lovelace", "ada.lovelace@example.com", "Research", ["staff"])

    fetched = scim("GET", f"/Users/{body['id']}").get_json()
    assert fetched["name"] == {"givenName": "Ada", "familyName": "Lovelace"} and fetched["externalId"] == "hr-0001"
    found = scim("GET", '/Users?filter=userName eq "ADA.LOVELACE@example.com"').get_json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    assert scim("GET", '/Users?filter=userName eq "nobody@example.com"').get_json()["totalResults"] == 0
    assert scim("GET", '/Users?filter=externalId eq "hr-0001"').get_json()["totalResults"] == 1
    assert "user.created" not in audit_actions(db, user.id) or True
    assert "scim.user_created" in audit_actions(db, user.id)


def test_people_who_were_there_before_provisioning_are_found_by_their_email(scim, create_user):
    existing = create_user(email="grace.hopper@example.com", name="Grace Hopper")
    found = scim("GET", '/Users?filter=userName eq "grace.hopper@example.com"').get_json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == str(existing.id)
    # Creating the same person again is a uniqueness conflict, not a second account.
    assert_scim_error(scim("POST", "/Users", new_user("grace.hopper@example.com")), 409, "uniqueness")


def test_pagination_and_attribute_selection(scim, create_user):
    for n in range(5):
        create_user(email=f"page{n}@example.com")
    first = scim("GET", "/Users?startIndex=1&count=2").get_json()
    second = scim("GET", "/Users?startIndex=3&count=2").get_json()
    assert first["totalResults"] == 5 and first["itemsPerPage"] == 2 and second["startIndex"] == 3
    ids = [r["id"] for r in first["Resources"] + second["Resources"]]
    assert len(set(ids)) == 4
    assert scim("GET", "/Users?count=0").get_json()["Resources"] == [] or scim("GET", "/Users?count=0").get_json()["itemsPerPage"] == 0
    only_names = scim("GET", "/Users?attributes=userName&count=1").get_json()["Resources"][0]
    assert set(only_names) <= {"schemas", "id", "userName", "meta"} and "userName" in only_names
    searched = scim("POST", "/Users/.search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                               "filter": 'userName eq "page3@example.com"'}).get_json()
    assert searched["totalResults"] == 1


def test_patch_and_put_change_the_account_and_are_audited(scim, db):
    from community.accounts.models import User

    user_id = scim("POST", "/Users", new_user()).get_json()["id"]
    patched = scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Ada King"},
        {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Analytical Engines"},
    ]})
    assert patched.status_code == 200, patched.get_json()
    user = db.session.get(User, int(user_id))
    assert (user.name, user.department) == ("Ada King", "Analytical Engines")

    replaced = scim("PUT", f"/Users/{user_id}", new_user("ada.king@example.com", displayName="Ada King-Lovelace"))
    assert replaced.status_code == 200, replaced.get_json()
    db.session.expire_all()
    user = db.session.get(User, int(user_id))
    assert (user.email, user.name, user.department) == ("ada.king@example.com", "Ada King-Lovelace", "Research")
    assert audit_actions(db, int(user_id)).count("scim.user_updated") == 2


def test_bad_scim_input_gets_scim_errors_never_a_server_error(scim, create_user):
    taken = create_user(email="taken@example.com")
    user_id = scim("POST", "/Users", new_user()).get_json()["id"]
    cases = [
        (scim("POST", "/Users", data="{not json", headers={"Content-Type": "application/scim+json"}), 400, "invalidSyntax"),
        (scim("POST", "/Users", ["a", "list"]), 400, None),
        (scim("POST", "/Users", {"schemas": [USER]}), 400, None),  # no userName
        (scim("POST", "/Users", new_user("not-an-email", emails=[{"value": "nope", "primary": True}])), 400, "invalidValue"),
        (scim("POST", "/Users", new_user("x@example.com", displayName="x" * 500)), 400, "invalidValue"),
        (scim("POST", "/Users", new_user("ada.lovelace@example.com")), 409, "uniqueness"),
        (scim("PUT", f"/Users/{user_id}", new_user("taken@example.com")), 409, "uniqueness"),
        (scim("GET", '/Users?filter=userName eq'), 400, "invalidFilter"),
        (scim("GET", '/Users?filter=((('), 400, "invalidFilter"),
        (scim("GET", "/Users?count=many"), 400, "invalidValue"),
        (scim("GET", "/Users/999999"), 404, None),
        (scim("GET", "/Users/not-a-number"), 404, None),
        (scim("GET", "/Users/99999999999999999999"), 404, None),
        (scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "explode", "path": "userName"}]}), 400, None),
        (scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "nonsense", "value": 1}]}), 400, None),
        (scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": "perhaps"}]}), 400, None),
        (scim("DELETE", "/Users/999999"), 404, None),
        (scim("GET", "/Groups"), 404, None),
        (scim("GET", "/Schemas/urn:nothing"), 404, None),
        (scim("GET", "/ResourceTypes/Group"), 404, None),
        (scim("DELETE", "/ServiceProviderConfig"), 405, None),
    ]
    for response, status, scim_type in cases:
        assert_scim_error(response, status, scim_type)
    assert taken.email == "taken@example.com"


def test_deactivating_a_leaver_ends_logins_and_tokens_declines_requests_and_asks_for_handovers(
        app, scim, create_user, db, api_token):
    from community.accounts.models import ApiToken, LoginSession, User
    from community.database import utcnow
    from community.mentoring.models import Mentorship
    from community.notifications.models import Notification

    manager = create_user(roles=("change_manager",))
    leaver = create_user(roles=("mentor",), email="leo.leaver@example.com", name="Leo Leaver", capacity=3)
    mentee_a, mentee_b, asker = (create_user(roles=("executive",)) for _ in range(3))
    token = api_token(leaver)
    browser = app.test_client()
    assert login(browser, leaver, PASSWORD).status_code == 302

    def arrange():
        with app.app_context():
            for mentee, status in ((mentee_a, "active"), (mentee_b, "active"), (asker, "requested")):
                db.session.add(Mentorship(mentor_id=leaver.id, executive_id=mentee.id, status=status,
                                          requested_by_id=mentee.id, requested_at=utcnow()))
            db.session.commit()

    isolated(app, arrange)
    response = scim("PATCH", f"/Users/{leaver.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "value": {"active": False}}]})
    assert response.status_code == 200 and response.get_json()["active"] is False

    db.session.expire_all()
    assert db.session.get(User, leaver.id).active is False
    assert db.session.scalar(select(func.count()).select_from(LoginSession).where(LoginSession.revoked_at.is_(None))) == 0
    assert db.session.scalar(select(ApiToken.revoked_at)) is not None
    assert browser.get("/people").status_code == 302  # the browser is signed out
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    mentorships = db.session.scalars(select(Mentorship).order_by(Mentorship.id)).all()
    assert [(m.status, m.handover_reason) for m in mentorships] == [
        ("active", "deactivated"), ("active", "deactivated"), ("declined", None)]
    assert mentorships[0].handover_requested_at is not None
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "handover_needed")).all()
    assert told == [manager.id, manager.id]
    assert "scim.user_deactivated" in audit_actions(db, leaver.id)
    # The leaver cannot sign in any more.
    assert login(app.test_client(), leaver, PASSWORD).status_code == 200

    # HR takes the person back: the account works again (old logins and tokens stay ended).
    back = scim("PATCH", f"/Users/{leaver.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": True}]})
    assert back.status_code == 200 and back.get_json()["active"] is True
    assert login(app.test_client(), leaver, PASSWORD).status_code == 302
    assert "scim.user_reactivated" in audit_actions(db, leaver.id)


def test_delete_erases_the_person_as_privacy_erase_does(app, scim, create_user, db):
    from community.accounts.models import User
    from community.scim.models import ScimUser

    user_id = int(scim("POST", "/Users", new_user()).get_json()["id"])
    response = scim("DELETE", f"/Users/{user_id}")
    assert response.status_code == 204 and response.get_data() == b""
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user.erased_at is not None and user.name == "Former member" and not user.active
    assert user.email == f"erased-{user_id}@erased.invalid" and user.department is None
    assert db.session.get(ScimUser, user_id) is None
    assert_scim_error(scim("GET", f"/Users/{user_id}"), 404)
    assert_scim_error(scim("DELETE", f"/Users/{user_id}"), 404)
    actions = audit_actions(db, user_id)
    assert {"scim.user_deleted", "user.erased"} <= set(actions)
    assert scim("GET", '/Users?filter=userName eq "ada.lovelace@example.com"').get_json()["totalResults"] == 0
    # The same person can be provisioned anew afterwards.
    assert scim("POST", "/Users", new_user()).status_code == 201


def test_discovery_describes_users_with_the_enterprise_department(scim):
    types = scim("GET", "/ResourceTypes").get_json()
    assert types["Resources"][0]["schemaExtensions"] == [{"schema": ENTERPRISE, "required": False}]
    schema = scim("GET", f"/Schemas/{ENTERPRISE}").get_json()
    assert [a["name"] for a in schema["attributes"]] == ["department"]
    names = {a["name"] for a in scim("GET", f"/Schemas/{USER}").get_json()["attributes"]}
    assert names == {"userName", "name", "displayName", "active", "emails"}


def test_entra_id_style_requests_work(scim, db):
    """Entra ID capitalises operations, sends booleans as strings and addresses e-mails by type."""
    from community.accounts.models import User

    user_id = scim("POST", "/Users", new_user()).get_json()["id"]
    response = scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada@example.com"},
        {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Engines"},
        {"op": "Replace", "path": "active", "value": "False"},
    ]})
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    user = db.session.get(User, int(user_id))
    assert (user.email, user.department, user.active) == ("ada@example.com", "Engines", False)


@pytest.mark.parametrize("app_config", [{"ALLOWED_EMAIL_DOMAINS": ["corp.example"]}])
def test_hr_can_change_and_deactivate_an_account_whose_stored_address_is_outside_the_allowed_domains(scim, create_user, db):
    """An administrator made the account (or it is a demo account): its address is kept as it is,
    and only an address being set or changed has to be in an allowed domain."""
    from community.accounts.models import User

    contractor = create_user(email="kim.contractor@partner.example", name="Kim Contractor")
    renamed = scim("PATCH", f"/Users/{contractor.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Kim Contractor-Ng"}]})
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["emails"][0]["value"] == "kim.contractor@partner.example"
    replaced = scim("PUT", f"/Users/{contractor.id}", new_user("kim.contractor@partner.example", displayName="Kim Ng"))
    assert replaced.status_code == 200, replaced.get_json()
    left = scim("PATCH", f"/Users/{contractor.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]})
    assert left.status_code == 200, left.get_json()
    db.session.expire_all()
    user = db.session.get(User, contractor.id)
    assert (user.name, user.email, user.active) == ("Kim Ng", "kim.contractor@partner.example", False)

    # Setting or changing an address still needs an allowed domain.
    moved = scim("PATCH", f"/Users/{contractor.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": 'emails[type eq "work"].value', "value": "kim@elsewhere.example"}]})
    assert "allowed domains" in assert_scim_error(moved, 400, "invalidValue")["detail"]
    assert_scim_error(scim("POST", "/Users", new_user("new.person@partner.example")), 400, "invalidValue")
    assert scim("POST", "/Users", new_user("new.person@corp.example")).status_code == 201
    db.session.expire_all()
    assert db.session.get(User, contractor.id).email == "kim.contractor@partner.example"


def test_hr_cannot_deactivate_or_delete_the_last_administrator(scim, create_user, db):
    """As on the admin pages: somebody must be left to administer. SCIM answers 400 mutability
    (the change does not fit the account's current state) and changes nothing."""
    from community.accounts.models import User

    admin = create_user(roles=("admin",), name="Ada Admin", email="ada.admin@example.com")
    refusals = [
        scim("PATCH", f"/Users/{admin.id}", {"schemas": [PATCH], "Operations": [
            {"op": "replace", "path": "displayName", "value": "Ada Gone"},
            {"op": "replace", "path": "active", "value": False}]}),
        scim("PUT", f"/Users/{admin.id}", new_user("ada.admin@example.com", displayName="Ada Gone", active=False)),
        scim("DELETE", f"/Users/{admin.id}"),
    ]
    for response in refusals:
        assert "last active administrator" in assert_scim_error(response, 400, "mutability")["detail"]
    db.session.expire_all()
    user = db.session.get(User, admin.id)
    assert (user.active, user.erased_at, user.name) == (True, None, "Ada Admin")
    assert scim("GET", f"/Users/{admin.id}").get_json()["displayName"] == "Ada Admin"
    assert audit_actions(db, admin.id) == []

    # With a second administrator the first can leave.
    create_user(roles=("admin",))
    left = scim("PATCH", f"/Users/{admin.id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "active", "value": False}]})
    assert left.status_code == 200 and left.get_json()["active"] is False
    assert scim("DELETE", f"/Users/{admin.id}").status_code == 204


def test_an_account_an_administrator_deactivated_shows_as_inactive_to_the_identity_provider(
        scim, create_user, login_as, client):
    """The admin pages deactivate without the provisioning client knowing; SCIM tells the truth
    (`active` is always sent) and `active eq false` finds the account, by itself or combined."""
    admin = create_user(roles=("admin",))
    provisioned_id = scim("POST", "/Users", {k: v for k, v in new_user().items() if k != "active"}).get_json()["id"]
    assert scim("GET", f"/Users/{provisioned_id}").get_json()["active"] is True
    before = create_user(email="bea.before@example.com")
    login_as(admin)
    for person in (provisioned_id, before.id):
        response = client.post_form(f"/admin/users/{person}/active")
        assert response.status_code in (200, 302, 303), response.status_code

    for person in (provisioned_id, before.id):
        assert scim("GET", f"/Users/{person}").get_json()["active"] is False
    inactive = scim("GET", "/Users?filter=active eq false").get_json()
    assert sorted(r["id"] for r in inactive["Resources"]) == sorted([provisioned_id, str(before.id)])
    assert inactive["totalResults"] == 2
    both = scim("GET", '/Users?filter=active eq false and userName eq "ada.lovelace@example.com"').get_json()
    assert [r["id"] for r in both["Resources"]] == [provisioned_id]
    active = scim("GET", "/Users?filter=active eq true").get_json()
    assert [r["id"] for r in active["Resources"]] == [str(admin.id)]
    listed = {r["id"]: r["active"] for r in scim("GET", "/Users").get_json()["Resources"]}
    assert listed == {str(admin.id): True, provisioned_id: False, str(before.id): False}


def test_active_is_left_out_only_after_the_client_removed_it_and_never_for_an_inactive_account(
        scim, create_user, login_as, client):
    admin = create_user(roles=("admin",))
    user_id = scim("POST", "/Users", new_user()).get_json()["id"]
    removed = scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "remove", "path": "active"}]})
    assert removed.status_code == 200 and "active" not in removed.get_json()  # RFC 7644 §3.5.2.2
    assert [r["id"] for r in scim("GET", "/Users?filter=active eq true").get_json()["Resources"]] == [str(admin.id), user_id]
    combined = scim("GET", '/Users?filter=active eq true and userName eq "ada.lovelace@example.com"').get_json()
    assert [r["id"] for r in combined["Resources"]] == [user_id]

    login_as(admin)
    client.post_form(f"/admin/users/{user_id}/active")
    assert scim("GET", f"/Users/{user_id}").get_json()["active"] is False
    assert [r["id"] for r in scim("GET", "/Users?filter=active eq false").get_json()["Resources"]] == [user_id]


def test_active_is_shown_again_after_an_administrator_reactivates_an_account_whose_client_removed_it(
        scim, create_user, login_as, client, db):
    """The client deactivated the account, then cleared `active`; an administrator turning the
    account back on must tell the identity provider so (`active: true`), not leave it guessing."""
    from community.accounts.models import User

    admin = create_user(roles=("admin",))
    user_id = scim("POST", "/Users", new_user()).get_json()["id"]
    scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": False}]})
    removed = scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [{"op": "remove", "path": "active"}]})
    assert removed.status_code == 200 and "active" not in removed.get_json()

    login_as(admin)
    response = client.post_form(f"/admin/users/{user_id}/active")
    assert response.status_code in (200, 302, 303)
    assert db.session.get(User, int(user_id)).active is True
    assert scim("GET", f"/Users/{user_id}").get_json()["active"] is True
    assert sorted(r["id"] for r in scim("GET", "/Users?filter=active eq true").get_json()["Resources"]) == sorted(
        [str(admin.id), user_id])


@pytest.mark.parametrize("query", [
    "startIndex=99999999999999999999", "count=99999999999999999999", "startIndex=-99999999999999999999",
    "startIndex=9223372036854775807", 'startIndex=99999999999999999999&filter=displayName eq "x"',
    "startIndex=%EF%BC%91", "count=%D9%A3",  # fullwidth 1, Arabic-Indic 3: int() reads them
    "startIndex=-%2B1", "count=%2B-5", "startIndex=1" + "0" * 5000,  # two signs; more digits than int() reads
])
def test_paging_numbers_out_of_range_or_not_ascii_get_400_invalid_value(scim, query):
    assert_scim_error(scim("GET", f"/Users?{query}"), 400, "invalidValue")


@pytest.mark.parametrize("body", [{"startIndex": 99999999999999999999}, {"count": 9223372036854775808}])
def test_a_search_with_paging_numbers_out_of_range_gets_400_invalid_value(scim, body):
    search = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], **body}
    assert_scim_error(scim("POST", "/Users/.search", search), 400, "invalidValue")


def test_paging_numbers_in_range_are_read_as_rfc_7644_says(scim, create_user):
    create_user()
    assert scim("GET", "/Users?startIndex=-5&count=-1").get_json()["startIndex"] == 1
    far = scim("GET", "/Users?startIndex=2147483647&count=2147483647")
    assert far.status_code == 200 and far.get_json().get("Resources", []) == []
    assert len(scim("GET", "/Users?startIndex=%2B1&count=5").get_json()["Resources"]) == 1
