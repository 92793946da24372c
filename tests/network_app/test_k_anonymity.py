"""Pseudonymised mode cannot be undone: joined with the directory, no export names anybody."""

from __future__ import annotations

import csv
import io
import random

import networkx as nx

from tests.network_app.test_privacy import pseudonymise

DEPARTMENTS = ("IT", "Sales", "Finance", "HR", "Legal", "Logistics", "Marketing", "Research")
LEVELS = ("learning", "practitioner", "expert")


def _directory(client, api_token, member) -> list[dict]:
    headers = {"Authorization": f"Bearer {api_token(member)}"}
    people, page = [], 1
    while True:
        body = client.get(f"/api/v1/people?per_page=100&page={page}", headers=headers).json
        people += body["items"]
        if page * body["per_page"] >= body["total"]:
            return people
        page += 1


def _matches(node: dict, person: dict) -> bool:
    """Does this directory entry fit every attribute the export still carries for the node?"""
    if "roles" in node and node["roles"] != ",".join(sorted(r for r in person["roles"])):
        return False
    if "department" in node and node["department"] != (person["department"] or ""):
        return False
    if "capacity" in node and node["capacity"] != (person.get("capacity") or 0):
        return False
    if "is_ambassador" in node and node["is_ambassador"] != person["is_ambassador"]:
        return False
    if "tags" in node:
        with_levels = ";".join(f"{t['slug']}:{t['level']}" for t in sorted(person["tags"], key=lambda t: t["slug"]))
        slugs = ";".join(sorted(t["slug"] for t in person["tags"]))
        if node["tags"] not in (with_levels, slugs):
            return False
    return True


def _world(create_user, mentorship, give_topic) -> tuple[list, list]:
    """36 mentors in 8 departments with topics and levels, 24 executives, one mentorship each."""
    chance = random.Random(13)
    mentors = [
        create_user(roles=("mentor",), department=DEPARTMENTS[n % len(DEPARTMENTS)], capacity=chance.choice((1, 2, 3, 4)),
                    is_ambassador=n % 7 == 0)
        for n in range(36)
    ]
    executives = [create_user(roles=("executive",), department=chance.choice(DEPARTMENTS)) for _ in range(24)]
    for n, mentor in enumerate(mentors):
        give_topic(mentor, "teams", LEVELS[n % 3])
        if n % 4 == 0:
            give_topic(mentor, "power-bi", LEVELS[(n // 4) % 3])
        mentorship(mentor, executives[n % len(executives)], sessions=1)
    return mentors, executives


def test_joining_the_pseudonymised_export_with_the_directory_names_nobody(
    app, client, login_as, create_user, mentorship, give_topic, analyst, compute, api_token, settle
):
    _world(create_user, mentorship, give_topic)
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)
    compute()
    login_as(analyst)
    graph = client.get("/api/v1/network/graph?format=json").json
    assert graph["graph"]["pseudonymised"] is True
    nodes = graph["nodes"]
    assert len(nodes) >= 60 and all(str(node["id"]).startswith("P-") for node in nodes)
    directory = _directory(client, api_token, create_user(roles=("staff",)))
    assert len(directory) >= 60
    unique = [node["id"] for node in nodes if sum(_matches(node, person) for person in directory) == 1]
    assert unique == []
    # Every attribute combination that is still exported is shared by at least five people.
    combos: dict[tuple, int] = {}
    for node in nodes:
        key = tuple((name, str(node.get(name))) for name in ("roles", "department", "capacity", "tags", "is_ambassador")
                    if name in node)
        combos[key] = combos.get(key, 0) + 1
    assert all(count >= 5 for key, count in combos.items() if key)
    # Attributes are generalised, not all thrown away: most people keep their roles.
    assert sum("roles" in node for node in nodes) >= len(nodes) // 2
    # GraphML carries the same generalised attributes.
    graphml = client.get("/api/v1/network/graph?format=graphml").get_data()
    parsed = nx.read_graphml(io.BytesIO(graphml))
    assert {n: d.get("department") for n, d in parsed.nodes(data=True)} == {
        node["id"]: node.get("department") for node in nodes
    }


def test_findings_and_dashboard_show_a_department_only_where_five_people_share_it(
    app, client, login_as, create_user, small_org, analyst, compute, settle
):
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)
    compute()
    login_as(analyst)
    rows = list(csv.DictReader(io.StringIO(client.get("/network/findings.csv").get_data(as_text=True))))
    people_rows = [row for row in rows if row["person"].startswith("P-")]
    assert people_rows
    # small_org has two IT mentors, two Logistics mentors, three Sales executives: all too few.
    assert all(row["department"] == "" for row in people_rows)


FIGURES = ("pagerank_band", "betweenness_band", "weighted_degree_band", "community", "network_roles")
QUASI = ("roles", "department", "capacity", "tags", "is_ambassador", *FIGURES)


def test_figures_in_the_pseudonymised_export_single_nobody_out(
    app, client, login_as, create_user, mentorship, give_topic, analyst, compute, api_token, settle
):
    """PageRank, betweenness, degree, community and network roles are as identifying as a
    department once joined with the graph: exact values never leave; bands and ids travel
    only inside a combination of attributes shared by at least five people."""
    _world(create_user, mentorship, give_topic)
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)
    compute()
    login_as(analyst)
    graph = client.get("/api/v1/network/graph?format=json").json
    nodes = graph["nodes"]
    assert not any(name in node for node in nodes for name in ("pagerank", "betweenness", "weighted_degree"))
    combos: dict[tuple, int] = {}
    for node in nodes:
        key = tuple((name, str(node.get(name))) for name in QUASI if name in node)
        combos[key] = combos.get(key, 0) + 1
    assert all(count >= 5 for key, count in combos.items() if key), combos
    # Still useful: figure bands travel for most people, and the ties are all there.
    assert sum(any(name in node for name in FIGURES) for node in nodes) >= len(nodes) // 2
    assert all(node.get("pagerank_band", 1) in (1, 2, 3) for node in nodes)
    assert len(graph["edges"]) >= 36
    # Joined with the directory, nobody is matched alone.
    directory = _directory(client, api_token, create_user(roles=("staff",)))
    assert [node["id"] for node in nodes if sum(_matches(node, person) for person in directory) == 1] == []
    # GraphML carries the same.
    parsed = nx.read_graphml(io.BytesIO(client.get("/api/v1/network/graph?format=graphml").get_data()))
    assert not any("pagerank" in data for _node, data in parsed.nodes(data=True))


def test_the_pseudonymised_person_page_shows_bands_not_figures(
    app, client, login_as, create_user, mentorship, give_topic, analyst, compute, settle
):
    mentors, _executives = _world(create_user, mentorship, give_topic)
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)
    compute()
    login_as(analyst)
    from community.extensions import db
    from community.network.models import PersonFigure
    from community.network.pseudonyms import pseudonyms_for

    def find():
        with app.app_context():
            figure = db.session.query(PersonFigure).filter_by(user_id=mentors[3].id).one()
            return pseudonyms_for([mentors[3].id])[mentors[3].id], figure.pagerank, figure.capacity

    pseudonym, pagerank, capacity = settle(find)
    page = client.get(f"/network/people/{pseudonym}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{pagerank:.4f}" not in html
    assert any(word in html for word in ("lower third", "middle third", "upper third"))
    assert capacity is not None and (">1–2<" in html or ">3–4<" in html)
