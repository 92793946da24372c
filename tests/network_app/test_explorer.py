"""The interactive explorer: its page, its JSON data and what-if, under the dashboard's rules."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import text_of
from tests.network_app.test_privacy import NAMES, pseudonymise


def test_explorer_page_keeps_the_drawing_as_fallback_and_points_to_its_data(client, login_as, analyst, small_org,
                                                                           compute):
    compute()
    login_as(analyst)
    page = client.get("/network/explorer")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-source="/network/explorer.json"' in body
    assert re.search(r'<img src="/network/pictures/network\.svg\?view=', body)  # the no-JavaScript picture
    assert "/static/js/explorer.js" in body and "cytoscape" in body
    assert "<script>" not in body and "style=" not in body
    assert 'aria-current="page"' in body and "Explorer" in text_of(page)


def test_explorer_data_has_people_and_ties_and_is_audited(client, login_as, analyst, small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    login_as(analyst)
    data = client.get("/network/explorer.json").get_json()
    labels = {node["label"] for node in data["nodes"]}
    assert {"Mia Mentor", "Sales Exec 0", "Una Unmatched"} <= labels
    mia = next(node for node in data["nodes"] if node["label"] == "Mia Mentor")
    assert mia["id"] == str(small_org["mia"].id) and mia["role"] == "mentor" and mia["department"] == "IT"
    assert mia["ties"] == 3
    assert {(e["source"], e["target"]) for e in data["edges"] if mia["id"] in (e["source"], e["target"])}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "network.viewed",
                                                        AuditEvent.note == "explorer")).one()
    assert event.actor_id == analyst.id and event.data["people"] == data["shown"]


def test_large_networks_are_cut_to_the_best_connected_with_a_note(app, analyst, small_org, compute, settle):
    from community.accounts.models import User
    from community.extensions import db
    from community.network import services

    compute()

    def load():
        viewer = db.session.get(User, analyst.id)
        return services.explorer_data(viewer, limit=3)

    data = settle(load)
    assert data["shown"] == 3 and data["total"] > 3 and len(data["nodes"]) == 3
    assert any("best-connected" in note for note in data["notes"])
    assert "Mia Mentor" in {node["label"] for node in data["nodes"]}  # most ties first
    shown = {node["id"] for node in data["nodes"]}
    assert all(edge["source"] in shown and edge["target"] in shown for edge in data["edges"])


def test_the_strongest_ties_are_kept_when_there_are_too_many(app, analyst, small_org, compute, settle, monkeypatch):
    from community.accounts.models import User
    from community.extensions import db
    from community.network import explorer, services

    compute()
    monkeypatch.setattr(explorer, "EXPLORER_MAX_TIES", 2)
    data = settle(lambda: services.explorer_data(db.session.get(User, analyst.id)))
    assert len(data["edges"]) == 2 and any("strongest" in note for note in data["notes"])
    mia = str(small_org["mia"].id)
    assert all(mia in (edge["source"], edge["target"]) for edge in data["edges"])  # two sessions each: heavier


def test_people_who_opted_out_are_absent_from_the_explorer(client, login_as, analyst, create_user, mentorship,
                                                          small_org, compute):
    olga = create_user(roles=("mentor",), name="Olga Optout", department="IT", capacity=2, analysis_opt_out=True)
    mentorship(olga, small_org["lonely"], sessions=1)
    compute()
    login_as(analyst)
    data = client.get("/network/explorer.json").get_json()
    ids = {node["id"] for node in data["nodes"]}
    assert str(olga.id) not in ids and "Olga Optout" not in str(data)
    assert all(str(olga.id) not in (e["source"], e["target"]) for e in data["edges"])
    assert data["opted_out_people"] == 1 and any("opted out" in note for note in data["notes"])
    refused = client.get(f"/network/explorer/what-if.json?remove={olga.id}", headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "not a mentor in the analysis" in refused.get_json()["error"]["message"]


def test_pseudonymised_explorer_shows_no_names(app, client, login_as, analyst, create_user, small_org, compute,
                                               settle):
    create_user(roles=("admin",), email="admin-switch@example.com")
    pseudonymise(app, settle)
    compute()
    login_as(analyst)
    raw = client.get("/network/explorer.json").get_data(as_text=True)
    for name in NAMES:
        assert name not in raw
    data = client.get("/network/explorer.json").get_json()
    assert data["pseudonymised"] is True
    assert all(re.fullmatch(r"P-[0-9A-F]{10}", node["id"]) and node["label"] == node["id"] for node in data["nodes"])
    from community.network import services

    mia_key = settle(services.pseudonym, small_org["mia"].id)
    assert mia_key in {node["id"] for node in data["nodes"]}
    # Too few mentors to hide among: the role is withheld (k-anonymity), as in the graph export.
    assert next(node for node in data["nodes"] if node["id"] == mia_key)["role"] is None
    result = client.get(f"/network/explorer/what-if.json?remove={mia_key}").get_json()
    assert result["removed"] == [mia_key] and len(result["executives"]) == 3
    assert all(re.fullmatch(r"P-[0-9A-F]{10}", key) for key in result["executives"])
    assert not any(name in str(result) for name in NAMES)


def test_explorer_what_if_names_what_a_removal_cuts_off_and_is_audited(client, login_as, analyst, small_org,
                                                                       compute, db):
    from community.audit.models import AuditEvent

    compute()
    login_as(analyst)
    mia = small_org["mia"]
    result = client.get(f"/network/explorer/what-if.json?remove={mia.id}").get_json()
    assert result["removed"] == [str(mia.id)] and result["removed_names"] == ["Mia Mentor"]
    assert set(result["executives"]) == {str(e.id) for e in small_org["sales"]}
    assert result["departments"] == ["Sales"]
    assert result["health"]["unmatched_executives"]["change"] == 3
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "network.what_if")) == {
        "remove": [mia.id]}
    empty = client.get("/network/explorer/what-if.json", headers={"Accept": "application/json"})
    assert empty.status_code == 422 and empty.get_json()["error"]["fields"]["remove"]


@pytest.mark.parametrize("role", ["mentor", "executive", "staff"])
def test_explorer_is_refused_like_the_dashboard(client, login_as, create_user, small_org, compute, role):
    compute()
    login_as(create_user(roles=(role,)))
    dashboard = client.get("/network").status_code
    for url in ("/network/explorer", "/network/explorer.json", f"/network/explorer/what-if.json?remove={small_org['mia'].id}",
                "/network/risks", "/network/roles", "/network/coverage", "/network/trend"):
        assert client.get(url).status_code == dashboard == 403, url


def test_anonymous_visitors_are_sent_to_the_login_from_the_explorer(client):
    for url in ("/network/explorer", "/network/explorer.json"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
