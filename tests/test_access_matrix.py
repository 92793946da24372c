"""Access matrix: every route of the app, every role, the expected status.

A route that is not in MATRIX fails the test, so a new page or endpoint must be given an
explicit access rule (deny by default). Roles, in this order: anonymous, mentor, executive,
staff, change manager, admin; the objects belong to the mentor–executive pair (mentorship,
session), the staff member wrote the reply and nominated the mentor. Expected statuses: a
number, or "ok" (allowed: not 401/403/404 and no server error), or "login" (redirect to the
login page). Pictures of the network dashboard are requested without their signed view token.
Unsafe methods are sent with an empty body (and a CSRF token for pages): they prove who gets
in, not what the form does (the feature tests cover that).
"""

from __future__ import annotations

import os

import pytest

from tests.access_world import ROLES, build_world
from tests.conftest import PASSWORD, isolated, login

ANON = ROLES[0]


def url_args(world, rule_obj) -> dict:
    """Values for a rule's URL variables, taken from the world (objects of the mentor/executive pair)."""
    ids = world.ids
    values = {
        "user_id": ids["user_staff"], "person_id": ids["user_mentor"], "token_id": ids["token_mentor"],
        "nomination_id": ids["nomination"], "mentorship_id": ids["mentorship"], "session_id": ids["session"],
        "cohort_id": ids["cohort"], "category_id": ids["category_id"], "thread_id": ids["thread"], "post_id": ids["post"], "flag_id": ids["flag"],
        "notification_id": ids["notification"], "job_id": 999999, "message_id": 999999, "synonym_id": ids["synonym"], "slug": ids["tag"],
        "ref": str(ids["user_mentor"]), "name": "load", "kind": "thread", "target_id": ids["thread"], "action": "pin",
        "token": ids["feed_token"], "filename": "css/app.css", "survey_id": ids["survey"], "circle_id": ids["circle"],
        "question_id": ids["question"],
        "resource_type": "User", "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
        "resource_id": str(ids["user_staff"]), "import_id": 999999,
    }
    if rule_obj.endpoint in ("discussions.category",):
        values["slug"] = ids["category"]
    if rule_obj.endpoint == "discussions.moderate_post":
        values["action"] = "hide"
    return {arg: values[arg] for arg in rule_obj.arguments}


def all_routes(app):
    for rule_obj in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        for method in sorted(rule_obj.methods - {"HEAD", "OPTIONS"}):
            yield rule_obj, method


def signed_in_client(app, world, role):
    client = app.test_client()
    if role != ANON:
        assert login(client, world.users[role].email, PASSWORD).status_code == 302
    return client


def request_as(app, world, role, rule_obj, method, client):
    headers = {}
    if rule_obj.rule.startswith("/api/"):
        client = app.test_client()  # the API is called with the role's bearer token only
        if role != ANON:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule_obj.endpoint, **url_args(world, rule_obj))
    if rule_obj.endpoint.startswith("network.") and ("picture" in rule_obj.endpoint):
        url += "?view=invalid"
    if method == "GET":
        return client.get(url, headers=headers)
    if rule_obj.rule.startswith("/api/"):
        return client.open(url, method=method, json={}, headers=headers)
    return client.post_form(url, {}) if method == "POST" else client.open(url, method=method, headers=headers)


def matches(expected, response) -> bool:
    status = response.status_code
    if expected == "ok":
        return status not in (401, 403, 404) and status < 500
    if expected == "login":
        return status == 302 and "/login" in response.headers.get("Location", "")
    return status == expected


@pytest.fixture(scope="module")
def provider():
    """The company sign-in is switched on, against a real provider, so its routes answer as in use."""
    from tests.oidc_provider import running_provider

    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return {"OIDC_ISSUER": provider.url, "OIDC_CLIENT_ID": "access-matrix"}


@pytest.fixture
def world(app):
    return isolated(app, build_world, app)


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(app, world, role):
    observe = os.environ.get("OBSERVE_ACCESS") == "1"
    unlisted, wrong = [], []
    client = isolated(app, signed_in_client, app, world, role)
    for rule_obj, method in all_routes(app):
        key = f"{method} {rule_obj.endpoint}"
        response = isolated(app, request_as, app, world, role, rule_obj, method, client)
        response.close()  # file responses (static) hold a file open until closed
        if rule_obj.endpoint == "accounts.logout":
            client = isolated(app, signed_in_client, app, world, role)
        if observe:
            print(f"OBSERVED {key} {role} {response.status_code} {response.headers.get('Location', '')}")
            continue
        if key not in MATRIX:
            unlisted.append(key)
            continue
        expected = MATRIX[key][role]
        if not matches(expected, response):
            wrong.append(f"{key} as {role}: expected {expected}, got {response.status_code}")
        assert response.status_code < 500, f"{key} as {role}: {response.status_code}"
    assert not unlisted, f"routes without an access rule: {unlisted}"
    assert not wrong, "\n".join(wrong)


MATRIX: dict[str, dict] = {
    # SCIM answers only its own provisioning tokens (tests/scim): no role's cookie or API token gets in.
    "GET scim.service_provider_config_endpoint": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "GET scim.resource_types_endpoint": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "GET scim.resource_type_endpoint": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "GET scim.schemas_endpoint": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "GET scim.schema_endpoint": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "GET scim.list_users": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "GET scim.get_user": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "POST scim.search_users": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "POST scim.create_user": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "PUT scim.replace_user": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "PATCH scim.patch_user": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    "DELETE scim.delete_user": dict(zip(ROLES, (401, 401, 401, 401, 401, 401), strict=True)),
    # Programme impact: surveys (participants of the run answer), report and exports (change managers)
    "GET impact.answer": dict(zip(ROLES, ("login", 200, 200, 404, 404, 404), strict=True)),
    "POST impact.answer": dict(zip(ROLES, ("login", 200, 200, 404, 404, 404), strict=True)),
    "GET impact.surveys": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "POST impact.prepare": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "POST impact.survey_status": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "GET impact.questions": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "POST impact.questions": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "GET impact.report": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET impact.export": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET api_impact.run_report": dict(zip(ROLES, (401, 403, 403, 403, 200, 403), strict=True)),
    "POST mentoring.goal_progress": dict(zip(ROLES, ("login", "ok", "ok", 404, 403, 404), strict=True)),
    "PATCH api_mentoring.update_goal": dict(zip(ROLES, (401, 422, 422, 422, 422, 422), strict=True)),
    "DELETE api_discussions.delete_post": dict(zip(ROLES, (401, 403, 403, "ok", "ok", "ok"), strict=True)),
    # The world's thread is the mentor's: only moderators remove it (and restore it right after).
    "DELETE api_discussions.remove_thread": dict(zip(ROLES, (401, 403, 403, 403, "ok", "ok"), strict=True)),
    "DELETE api_me.erase_me": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "DELETE api_me.revoke_all_tokens": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "GET accounts.change_password": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET accounts.login": dict(zip(ROLES, (200, 302, 302, 302, 302, 302), strict=True)),
    "GET accounts.login_password": dict(zip(ROLES, (200, 302, 302, 302, 302, 302), strict=True)),
    "GET accounts.oidc_start": dict(zip(ROLES, (302, 302, 302, 302, 302, 302), strict=True)),
    "GET accounts.oidc_callback": dict(zip(ROLES, (400, 400, 400, 400, 400, 400), strict=True)),
    "GET accounts.register": dict(zip(ROLES, (200, 302, 302, 302, 302, 302), strict=True)),
    "GET accounts.complete_registration": dict(zip(ROLES, (404, 302, 302, 302, 302, 302), strict=True)),  # a feed token is no registration link
    "GET accounts.forgot_password": dict(zip(ROLES, (200, 302, 302, 302, 302, 302), strict=True)),
    "GET accounts.reset_password": dict(zip(ROLES, (404, 302, 302, 302, 302, 302), strict=True)),  # no reset link
    "GET accounts.tokens": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET admin.audit": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET admin.import_people": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET admin.import_show": dict(zip(ROLES, ("login", 403, 403, 403, 403, 404), strict=True)),
    "GET admin.import_progress": dict(zip(ROLES, ("login", 403, 403, 403, 403, 404), strict=True)),
    "GET admin.create_user": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET admin.edit_user": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET admin.users": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET outreach.outbox": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET outreach.outbox_message": dict(zip(ROLES, ("login", 403, 403, 403, 403, 404), strict=True)),
    "POST outreach.retry_message": dict(zip(ROLES, ("login", 403, 403, 403, 403, 404), strict=True)),
    "GET outreach.notification_settings": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "POST outreach.notification_settings": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "GET outreach.unsubscribe": dict(zip(ROLES, (404, 404, 404, 404, 404, 404), strict=True)),
    "POST outreach.unsubscribe": dict(zip(ROLES, (404, 404, 404, 404, 404, 404), strict=True)),
    "GET outreach.channels": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET outreach.category_channel": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "POST outreach.category_channel": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "GET outreach.ambassadors_channel": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "POST outreach.ambassadors_channel": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "GET ambassadors.candidates": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET ambassadors.candidates_csv": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET ambassadors.criteria": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET ambassadors.directory": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    # The world's person is a mentor, not an ambassador: nothing to end (tests/ambassadors ends one).
    "GET ambassadors.end": dict(zip(ROLES, ("login", 403, 403, 403, 404, 403), strict=True)),
    "GET ambassadors.evidence": dict(zip(ROLES, ("login", 200, 403, 403, 200, 200), strict=True)),
    "GET ambassadors.my_evidence": dict(zip(ROLES, ("login", 200, 404, 404, 404, 404), strict=True)),
    "GET ambassadors.nominate": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET ambassadors.nomination": dict(zip(ROLES, ("login", 200, 404, 200, 200, 200), strict=True)),
    "GET ambassadors.nominations": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET ambassadors.step_down": dict(zip(ROLES, ("login", 404, 404, 404, 404, 404), strict=True)),
    "GET api-docs.openapi_json": dict(zip(ROLES, (200, 200, 200, 200, 200, 200), strict=True)),
    "GET api_ambassadors.get_nomination": dict(zip(ROLES, (401, 200, 404, 200, 200, 200), strict=True)),
    "GET api_ambassadors.list_ambassadors": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_ambassadors.list_nominations": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_discussions.get_thread": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_discussions.list_categories": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_discussions.list_threads": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_discussions.list_removed_threads": dict(zip(ROLES, (401, 403, 403, 403, 200, 200), strict=True)),
    "GET api_me.export_me": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_me.get_me": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_mentoring.get_mentorship": dict(zip(ROLES, (401, 200, 200, 404, 200, 404), strict=True)),
    "GET api_mentoring.get_session": dict(zip(ROLES, (401, 200, 200, 404, 404, 404), strict=True)),
    "GET api_mentoring.list_mentorships": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_mentoring.list_sessions": dict(zip(ROLES, (401, 200, 200, 404, 403, 404), strict=True)),
    "GET api_mentoring.mentor_suggestions": dict(zip(ROLES, (401, 422, 422, 422, 422, 422), strict=True)),
    "GET api_mentoring.session_ics": dict(zip(ROLES, (401, 200, 200, 404, 404, 404), strict=True)),
    "GET api_network.get_analysis": dict(zip(ROLES, (401, 403, 403, 403, 200, 200), strict=True)),
    "GET api_network.get_job": dict(zip(ROLES, (401, 403, 403, 403, 404, 404), strict=True)),
    "GET api_network.graph_export": dict(zip(ROLES, (401, 403, 403, 403, 200, 200), strict=True)),
    "GET api_network.what_if": dict(zip(ROLES, (401, 403, 403, 403, 422, 422), strict=True)),
    "GET api_people.get_person": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_people.list_people": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_people.person_peers": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_tags.get_one_tag": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_tags.list_tags": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_tags.tag_contacts": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET discussions.categories": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.new_category": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.edit_category": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.category": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET discussions.edit_post": dict(zip(ROLES, ("login", 403, 403, 409, 409, 409), strict=True)),
    "GET discussions.edit_thread": dict(zip(ROLES, ("login", 200, 403, 403, 200, 200), strict=True)),
    # Once an earlier call has reported the shared post, the form page sends the reporter back to it.
    "GET discussions.flag_post": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "GET discussions.index": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET discussions.moderation": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.moderation_log": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.removed_threads": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.move_thread": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET discussions.new_thread": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET discussions.post_history": dict(zip(ROLES, ("login", 403, 403, 200, 200, 200), strict=True)),
    "GET discussions.search_page": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET discussions.tag": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET discussions.thread": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET expertise.create": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET expertise.edit": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET expertise.index": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET expertise.merge": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET expertise.show": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET main.healthz": dict(zip(ROLES, (200, 200, 200, 200, 200, 200), strict=True)),
    "GET main.home": dict(zip(ROLES, (200, 200, 200, 200, 200, 200), strict=True)),
    "GET main.livez": dict(zip(ROLES, (200, 200, 200, 200, 200, 200), strict=True)),
    "GET mentoring.calendar_feed": dict(zip(ROLES, (200, 200, 200, 200, 200, 200), strict=True)),
    "GET mentoring.calendar_settings": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    # Once an earlier call has cancelled or marked done the shared session, the form pages send
    # the participants to it (302): either answer is theirs.
    "GET mentoring.cancel": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "GET mentoring.complete": dict(zip(ROLES, ("login", 200, 200, 404, 200, 404), strict=True)),
    "GET mentoring.withdraw": dict(zip(ROLES, ("login", 200, 200, 404, 200, 404), strict=True)),
    "POST mentoring.withdraw": dict(zip(ROLES, ("login", 403, "ok", 404, 403, 404), strict=True)),
    "POST api_mentoring.withdraw_mentorship": dict(zip(ROLES, (401, 403, 409, 404, 403, 404), strict=True)),
    "GET mentoring.decline": dict(zip(ROLES, ("login", 200, 200, 404, 200, 404), strict=True)),
    "GET mentoring.edit_run": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET mentoring.index": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET mentoring.mentorship_detail": dict(zip(ROLES, ("login", 200, 200, 404, 200, 404), strict=True)),
    "GET mentoring.new_run": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET mentoring.request_mentor": dict(zip(ROLES, ("login", 403, 200, 403, 200, 403), strict=True)),
    "GET mentoring.reschedule": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "GET mentoring.run_detail": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET mentoring.runs": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    # Once one role's earlier call has completed the shared mentorship, the form page sends the
    # participants to it (302) instead: either answer is theirs, whichever role runs first.
    "GET mentoring.schedule": dict(zip(ROLES, ("login", "ok", "ok", 404, 403, 404), strict=True)),
    "GET mentoring.session_detail": dict(zip(ROLES, ("login", 200, 200, 404, 404, 404), strict=True)),
    "GET mentoring.session_ics": dict(zip(ROLES, ("login", 200, 200, 404, 404, 404), strict=True)),
    "GET mentoring.sessions": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET mentoring.suggestions": dict(zip(ROLES, ("login", 403, 200, 403, 200, 403), strict=True)),
    "GET network.dashboard": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.risks": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.roles": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.coverage": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.trend": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.explorer": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.explorer_data": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.explorer_what_if": dict(zip(ROLES, ("login", 403, 403, 403, 422, 422), strict=True)),
    "GET network.ego_picture": dict(zip(ROLES, ("login", 403, 403, 403, 403, 403), strict=True)),
    "GET network.findings_csv": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.person": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.picture": dict(zip(ROLES, ("login", 403, 403, 403, 403, 403), strict=True)),
    "GET network.reveal": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET network.what_if": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET notifications.index": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET privacy.admin_erase": dict(zip(ROLES, ("login", 403, 403, 403, 403, 200), strict=True)),
    "GET privacy.export": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET privacy.settings": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    # Questions: only their asker (the executive) and contact (the mentor) see one; the API's
    # bodies are validated first, so an empty body is 422 for everyone alike.
    "GET questions.index": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET questions.show": dict(zip(ROLES, ("login", 200, 200, 404, 404, 404), strict=True)),
    "POST questions.answer": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "POST questions.resolve": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "GET api_questions.list_questions": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_questions.get_question": dict(zip(ROLES, (401, 200, 200, 404, 404, 404), strict=True)),
    "POST api_questions.answer_question": dict(zip(ROLES, (401, 422, 422, 422, 422, 422), strict=True)),
    "POST api_questions.resolve_question": dict(zip(ROLES, (401, 422, 422, 422, 422, 422), strict=True)),
    "GET profiles.suggest_people": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET profiles.suggest_topics": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET profiles.contacts_page": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET profiles.directory": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET profiles.edit": dict(zip(ROLES, ("login", 200, 403, 403, 403, 200), strict=True)),
    "GET profiles.peer_finder": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET profiles.settings": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET profiles.show": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET static": dict(zip(ROLES, (200, 200, 200, 200, 200, 200), strict=True)),
    "GET admin.confirm_deactivate": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "GET api_pool.get_demand": dict(zip(ROLES, (401, 403, 403, 403, 200, 200), strict=True)),
    "GET api_pool.get_substitutes": dict(zip(ROLES, (401, 403, "ok", 404, "ok", 404), strict=True)),
    "GET api_pool.list_circles": dict(zip(ROLES, (401, 200, 200, 200, 200, 200), strict=True)),
    "GET api_pool.circle_proposals": dict(zip(ROLES, (401, 403, 403, 403, 200, 403), strict=True)),
    "GET api_pool.get_circle": dict(zip(ROLES, (401, 200, 404, 404, 200, 404), strict=True)),
    "GET pool.circles": dict(zip(ROLES, ("login", 200, 200, 200, 200, 200), strict=True)),
    "GET pool.circle_proposals": dict(zip(ROLES, ("login", 403, 403, 403, 200, 403), strict=True)),
    "GET pool.circle": dict(zip(ROLES, ("login", 200, 404, 404, 200, 404), strict=True)),
    "GET pool.circle_ics": dict(zip(ROLES, ("login", 200, 404, 404, 403, 404), strict=True)),
    "GET pool.demand": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET pool.pause_page": dict(zip(ROLES, ("login", 200, 403, 403, 403, 403), strict=True)),
    "GET pool.demand_csv": dict(zip(ROLES, ("login", 403, 403, 403, 200, 200), strict=True)),
    "GET pool.handover": dict(zip(ROLES, ("login", 403, 200, 404, 200, 404), strict=True)),
    "PATCH api_discussions.edit_post": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "PATCH api_discussions.edit_thread": dict(zip(ROLES, (401, "ok", 403, 403, "ok", "ok"), strict=True)),
    "PATCH api_me.patch_me": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "PATCH api_mentoring.patch_session": dict(zip(ROLES, (401, "ok", "ok", 404, 404, 404), strict=True)),
    "PATCH api_people.patch_person": dict(zip(ROLES, (401, "ok", 403, 403, 403, "ok"), strict=True)),
    "POST accounts.change_password": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.login": dict(zip(ROLES, ("ok", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.login_password": dict(zip(ROLES, ("ok", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.logout": dict(zip(ROLES, ("login", "login", "login", "login", "login", "login"), strict=True)),
    "POST accounts.register": dict(zip(ROLES, ("ok", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.complete_registration": dict(zip(ROLES, (404, 302, 302, 302, 302, 302), strict=True)),
    "POST accounts.forgot_password": dict(zip(ROLES, ("ok", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.reset_password": dict(zip(ROLES, (404, 302, 302, 302, 302, 302), strict=True)),
    "POST accounts.revoke_token": dict(zip(ROLES, ("login", "ok", 404, 404, 404, 404), strict=True)),
    "POST accounts.set_locale": dict(zip(ROLES, ("ok", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.tokens": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST accounts.revoke_all_tokens": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST admin.create_user": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST admin.import_people": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST admin.import_start": dict(zip(ROLES, ("login", 403, 403, 403, 403, 404), strict=True)),
    "POST admin.edit_user": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST admin.set_password": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST admin.toggle_active": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST ambassadors.criteria": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "POST ambassadors.decide": dict(zip(ROLES, ("login", 403, 404, 403, "ok", 403), strict=True)),
    "POST ambassadors.end": dict(zip(ROLES, ("login", 403, 403, 403, 404, 403), strict=True)),
    "POST ambassadors.nominate": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST ambassadors.step_down": dict(zip(ROLES, ("login", 404, 404, 404, 404, 404), strict=True)),
    "POST ambassadors.withdraw": dict(zip(ROLES, ("login", "ok", 404, "ok", 403, 403), strict=True)),
    "POST api_ambassadors.create_nomination": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_ambassadors.decide": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_ambassadors.withdraw": dict(zip(ROLES, (401, "ok", 404, "ok", 403, 403), strict=True)),
    "POST api_discussions.create_post": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_discussions.create_thread": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_discussions.restore_thread": dict(zip(ROLES, (401, 403, 403, 403, "ok", "ok"), strict=True)),
    "POST api_mentoring.accept_mentorship": dict(zip(ROLES, (401, "ok", 403, 404, 403, 404), strict=True)),
    "POST api_mentoring.complete_mentorship": dict(zip(ROLES, (401, "ok", "ok", 404, "ok", 404), strict=True)),
    "POST api_mentoring.create_feedback": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_mentoring.create_mentorship": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_mentoring.create_session": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_mentoring.decline_mentorship": dict(zip(ROLES, (401, "ok", 403, 404, 403, 404), strict=True)),
    "POST api_network.post_analysis": dict(zip(ROLES, (401, 403, 403, 403, "ok", "ok"), strict=True)),
    "POST api_tags.ask_question": dict(zip(ROLES, (401, "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST discussions.delete_post": dict(zip(ROLES, ("login", 403, 403, "ok", "ok", "ok"), strict=True)),
    "POST discussions.edit_post": dict(zip(ROLES, ("login", 403, 403, "ok", "ok", "ok"), strict=True)),
    "POST discussions.edit_thread": dict(zip(ROLES, ("login", "ok", 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.flag_post": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST discussions.follow": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST discussions.moderate_post": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.moderate_thread": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.new_category": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.edit_category": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.delete_category": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.move_thread": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST discussions.new_thread": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST discussions.reply": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST discussions.resolve_flag": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST expertise.add_synonym": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST expertise.create": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST expertise.edit": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST expertise.merge": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST expertise.remove_synonym": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST mentoring.accept": dict(zip(ROLES, ("login", "ok", 403, 404, 403, 404), strict=True)),
    "POST mentoring.calendar_settings": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST mentoring.cancel": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "POST mentoring.complete": dict(zip(ROLES, ("login", "ok", "ok", 404, "ok", 404), strict=True)),
    "POST mentoring.decline": dict(zip(ROLES, ("login", "ok", "ok", 404, "ok", 404), strict=True)),
    "POST mentoring.edit_run": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "POST mentoring.feedback": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "POST mentoring.mark_done": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "POST mentoring.new_run": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "POST mentoring.request_mentor": dict(zip(ROLES, ("login", 403, "ok", 403, "ok", 403), strict=True)),
    "POST mentoring.reschedule": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "POST mentoring.revoke_calendar": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST mentoring.save_notes": dict(zip(ROLES, ("login", "ok", "ok", 404, 404, 404), strict=True)),
    "POST mentoring.schedule": dict(zip(ROLES, ("login", "ok", "ok", 404, 403, 404), strict=True)),
    "POST network.recompute": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST network.reveal": dict(zip(ROLES, ("login", 403, 403, 403, "ok", "ok"), strict=True)),
    "POST network.settings": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST notifications.mark_all_read": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST notifications.open_one": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST notifications.mark_one_read": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST privacy.admin_erase": dict(zip(ROLES, ("login", 403, 403, 403, 403, "ok"), strict=True)),
    "POST privacy.erase_me": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST profiles.ask": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST profiles.edit": dict(zip(ROLES, ("login", "ok", 403, 403, 403, "ok"), strict=True)),
    "POST profiles.settings": dict(zip(ROLES, ("login", "ok", "ok", "ok", "ok", "ok"), strict=True)),
    "POST api_pool.post_handover": dict(zip(ROLES, (401, 422, "ok", 422, "ok", 422), strict=True)),  # empty body
    "POST api_pool.create_circle": dict(zip(ROLES, (401, 422, 422, 422, 422, 422), strict=True)),  # empty body
    "POST api_pool.accept_circle": dict(zip(ROLES, (401, 409, 404, 404, 404, 404), strict=True)),
    "POST api_pool.decline_circle": dict(zip(ROLES, (401, 409, 404, 404, 404, 404), strict=True)),
    "POST pool.circle_proposals": dict(zip(ROLES, ("login", 403, 403, 403, "ok", 403), strict=True)),
    "POST pool.circle_answer": dict(zip(ROLES, ("login", "ok", 404, 404, 404, 404), strict=True)),
    "POST pool.circle_post": dict(zip(ROLES, ("login", "ok", 404, 404, 403, 404), strict=True)),
    "POST pool.circle_rhythm": dict(zip(ROLES, ("login", "ok", 404, 404, "ok", 404), strict=True)),
    "POST pool.handover": dict(zip(ROLES, ("login", 403, "ok", 404, "ok", 404), strict=True)),
    "POST pool.pause": dict(zip(ROLES, ("login", "ok", 403, 403, 403, 403), strict=True)),
}
