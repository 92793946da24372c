"""The dashboard for change managers: findings, pictures, what-if, person pages, audit, access."""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from sqlalchemy import event, func, select

from tests.conftest import login, text_of


def pictures_of(response) -> list[str]:
    return [html.unescape(src) for src in re.findall(r'(?:<img src|srcset)="(/network/[^"]+)"', response.get_data(as_text=True))]


def test_dashboard_without_a_snapshot_explains_how_to_compute_one(client, login_as, analyst):
    login_as(analyst)
    page = text_of(client.get("/network"))
    assert "No analysis yet" in page
    assert "flask --app wsgi network analyze" in page
    assert "Recompute now" in page


def test_change_manager_recomputes_and_sees_each_finding_with_links(client, login_as, analyst, small_org):
    login_as(analyst)
    response = client.post_form("/network/analyse")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    body, text = page.get_data(as_text=True), text_of(page)
    assert "A new snapshot was computed" in text
    mia = small_org["mia"]
    assert f'href="/people/{mia.id}"' in body and f'href="/network/people/{mia.id}"' in body
    assert "Single points of failure" in text and "Sales" in text
    assert "Load 3 for a capacity of 2" in text  # overloaded, with its reason
    assert "Power Bi" in text and "Asked for once" in text  # uncovered topic
    # The overview is a briefing: health cards, then the top of each list; the tabs hold the rest.
    assert "Pool health at a glance" in text and "First snapshot" in text
    for tab in ("/network/risks", "/network/roles", "/network/coverage", "/network/what-if", "/network/trend"):
        assert f'href="{tab}"' in body, tab
    assert "Ida Idle" in text_of(client.get("/network/risks"))
    coverage = text_of(client.get("/network/coverage"))
    assert "Una Unmatched" in coverage
    # Two different questions, each page saying which it answers and where the other is.
    assert "knowledge that rests on one or two people" in coverage and "Topic demand and supply" in coverage
    assert "count something else" in text_of(client.get("/network/demand"))
    roles = text_of(client.get("/network/roles"))
    assert "Ambassador shortlist" in roles and "Outcomes" in roles
    what_if = text_of(client.get("/network/what-if"))
    assert "What if mentors leave?" in what_if and "Mia Mentor (load 3 of 2)" in what_if


def test_every_dashboard_view_is_audited_and_admins_see_it(client, login_as, analyst, small_org, compute,
                                                          create_user, db):
    from community.audit.models import AuditEvent
    from community.database import utcnow
    from community.network.models import AnalysisSnapshot

    compute()
    login_as(analyst)
    before = utcnow()
    client.get("/network")
    client.get("/network")
    after = utcnow()
    views = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "network.viewed")).all()
    assert [(v.actor_id, v.note) for v in views] == [(analyst.id, "dashboard")] * 2
    # The whole row is stored (a read's events are inserted after its answer is ready).
    latest = db.session.scalar(select(func.max(AnalysisSnapshot.id)))
    assert {(v.subject_type, v.subject_id, v.ip, v.data) for v in views} == {("analysis_snapshot", latest, "127.0.0.1", None)}
    assert all(before <= v.created_at.replace(tzinfo=before.tzinfo) <= after for v in views)
    admin_browser = client.application.test_client()
    login(admin_browser, create_user(roles=("admin",)))
    audit_page = text_of(admin_browser.get("/admin/audit?action=network."))
    assert "Network analysis viewed" in audit_page and "Carla Change" in audit_page and "network.viewed" not in audit_page


def test_pictures_are_svg_images_tied_to_an_audited_view(client, login_as, analyst, small_org, compute):
    compute()
    login_as(analyst)
    dashboard = client.get("/network")
    pictures = pictures_of(dashboard)  # the overview draws the network; each tab its own chart
    for tab in ("/network/risks", "/network/coverage", "/network/trend"):
        page = client.get(tab)
        pictures += pictures_of(page)
        assert "style=" not in page.get_data(as_text=True) and "<script>" not in page.get_data(as_text=True)
    assert {re.search(r"/(\w+)\.svg", p).group(1) for p in pictures} == {"network", "load", "load_narrow", "coverage",
                                                                       "coverage_narrow", "trend", "trend_narrow"}
    for src in pictures:
        response = client.get(src)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert "<script" not in response.get_data(as_text=True)
    network = client.get(pictures[0]).get_data(as_text=True)
    assert "Mia Mentor" in network
    assert client.get("/network/pictures/network.svg").status_code == 403
    assert client.get("/network/pictures/network.svg?view=forged").status_code == 403
    assert client.get(pictures[0].replace("network.svg", "nothing.svg")).status_code == 404
    assert "style=" not in dashboard.get_data(as_text=True) and "<script>" not in dashboard.get_data(as_text=True)


def test_picture_token_of_another_person_is_refused(app, client, login_as, analyst, small_org, compute, create_user):
    compute()
    login_as(analyst)
    src = pictures_of(client.get("/network"))[0]
    other = app.test_client()
    login(other, create_user(roles=("admin",)))
    assert other.get(src).status_code == 403


def test_person_page_shows_figures_findings_and_ego_drawing(client, login_as, analyst, small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    login_as(analyst)
    mia = small_org["mia"]
    response = client.get(f"/network/people/{mia.id}")
    text = text_of(response)
    assert "Mia Mentor" in text and "Single point of failure" in text and "Overloaded mentor" in text
    assert "3 / 2" in text  # load / capacity
    (ego,) = pictures_of(response)
    drawing = client.get(ego)
    assert drawing.mimetype == "image/svg+xml" and "Sales Exec 0" in drawing.get_data(as_text=True)
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.note == "person"))
    assert (viewed.subject_type, viewed.subject_id) == ("user", mia.id)
    assert client.get("/network/people/999999").status_code == 404
    assert client.get("/network/people/nonsense").status_code == 404


def test_what_if_page_shows_lost_coverage_and_is_audited(client, login_as, analyst, small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    login_as(analyst)
    response = client.get(f"/network/what-if?remove={small_org['mia'].id}&others=")
    text = text_of(response)
    assert "If Mia Mentor left" in text
    assert "Sales Exec 0" in text and "Sales Exec 2" in text
    assert "Unmatched executives 1 4 +3" in text
    # Two department measures side by side, each saying what it counts.
    assert "Departments whose executives lose every mentor" in text and "counts something else" in text
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "network.what_if"))
    assert event_.data == {"remove": [small_org["mia"].id]}


@pytest.mark.parametrize("query", ["others=", "remove=999999&others=", "others=hello"])
def test_what_if_page_shows_field_errors_for_bad_choices(client, login_as, analyst, small_org, compute, query):
    compute()
    login_as(analyst)
    response = client.get(f"/network/what-if?{query}")
    assert response.status_code == 200
    assert 'class="errors"' in response.get_data(as_text=True)
    assert "If " not in text_of(response).split("Choose mentors")[0].split("What if mentors leave?")[-1]


def test_what_if_page_names_each_bad_entry_under_the_field_it_was_typed_in(client, login_as, analyst, small_org,
                                                                           compute):
    """The text field's entries were refused under the checkbox list, and the summary named
    only the first of them."""
    compute()
    login_as(analyst)
    page = client.get("/network/what-if?remove=999998&others=abc,99999").get_data(as_text=True)
    ticked = page.split('id="remove-errors"')[1].split("</ul>")[0]
    typed = page.split('id="others-errors"')[1].split("</ul>")[0]
    assert "999998 is not a mentor" in ticked and "abc" not in ticked
    assert "abc is not a mentor" in typed and "99999 is not a mentor" in typed and "999998" not in typed
    assert 'value="abc,99999"' in page  # what was typed stays
    summary = page.split('class="error-summary"')[1].split("</div>")[0]
    assert "abc is not a mentor" in summary and "99999 is not a mentor" in summary  # every entry, not the first


def test_findings_csv_lists_people_findings_with_their_reasons(client, login_as, analyst, small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    login_as(analyst)
    response = client.get("/network/findings.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    findings = {(row["Finding"], row["Person"]) for row in rows}
    assert ("Overloaded mentor", "Mia Mentor") in findings
    assert ("Single point of failure", "Mia Mentor") in findings
    assert ("Idle mentor", "Ida Idle") in findings
    assert ("Unmatched executive", "Una Unmatched") in findings
    assert any(row["Finding"] == "Uncovered topic" and "Asked for once" in row["Details"] for row in rows)
    overloaded = next(row for row in rows if row["Finding"] == "Overloaded mentor")
    assert overloaded["Details"] == "Load 3 for a capacity of 2"
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "network.exported"))["format"] == "csv"


def test_csv_cells_that_look_like_formulas_are_defused(client, login_as, analyst, create_user, mentorship, compute):
    mentor = create_user(roles=("mentor",), name="=HYPERLINK(evil)", department="IT", capacity=0)
    mentorship(mentor, create_user(roles=("executive",), department="Sales"))
    compute()
    login_as(analyst)
    body = client.get("/network/findings.csv").get_data(as_text=True)
    assert "'=HYPERLINK(evil)" in body and ",=HYPERLINK" not in body


def test_names_are_escaped_on_the_dashboard_and_in_pictures(client, login_as, analyst, create_user, mentorship,
                                                            compute):
    mentor = create_user(roles=("mentor",), name="<script>alert(1)</script>", department="IT", capacity=0)
    mentorship(mentor, create_user(roles=("executive",), department="Sales"))
    compute()
    login_as(analyst)
    dashboard = client.get("/network")
    assert "<script>alert(1)</script>" not in dashboard.get_data(as_text=True)
    assert "&lt;script&gt;" in dashboard.get_data(as_text=True)
    for src in pictures_of(dashboard):
        assert "<script>" not in client.get(src).get_data(as_text=True)


def test_recompute_needs_the_form_token(client, login_as, analyst, db):
    from community.network.models import AnalysisSnapshot

    login_as(analyst)
    assert client.post("/network/analyse").status_code == 400
    assert db.session.scalar(select(AnalysisSnapshot.id)) is None


PAGES = [
    ("get", "/network"),
    ("get", "/network/what-if?remove=1"),
    ("get", "/network/people/1"),
    ("get", "/network/people/1/ego.svg"),
    ("get", "/network/pictures/network.svg"),
    ("get", "/network/findings.csv"),
    ("get", "/network/reveal"),
    ("post", "/network/reveal"),
    ("post", "/network/analyse"),
    ("post", "/network/settings"),
]


@pytest.mark.parametrize("role", ["mentor", "executive", "staff"])
def test_only_change_managers_and_admins_open_any_analysis_page(client, login_as, create_user, compute, role):
    compute()
    login_as(create_user(roles=(role,)))
    for method, url in PAGES:
        response = client.get(url) if method == "get" else client.post_form(url, {"pseudonym": "P-0", "reason": "x" * 20})
        assert response.status_code == 403, (url, response.status_code)


def test_anonymous_visitors_are_sent_to_the_login(client):
    for method, url in PAGES:
        response = client.get(url) if method == "get" else client.post_form(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_admin_sees_the_dashboard_too(client, login_as, create_user, small_org, compute):
    compute()
    login_as(create_user(roles=("admin",)))
    assert client.get("/network").status_code == 200


def test_dashboard_sql_statements_do_not_grow_with_people(app, client, login_as, analyst, create_user, mentorship,
                                                         give_topic, compute, db):
    def organisation(size: int, start: int) -> None:
        mentors = [create_user(roles=("mentor",), department=f"D{n % 3}", capacity=1) for n in range(size)]
        executives = [create_user(roles=("executive",), department=f"E{n % 4}") for n in range(size * 2)]
        for n, executive in enumerate(executives):
            mentorship(mentors[n % size], executive, goals=(f"topic-{start + n % 3}",), sessions=1)
        for n, mentor in enumerate(mentors):
            give_topic(mentor, f"topic-{start + n % 3}", "expert")

    def statements() -> int:
        counted = []

        def count(*args):
            counted.append(1)

        from community.extensions import cache

        with app.app_context():
            cache.clear()  # both measured with cold caches (remembered identity, unread counter)
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/network").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(counted)

    login_as(analyst)
    organisation(2, 0)
    compute()
    small = statements()
    organisation(12, 10)
    compute()
    big = statements()
    assert big == small, (small, big)


def test_home_page_shows_pool_health_to_change_managers_only(app, client, login_as, analyst, small_org, compute):
    login_as(analyst)
    assert "No network analysis yet." in text_of(client.get("/"))
    compute()
    home = text_of(client.get("/"))
    assert "Mentor pool health" in home and "Overloaded mentors 1" in home
    mentor_browser = app.test_client()
    login(mentor_browser, small_org["mia"])
    assert "Mentor pool health" not in text_of(mentor_browser.get("/"))


def test_pictures_speak_the_viewers_language(client, login_as, create_user, small_org, compute):
    compute()
    german_analyst = create_user(roles=("change_manager",), name="Gerda Wandel", locale="de")
    login_as(german_analyst)
    pictures = pictures_of(client.get("/network"))
    network = client.get(next(p for p in pictures if "network.svg" in p)).get_data(as_text=True)
    assert "Verbindungen" in network or "Verbindung<" in network
    assert ">Executive<" not in network and " ties" not in network


@pytest.fixture
def two_teachers(create_user, mentorship, give_topic):
    """"okrs" is wanted and taught by Olga and Otto (covered: two are needed); "miro" is wanted
    and taught by Mira alone (uncovered already)."""
    olga = create_user(roles=("mentor",), name="Olga Okr", department="IT")
    otto = create_user(roles=("mentor",), name="Otto Okr", department="Logistics")
    mira = create_user(roles=("mentor",), name="Mira Miro", department="IT")
    executive = create_user(roles=("executive",), name="Erik Exec", department="Sales")
    mentorship(olga, executive, goals=("okrs", "miro"))
    give_topic(olga, "okrs", "expert")
    give_topic(otto, "okrs", "practitioner")
    give_topic(mira, "miro", "expert")
    return {"olga": olga, "otto": otto, "mira": mira}


def _uncovered_figure(text: str) -> str:
    return re.search(r"(?:Uncovered topics|Nicht abgedeckte Themen) (\d+ \d+ (?:[+−]\d+|0))", text).group(1)


def _what_if_topics(body: str, list_id: str) -> str:
    found = re.search(rf'id="{list_id}">(.*?)</(?:ul|p)>', body, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


@pytest.mark.parametrize("locale", ["en", "de"])
def test_what_if_lists_each_topic_the_uncovered_figure_gains(client, login_as, analyst, two_teachers, compute, locale):
    """Olga leaving leaves "okrs" one teacher of the two needed: the figure says +1 and the list
    names "Okrs" (it said "None.": the list only knew topics left without any mentor)."""
    compute()
    login_as(analyst)
    if locale == "de":
        client.post_form("/locale", {"locale": "de", "next": "/network"})
    response = client.get(f"/network/what-if?remove={two_teachers['olga'].id}&others=")
    body, text = response.get_data(as_text=True), text_of(response)
    assert _uncovered_figure(text) == "1 2 +1"
    listed = _what_if_topics(body, "topics-uncovered")  # "Okrs 1 mentor left who can teach it"
    assert listed.startswith("Okrs ") and re.search(r"\b1\b", listed)
    assert "Miro" not in _what_if_topics(body, "topics-uncovered")
    assert _what_if_topics(body, "topics-without-mentor") == ""
    if locale == "de":  # one person: "ginge", not "ginge(n)"
        assert f"Wenn {two_teachers['olga'].name} ginge" in text and "ginge(n)" not in text


def test_what_if_says_when_an_uncovered_topic_loses_its_last_mentor(client, login_as, analyst, two_teachers, compute):
    """Mira leaving takes "miro"'s only teacher: uncovered before and after (the figure stays), so
    it is not listed as becoming uncovered (it was, next to "0"), but named as left without any mentor."""
    compute()
    login_as(analyst)
    response = client.get(f"/network/what-if?remove={two_teachers['mira'].id}&others=")
    body, text = response.get_data(as_text=True), text_of(response)
    assert _uncovered_figure(text) == "1 1 0"
    assert _what_if_topics(body, "topics-uncovered") == ""
    assert "Topics becoming uncovered None." in text
    assert _what_if_topics(body, "topics-without-mentor").endswith(": Miro")
    assert "fewer than 2 mentors can teach it" in text


def test_what_if_api_names_the_topics_the_uncovered_figure_gains(client, api_token, analyst, two_teachers, compute):
    compute()
    token = api_token(analyst)
    both = f"remove={two_teachers['olga'].id}&remove={two_teachers['mira'].id}"
    data = client.get(f"/api/v1/network/what-if?{both}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert data["health"]["uncovered_topics"]["change"] == len(data["topics_becoming_uncovered"]) == 1
    assert data["topics_becoming_uncovered"] == ["okrs"]
    assert data["topics_losing_coverage"] == ["miro"]


def test_single_points_of_failure_on_a_phone_are_cards_without_empty_headings(client, login_as, analyst, small_org,
                                                                               compute):
    """At 390 px the table scrolled sideways, its "Topics cut off" and "Why" columns off-screen and
    rows tall and mostly blank. Each row is now a card on a phone (headings beside their values),
    and a cell with nothing in it carries no heading."""
    compute()
    login_as(analyst)
    body = client.get("/network/risks").get_data(as_text=True)
    table = re.search(r'<table class="table[^"]*table-stack[^"]*">.*?</table>', body, re.S).group(0)
    rows = re.findall(r"<tr><th scope=\"row\".*?</tr>", table, re.S)
    assert rows
    for row in rows:
        assert 'data-label="Why"' in row
        for cell in re.findall(r"<td data-label=\"[^\"]+\">(.*?)</td>", row, re.S):
            assert cell.strip(), row  # a heading over nothing


def test_roles_coverage_and_a_persons_history_are_cards_on_a_phone(client, login_as, analyst, small_org, compute):
    """At 390 px the shortlist, the communities, the uncovered topics and a person's figures over
    time were cut off at the screen's edge (reasons squeezed to a word a line); on a phone each
    row is now a card, its name or date as the title and each figure beside its heading."""
    from tests.stacked import tables_in, unlabelled

    compute()
    compute()  # a second snapshot: the person page shows the figures over time
    login_as(analyst)
    roles = tables_in(client.get("/network/roles").get_data(as_text=True))
    shortlist = next(t for t in roles if "Outcomes" in t.headings)
    communities = next(t for t in roles if "Main departments" in t.headings)
    coverage = next(t for t in tables_in(client.get("/network/coverage").get_data(as_text=True)) if "Why" in t.headings)
    mia = small_org["mia"]
    history = next(t for t in tables_in(client.get(f"/network/people/{mia.id}").get_data(as_text=True))
                   if "Departments reached" in t.headings)
    for table in (shortlist, communities, coverage, history):
        assert table.rows and unlabelled(table) == [], table.headings
    assert {"label-figure"} <= shortlist.classes & communities.classes & history.classes
    assert "labels-above" in coverage.classes  # "Mentors who can teach it" is too long to stand beside its names
    assert [c.label for c in shortlist.rows[0][1:]] == ["Score", "Outcomes", "Community", "Reach"]
    assert len(history.rows) == 2 and all(row[0].is_title for row in history.rows)


def test_roles_are_grouped_by_kind_each_under_a_heading_that_counts_its_people(client, login_as, analyst, small_org,
                                                                             compute, create_user, mentorship):
    """The roles tab listed every role as a line of its own, the kind repeated as a badge on each;
    it now gives each kind a heading with its count ("2 central connectors", in the analysis'
    order of kinds) and the people of that kind as cards under it."""
    hub = create_user(roles=("mentor",), department="IT", capacity=8)
    for n in range(6):  # six mentees in three departments: a central connector and a boundary spanner
        mentorship(hub, create_user(roles=("executive",), department=("Sales", "Finance", "Legal")[n % 3]), sessions=1)
    compute()
    login_as(analyst)
    roles = client.get("/api/v1/network/analysis").json["roles"]
    assert roles
    body = client.get("/network/roles").get_data(as_text=True)
    section = body[body.index('id="roles-heading"'):body.index('id="shortlist-heading"')]
    groups = re.findall(r'<h3 class="h6 mt-3">([^<]*)</h3>(.*?)(?=<h3|$)', section, re.S)
    order = ["central connector", "broker", "boundary spanner", "peripheral specialist"]
    kinds = [next(kind for kind in order if kind in heading) for heading, _cards in groups]
    assert groups and section.count('<li class="col role-card">') == len(roles)
    assert kinds == sorted(kinds, key=order.index) and len(set(kinds)) == len(kinds)
    for heading, cards in groups:
        count = len(re.findall(r'<li class="col role-card">', cards))
        kind = next(kind for kind in order if kind in heading)
        assert heading == (f"1 {kind}" if count == 1 else f"{count} {kind}s"), heading
        assert count == sum(1 for role in roles if role["label"].lower() == kind)
    client.post_form("/locale", {"locale": "de"})
    german = text_of(client.get("/network/roles"))
    assert re.search(r"\b\d+ (zentrale Verbindungspersonen?|Vermittler:in(nen)?|Grenzgänger:in(nen)?)\b", german)


def test_what_if_takes_mentors_by_their_handle_as_every_other_form_does(client, login_as, analyst, small_org, compute,
                                                                      create_user):
    """"@marlene.nowak is not a mentor in the analysis": the field took only ids and pseudonyms."""
    compute()
    login_as(analyst)
    mia = small_org["mia"]
    text = text_of(client.get(f"/network/what-if?others=@{mia.handle}"))
    assert "If Mia Mentor left" in text
    staff = create_user(roles=("staff",), name="Stan Staff")
    refused = text_of(client.get(f"/network/what-if?others=@{staff.handle}"))
    assert f"@{staff.handle} is not a mentor in the analysis." in refused
