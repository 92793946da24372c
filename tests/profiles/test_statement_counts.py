"""The busiest pages send the same number of SQL statements for 5 people as for 30."""

from __future__ import annotations

import pytest

TOPICS = ["microsoft-teams", "sharepoint", "linkedin", "agile-methods"]
LEVELS = ["interested", "practitioner", "expert"]
PAGES = [
    "/people", "/people?q=person", "/people?tag=microsoft-teams", "/people?q=teams&role=mentor&language=de",
    "/tags", "/tags/microsoft-teams", "/tags/microsoft-teams/contacts",
    "/api/v1/people?q=person", "/api/v1/tags/microsoft-teams/contacts", "/api/v1/tags?q=teams",
]


@pytest.fixture
def app_config() -> dict:
    """Caches that do not expire mid-measurement on a slow machine: warm means warm."""
    return {"IDENTITY_CACHE_SECONDS": 600, "CACHE_FRAGMENT_SECONDS": 600, "FRAGMENT_LOCAL_SECONDS": 600}


@pytest.fixture
def organisation(create_user, give_tags, mentoring, taxonomy):
    made = []

    def grow(to: int):
        while len(made) < to:
            i = len(made)
            roles = ["mentor"] if i % 3 == 0 else ["staff"]
            person = create_user(roles=roles, name=f"Person {i:02d}", department=f"Dept {i % 4}", languages=["de"],
                                 capacity=2 if "mentor" in roles else 0, availability="Mondays" if i % 2 else None)
            give_tags(person, {TOPICS[(i + k) % len(TOPICS)]: LEVELS[(i + k) % 3] for k in range(2)})
            if "mentor" in roles:
                executive = create_user(roles=["executive"], name=f"Executive {i:02d}", directory_visible=False)
                pair = mentoring.mentorship(person, executive, status="active")
                mentoring.session(pair, person, days_ago=10, tags=["microsoft-teams"])
            made.append(person)

    return grow


def test_statement_counts_do_not_grow_with_people(client, create_user, login_as, api_token, organisation, count_statements):
    viewer = create_user(roles=["admin"], name="Viewer")
    token = api_token(viewer)
    login_as(viewer)

    def measure():
        from community.extensions import cache

        with client.application.app_context():
            cache.clear()  # each size from cold caches (remembered identity, unread counter)
        counts = {}
        for url in PAGES:
            headers = {"Authorization": f"Bearer {token}"} if url.startswith("/api/") else {}
            responses: list = []
            counts[url] = count_statements(
                lambda url=url, headers=headers, out=responses: out.append(client.get(url, headers=headers))
            )
            assert responses[0].status_code == 200, url
        return counts

    # The token's "last used" is written at most once a minute: let that happen before counting.
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    organisation(5)
    small = measure()
    organisation(30)
    big = measure()
    assert big == small
    assert max(small.values()) <= 20, small
