"""Pseudonymised mode cannot be undone: joined with the directory, no export names anybody."""

from __future__ import annotations

import csv
import html
import io
import random
import re

import networkx as nx

from tests.network_app.test_privacy import pseudonymise

DEPARTMENTS = ("IT", "Sales", "Finance", "HR", "Legal", "Logistics", "Marketing", "Research")
LEVELS = ("learning", "practitioner", "expert")


def pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst) -> None:
    """Pseudonymised mode switched on by an admin, a snapshot computed, the analyst signed in."""
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)
    compute()
    login_as(analyst)


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
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
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
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
    rows = list(csv.DictReader(io.StringIO(client.get("/network/findings.csv").data.decode("utf-8-sig"))))
    people_rows = [row for row in rows if row["Person"].startswith("P-")]
    assert people_rows
    # small_org has two IT mentors, two Logistics mentors, three Sales executives: all too few.
    assert all(row["Department"] == "" for row in people_rows)


FIGURES = ("pagerank_band", "betweenness_band", "weighted_degree_band", "community", "network_roles")
QUASI = ("roles", "department", "capacity", "tags", "is_ambassador", *FIGURES)


def test_figures_in_the_pseudonymised_export_single_nobody_out(
    app, client, login_as, create_user, mentorship, give_topic, analyst, compute, api_token, settle
):
    """PageRank, betweenness, degree, community and network roles are as identifying as a
    department once joined with the graph: exact values never leave; bands and ids travel
    only inside a combination of attributes shared by at least five people."""
    _world(create_user, mentorship, give_topic)
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
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
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
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


# --------------------------------------------------------------------------- findings beside pseudonyms

PERSON_LISTS = ("roles", "single_points_of_failure", "overloaded", "idle", "unmatched_executives",
                "ambassador_shortlist")
FINDING_PAGES = ("/network", "/network/risks", "/network/roles", "/network/coverage")


def _what_members_read(settle, small_org) -> dict[str, dict]:
    """pseudonym -> the person's department and the exact figures any member reads on their
    profile (capacity, mentees, current mentees, sessions held or attended, mentors, free places)."""
    people = [small_org[name] for name in ("mia", "max", "mo", "ida", "lonely")] + small_org["sales"] + small_org["finance"]

    def read():
        from community.accounts.models import User
        from community.extensions import db
        from community.network.pseudonyms import pseudonyms_for
        from community.profiles.queries import mentoring_figures

        names = pseudonyms_for([person.id for person in people])
        found = {}
        for person in people:
            user = db.session.get(User, person.id)
            figures = mentoring_figures(person.id)
            capacity = user.capacity or 0
            numbers = {capacity, figures.mentees, figures.current_mentees, figures.sessions_held, figures.mentors,
                       figures.sessions_attended, max(capacity - figures.open_mentorships, 0)}
            found[names[person.id]] = {"department": user.department, "numbers": {n for n in numbers if n > 0}}
        return found

    return settle(read)


def _exact_figures(numbers: set[int], text: str) -> set[int]:
    """The numbers that stand alone in the text (a band such as "1–2" or a "0.85" is no match)."""
    return {n for n in numbers if re.search(rf"(?<![\w–.,]){n}(?![\w–.,])", text)}


# A single point of failure counts the executives it lists by pseudonym anyway (and the people a
# departure would cut off): what the list shows, not a figure about the mentor's profile.
SPOF_COUNTS = r"lose their only mentor link: [^.]*\.|\d+ (?:person|people) would be cut off from the network\."
# An ambassador candidate's score and its parts run from 0 to 1: no count on a profile.
SCORE = r"Score [^()]*\(geometric mean\)\."


def _items(page: str, about: str | None = None) -> list[tuple[str, str]]:
    """(pseudonym, visible text) of each list item, table row or option that starts with a
    pseudonym: the person the line is about (on a person page: every line, about that person).
    Score bars (0..1) and group numbers are not about a profile."""
    found = []
    for chunk in re.split(r'(?=<li class="(?:list-group-item|mb-2|col role-card)[ "]|<tr>|<option )', page)[1:]:
        chunk = re.split(r"</section>|</tbody>|</select>|<h3", chunk)[0]  # a roles group's heading counts people, no one's
        chunk = re.sub(r'<span class="score-bar".*?</span></span><span class="small">[^<]*</span>', " ", chunk)
        text = " ".join(re.sub(r"<[^>]+>", " ", chunk).split())
        text = re.sub(r"Group:? \d+", " ", text)
        text = re.sub(SCORE, " ", re.sub(SPOF_COUNTS, " ", text))
        first = re.match(r"P-[0-9A-F]{10}", text)
        if about or first:
            found.append((about or first.group(), text))
    return found


def test_pseudonymised_findings_never_show_a_stored_department_beside_a_pseudonym(
    app, client, login_as, create_user, analyst, small_org, compute, settle
):
    """Una is the only unmatched executive and one of three in Finance: k-anonymity withholds her
    department, so no list may show it from what the snapshot stored."""
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
    members_read = _what_members_read(settle, small_org)
    analysis = client.get("/api/v1/network/analysis").json
    assert analysis["unmatched_executives"]
    for name in PERSON_LISTS:
        for entry in analysis[name]:
            if entry["person"]["department"] is None:
                assert entry.get("department") is None, (name, entry)
    lines = 0
    for url in FINDING_PAGES:
        for pseudonym, text in _items(client.get(url).get_data(as_text=True)):
            lines += 1
            assert members_read[pseudonym]["department"] not in text, (url, text)
    assert lines >= 8
    coverage = client.get("/network/coverage").get_data(as_text=True)
    unmatched = coverage[coverage.index('id="unmatched-heading"'):]
    assert "Finance" not in unmatched


def test_pseudonymised_findings_show_no_exact_figure_a_member_reads_on_a_profile(
    app, client, login_as, create_user, analyst, small_org, compute, settle
):
    """Mia's profile says "3 current mentees" and "0 of 2 places free": a line "P-… load 3 for a
    capacity of 2" would name her without the audited reveal. Lists show bands (1–2, 3–4) instead."""
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
    members_read = _what_members_read(settle, small_org)
    analysis = client.get("/api/v1/network/analysis").json
    assert analysis["ambassador_shortlist"]
    for name in ("roles", "ambassador_shortlist"):  # small_org has no network roles: see the next test
        assert all(entry["figures"] == {} for entry in analysis[name]), name
    (mia,) = analysis["overloaded"]
    assert (mia["load_band"], mia["capacity_band"]) == ("3–4", "1–2")
    assert analysis["idle"]
    for name in ("overloaded", "idle", "unmatched_executives"):
        for entry in analysis[name]:
            assert not {"load", "capacity", "days_since_last_seen", "past_mentorships"} & set(entry), (name, entry)
    for name in PERSON_LISTS:
        if name == "ambassador_shortlist":
            continue  # its reason is the score and its parts (0..1), not a count
        for entry in analysis[name]:
            numbers = members_read[entry["person"]["name"]]["numbers"]
            reason = re.sub(SPOF_COUNTS, " ", entry["reason"] + " " + entry.get("explanation", ""))
            assert _exact_figures(numbers, reason) == set(), entry
    # Each list on each page, the person pages of everyone listed and the what-if chooser.
    pages = [client.get(url).get_data(as_text=True) for url in FINDING_PAGES]
    listed = {pseudonym for page in pages for pseudonym, _text in _items(page)}
    assert len(listed) >= 5  # the four mentors and Una
    pages.append(client.get("/network/what-if").get_data(as_text=True))
    lines = [line for page in pages for line in _items(page)]
    for pseudonym in sorted(listed):
        lines += _items(client.get(f"/network/people/{pseudonym}").get_data(as_text=True), about=pseudonym)
    assert len(lines) >= 20
    for pseudonym, text in lines:
        assert _exact_figures(members_read[pseudonym]["numbers"], text) == set(), text
    # The findings CSV: every reason about a person.
    rows = csv.DictReader(io.StringIO(client.get("/network/findings.csv").data.decode("utf-8-sig")))
    for row in rows:
        if row["Person"].startswith("P-") and row["Finding"] != "Ambassador candidate":
            details = re.sub(SPOF_COUNTS, " ", row["Details"])
            assert _exact_figures(members_read[row["Person"]]["numbers"], details) == set(), row


def test_pseudonymised_load_picture_names_no_mentor(
    app, client, login_as, create_user, analyst, small_org, compute, settle
):
    """The bars of load against capacity keep the spread of load, not who carries it."""
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
    risks = client.get("/network/risks").get_data(as_text=True)
    (load,) = [html.unescape(src) for src in re.findall(r'<img src="(/network/[^"]+)"', risks) if "/load.svg" in src]
    picture = client.get(load).get_data(as_text=True)
    assert picture.startswith("<svg") or "<svg" in picture
    assert re.findall(r"P-[0-9A-F]{10}", picture) == []


def test_pseudonymised_network_roles_show_bands_not_figures(
    app, client, login_as, create_user, mentorship, give_topic, analyst, compute, settle
):
    """A role's figures (ties, betweenness, departments reached) are as good as a name once joined
    with the ties: the roles list explains each role in words and shows the person page's bands."""
    _mentors, executives = _world(create_user, mentorship, give_topic)
    hub = create_user(roles=("mentor",), department="IT", capacity=6)
    for executive in executives[:6]:  # six mentees: a central connector across departments
        mentorship(hub, executive, sessions=1)
    pseudonymised_dashboard(app, create_user, settle, compute, login_as, analyst)
    roles = client.get("/api/v1/network/analysis").json["roles"]
    assert roles
    for role in roles:
        assert role["figures"] == {}
        assert role["explanation"] and not re.search(r"\d", role["explanation"]), role
    page = client.get("/network/roles").get_data(as_text=True)
    section = page[page.index('id="roles-heading"'):page.index('id="shortlist-heading"')]
    lines = _items(section)
    assert len(lines) == len(roles)
    for _pseudonym, text in lines:
        assert any(band in text for band in ("lower third", "middle third", "upper third", "like most people")), text
        assert not re.search(r"\d", re.sub(r"P-[0-9A-F]{10}|Capacity: (?:0|1–2|3–4|5\+)", "", text)), text
