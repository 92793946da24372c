"""Privacy by design: opted-out people only in aggregates, pseudonyms, audited reveals."""

from __future__ import annotations

import html
import io
import re

import networkx as nx
import pytest
from sqlalchemy import select

from tests.conftest import text_of

NAMES = ("Mia Mentor", "Max Mentor", "Mo Mentor", "Ida Idle", "Sales Exec", "Finance Exec", "Una Unmatched")


def pictures_of(response) -> list[str]:
    return [html.unescape(src) for src in re.findall(r'(?:<img src|srcset)="(/network/[^"]+)"', response.get_data(as_text=True))]


def everything_an_analyst_sees(client, extra_urls=()) -> list[str]:
    """Dashboard, its pictures, the CSV, both graph exports, the analysis API and the given pages."""
    dashboard = client.get("/network")
    bodies = [dashboard.get_data(as_text=True)]
    bodies += [client.get(src).get_data(as_text=True) for src in pictures_of(dashboard)]
    for url in ("/network/findings.csv", "/api/v1/network/graph?format=graphml", "/api/v1/network/graph?format=json",
                "/api/v1/network/analysis", "/network/risks", "/network/roles", "/network/coverage", "/network/trend",
                "/network/explorer", "/network/explorer.json", *extra_urls):
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.get_data(as_text=True))
        for src in pictures_of(response):
            bodies.append(client.get(src).get_data(as_text=True))
    return bodies


# --------------------------------------------------------------------------- opt-out


def test_people_who_opted_out_appear_nowhere_by_name_but_are_counted(client, login_as, analyst, create_user,
                                                                    mentorship, compute):
    olga = create_user(roles=("mentor",), name="Olga Optout", department="IT", capacity=0, analysis_opt_out=True)
    sam = create_user(roles=("executive",), name="Sam Shy", department="Sales", analysis_opt_out=True)
    mira = create_user(roles=("mentor",), name="Mira Visible", department="IT", capacity=1)
    ben = create_user(roles=("executive",), name="Ben Board", department="Finance")
    mentorship(olga, sam)
    mentorship(mira, sam)
    mentorship(mira, ben)
    compute()
    login_as(analyst)
    what_if = f"/api/v1/network/what-if?remove={mira.id}"
    bodies = everything_an_analyst_sees(client, [f"/network/people/{mira.id}", what_if,
                                                 f"/network/what-if?remove={mira.id}&others="])
    for body in bodies:
        assert "Olga" not in body and "Sam Shy" not in body
    assert any("Mira Visible" in body for body in bodies)
    dashboard = text_of(client.get("/network"))
    assert "2 people have opted out of the analysis" in dashboard
    analysis = client.get("/api/v1/network/analysis").json
    assert analysis["summary"]["people"] == 5 and analysis["opted_out"]["people"] == 2
    assert analysis["summary"]["overloaded"] == 2 and [o["person"]["name"] for o in analysis["overloaded"]] == [
        "Mira Visible"]
    assert analysis["opted_out"]["overloaded"] == 1
    # The GraphML leaves them out and says how many.
    graph = nx.read_graphml(io.BytesIO(client.get("/api/v1/network/graph?format=graphml").data))
    assert olga.id not in {int(n) for n in graph} and sam.id not in {int(n) for n in graph}
    assert graph.graph["opted_out_people"] == 2
    # Their own analyst pages do not exist, and what-if will not take them.
    assert client.get(f"/network/people/{olga.id}").status_code == 404
    assert client.get(f"/api/v1/network/what-if?remove={olga.id}").status_code == 422


def test_change_managers_see_who_opted_out_only_as_a_count(client, login_as, analyst, create_user, compute):
    create_user(roles=("staff",), name="Quiet Quentin", analysis_opt_out=True)
    compute()
    login_as(analyst)
    page = client.get("/network").get_data(as_text=True)
    assert "Quiet Quentin" not in page and "1 person has opted out of the analysis" in text_of(client.get("/network"))


# --------------------------------------------------------------------------- pseudonyms


def pseudonymise(app, settle):
    from community.network import services

    def switch():
        from community.accounts.models import User
        from community.extensions import db

        admin = db.session.scalar(select(User).where(User.email == "admin-switch@example.com"))
        services.set_pseudonymised(admin, True)

    settle(switch)


@pytest.fixture
def pseudonymised(app, create_user, settle):
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)


def test_pseudonymised_mode_shows_no_real_name_anywhere(client, login_as, analyst, small_org, compute, pseudonymised):
    compute()
    login_as(analyst)
    mia = small_org["mia"]
    dashboard = client.get("/network")
    risks = client.get("/network/risks").get_data(as_text=True)  # the overview names only the top of each list
    pseudonyms = set(re.findall(r"P-[0-9A-F]{10}", dashboard.get_data(as_text=True) + risks))
    assert len(pseudonyms) >= 5
    person_url = next(u for u in re.findall(r'href="(/network/people/P-[0-9A-F]{10})"', dashboard.get_data(as_text=True)))
    bodies = everything_an_analyst_sees(client, [person_url, "/network/what-if"])
    for body in bodies:
        for name in NAMES:
            assert name not in body
        assert f'"/people/{mia.id}"' not in body
    assert "Pseudonymised mode" in text_of(dashboard)
    # Ids would tie a pseudonym to a profile: numeric addresses are refused.
    assert client.get(f"/network/people/{mia.id}").status_code == 404
    assert client.get(f"/api/v1/network/what-if?remove={mia.id}").status_code == 422


def test_pseudonyms_are_stable_and_usable_in_what_if(client, login_as, analyst, small_org, compute, pseudonymised,
                                                    settle):
    from community.network import services

    compute()
    login_as(analyst)
    mia = settle(services.pseudonym, small_org["mia"].id)
    assert mia == settle(services.pseudonym, small_org["mia"].id)
    assert re.fullmatch(r"P-[0-9A-F]{10}", mia)
    assert mia in client.get("/network").get_data(as_text=True)
    compute()
    assert mia in client.get("/network").get_data(as_text=True)  # the same in the next snapshot
    answer = client.get(f"/api/v1/network/what-if?remove={mia}").json
    assert answer["removed"] == [{"id": None, "name": mia, "pseudonym": mia, "department": None,
                                  "is_ambassador": False}]
    assert answer["departments_losing_coverage"] == ["Sales"]
    assert all(p["id"] is None and p["name"].startswith("P-") for p in answer["executives_losing_coverage"])
    graph = nx.node_link_graph(client.get("/api/v1/network/graph?format=json").json, edges="edges")
    assert mia in graph and all(str(node).startswith("P-") for node in graph)


def test_reveal_needs_a_reason_and_is_audited(client, login_as, analyst, small_org, compute, pseudonymised, settle, db):
    from community.audit.models import AuditEvent
    from community.network import services

    compute()
    login_as(analyst)
    mia = settle(services.pseudonym, small_org["mia"].id)
    short = client.post_form("/network/reveal", {"pseudonym": mia, "reason": "because"})
    assert short.status_code == 200 and "Mia Mentor" not in short.get_data(as_text=True)
    assert 'class="errors"' in short.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "network.revealed")) is None
    unknown = client.post_form("/network/reveal", {"pseudonym": "P-0000000000", "reason": "Checking the overload case"})
    assert "No person in the analysis has this pseudonym" in text_of(unknown)
    reason = "Overloaded mentor: I need to talk to them about their capacity."
    shown = client.post_form("/network/reveal", {"pseudonym": mia.lower(), "reason": reason})
    assert f"{mia} is Mia Mentor" in text_of(shown)
    revealed = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "network.revealed"))
    assert (revealed.actor_id, revealed.subject_id, revealed.note) == (analyst.id, small_org["mia"].id, reason)
    # Shown once: the dashboard still shows the pseudonym only.
    assert "Mia Mentor" not in client.get("/network").get_data(as_text=True)


def test_people_who_opted_out_cannot_be_revealed(client, login_as, analyst, create_user, compute, pseudonymised,
                                                 settle):
    from community.network import services

    hidden = create_user(roles=("mentor",), name="Hidden Hanna", analysis_opt_out=True)
    compute()
    login_as(analyst)
    response = client.post_form("/network/reveal", {"pseudonym": settle(services.pseudonym, hidden.id),
                                                    "reason": "Just curious about this one"})
    assert "Hidden Hanna" not in response.get_data(as_text=True)


def test_admin_switches_pseudonymised_mode_on_the_dashboard_and_it_is_audited(client, login_as, create_user,
                                                                             small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    login_as(create_user(roles=("admin", "change_manager")))
    assert "Mia Mentor" in client.get("/network").get_data(as_text=True)
    response = client.post_form("/network/settings", {"pseudonymised": "y"})
    assert response.status_code == 302
    page = client.get("/network")
    assert "Pseudonymised mode is on." in text_of(page) and "Mia Mentor" not in page.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "network.settings")) == {
        "pseudonymised": True}
    client.post_form("/network/settings", {})
    assert "Mia Mentor" in client.get("/network").get_data(as_text=True)


def test_change_managers_cannot_switch_the_mode(client, login_as, analyst):
    login_as(analyst)
    assert client.post_form("/network/settings", {"pseudonymised": "y"}).status_code == 403


@pytest.mark.parametrize("app_config", [{"ANALYSIS_PSEUDONYMISED": True, "ANALYSIS_JOBS_QUEUED": False}])
def test_configuration_locks_the_pseudonymised_mode_on(client, login_as, create_user, small_org, compute):
    compute()
    login_as(create_user(roles=("admin",)))
    page = client.get("/network")
    assert "Mia Mentor" not in page.get_data(as_text=True)
    assert "required by the server configuration" in text_of(page)
    client.post_form("/network/settings", {})
    assert "Mia Mentor" not in client.get("/network").get_data(as_text=True)


# --------------------------------------------------------------------------- export, erasure, retention


def test_export_holds_a_persons_figures_and_the_findings_naming_them(db, small_org, compute):
    from community.accounts.models import User
    from community.network import privacy

    compute()
    data = privacy.export(db.session.get(User, small_org["mia"].id))
    assert data["figures"][0]["load"] == 3 and data["figures"][0]["degree"] == 3
    assert {f["finding"] for f in data["findings"]} >= {"overloaded", "single_points_of_failure"}
    assert privacy.export(db.session.get(User, small_org["lonely"].id))["findings"][0]["finding"] == (
        "unmatched_executives")
    # Who would be cut off if Mia left is counted, not listed: other people's ids are not her data.
    spof = next(f for f in data["findings"] if f["finding"] == "single_points_of_failure")
    assert isinstance(spof["cuts_off"]["executives"], int) and spof["cuts_off"]["executives"] >= 1
    assert not any(_id_lists(f) for f in data["findings"])


def _id_lists(value) -> list:
    """Lists of ids anywhere in a finding."""
    if isinstance(value, dict):
        return [found for item in value.values() for found in _id_lists(item)]
    if isinstance(value, list):
        if value and all(isinstance(x, int) and not isinstance(x, bool) for x in value):
            return [value]
        return [found for item in value for found in _id_lists(item)]
    return []


def test_erasure_removes_figures_and_the_id_from_stored_findings(db, small_org, compute, settle):
    from community.accounts.models import User
    from community.network import privacy
    from community.network.models import AnalysisSnapshot, PersonFigure, SnapshotCoverage

    compute()
    mia = small_org["mia"].id
    settle(lambda: privacy.erase(db.session.get(User, mia)))
    db.session.expire_all()
    assert db.session.scalar(select(PersonFigure).where(PersonFigure.user_id == mia)) is None
    snapshot = db.session.scalar(select(AnalysisSnapshot))
    assert all(e["person_id"] != mia for e in snapshot.findings["single_points_of_failure"])
    assert snapshot.findings["opted_out"]["overloaded"] == 1  # still counted
    # The stored ties and coverage of the snapshot (for what-if) go whole: they name her too.
    assert db.session.scalar(select(SnapshotCoverage)) is None


def test_retention_keeps_old_summaries_for_the_trend_but_nothing_per_person(db, small_org, compute, settle):
    from datetime import timedelta

    from community.accounts.models import User
    from community.database import utcnow
    from community.network import privacy, services
    from community.network.models import AnalysisSnapshot, PersonFigure

    for user in db.session.scalars(select(User)):
        user.created_at = utcnow() - timedelta(days=1000)
    db.session.commit()
    old = compute(utcnow() - timedelta(days=800))
    new = compute()
    removed = settle(privacy.retain, utcnow() - timedelta(days=730))
    assert removed["network_snapshot_findings"] == 1 and removed["network_figures"] == 4  # the mentors
    db.session.expire_all()
    assert db.session.get(AnalysisSnapshot, old).findings == {"expired": True}
    assert db.session.scalar(select(PersonFigure).where(PersonFigure.snapshot_id == old)) is None
    assert db.session.scalar(select(PersonFigure).where(PersonFigure.snapshot_id == new)) is not None
    assert [p.snapshot_id for p in settle(services.health_trend, 10)] == [old, new]


def test_the_personal_data_export_includes_the_network_part(db, small_org, compute):
    services = pytest.importorskip("community.privacy.services")
    from community.accounts.models import User

    compute()
    data = services.export_person(db.session.get(User, small_org["mia"].id))
    assert data["network"]["figures"][0]["load"] == 3
