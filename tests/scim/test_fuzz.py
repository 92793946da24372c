"""Property-based tests of the SCIM endpoint: whatever an identity provider sends, the answer
is never a server error, and every refusal is a SCIM Error body with the status it carries."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import isolated

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

SCALAR = st.one_of(st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20), st.text(max_size=40),
                   st.sampled_from(["", "a@example.com", "x" * 300, "urn:ietf:params:scim:schemas:core:2.0:User:userName",
                                    'userName eq "a"', "\x00", "😀"]))
JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                    max_leaves=12)
KEYS = st.sampled_from(["schemas", "userName", "emails", "name", "displayName", "active", "externalId", "id",
                        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "Operations", "meta"])
USERISH = st.dictionaries(KEYS, JSON, max_size=6).map(lambda d: {"schemas": [USER], **d})
OPERATION = st.fixed_dictionaries({"op": st.sampled_from(["add", "replace", "remove", "explode", ""]),
                                   "path": st.one_of(st.none(), st.sampled_from(["userName", "emails", "active",
                                                     "name.givenName", 'emails[type eq "work"].value', "nonsense", "["])),
                                   "value": JSON})
PATCHES = st.lists(OPERATION, max_size=3).map(lambda ops: {"schemas": [PATCH], "Operations": ops})
FILTERS = st.one_of(st.text(max_size=40), st.sampled_from([
    'userName eq "a"', 'userName sw "a"', 'emails[type eq "work"].value co "@"', "active eq true", "not (",
    'name.givenName pr and userName ne "x"', "meta.created gt \"2026-01-01T00:00:00Z\"", "id eq \"1\"", "id eq \"99999999999999999\""]))


def check(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        body = response.get_json()
        assert body["schemas"] == [ERROR] and body["status"] == str(response.status_code)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.one_of(USERISH, JSON), patch=st.one_of(PATCHES, JSON), filter_text=FILTERS,
       start=st.sampled_from(["", "0", "-5", "2", "x", "99999999999999999999"]),
       count=st.sampled_from(["", "0", "-1", "1", "500", "many"]))
def test_nothing_an_identity_provider_sends_breaks_the_scim_endpoint(app, scim_token, body, patch, filter_text, start, count):
    from urllib.parse import urlencode

    client = app.test_client()
    headers = {"Authorization": f"Bearer {scim_token}"}

    def run():
        created = client.post("/scim/v2/Users", json=body, headers=headers)
        check(created)
        check(client.put("/scim/v2/Users/1", json=body, headers=headers))
        check(client.patch("/scim/v2/Users/1", json=patch, headers=headers))
        query = urlencode({"filter": filter_text, "startIndex": start, "count": count})
        check(client.get(f"/scim/v2/Users?{query}", headers=headers))
        check(client.post("/scim/v2/.search", json={"filter": filter_text, "count": count or None}, headers=headers))

    isolated(app, run)
