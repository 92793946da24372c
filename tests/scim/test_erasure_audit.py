"""An HR system's names for a person (userName, often the address; externalId, often the
personnel number) leave the audit trail with the person when the account is erased."""

from __future__ import annotations

from tests.scim.test_provisioning import PATCH, new_user


def test_the_audit_trail_forgets_the_scim_user_name_and_external_id_on_erasure(app, client, scim, login_as, create_user, db):
    user_id = int(scim("POST", "/Users", new_user("jane.doe@corp.example", externalId="hr-4711")).get_json()["id"])
    scim("PATCH", f"/Users/{user_id}", {"schemas": [PATCH], "Operations": [
        {"op": "replace", "path": "displayName", "value": "Jane D."}]})
    admin = create_user(roles=("admin",))
    login_as(admin)
    before = client.get("/admin/audit").get_data(as_text=True)
    assert "jane.doe@corp.example" in before and "hr-4711" in before  # kept while the person is there

    assert scim("DELETE", f"/Users/{user_id}").status_code == 204
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "jane.doe@corp.example" not in page and "hr-4711" not in page
    assert "Former member" in page  # the events stay, about an anonymous former member
    from community.audit.models import AuditEvent

    db.session.expire_all()
    details = [event.data for event in db.session.query(AuditEvent).filter_by(subject_type="user", subject_id=user_id)]
    assert any(data and data.get("changed") for data in details)  # what changed is still told
    assert not any(data and ({"userName", "externalId"} & data.keys()) for data in details)
