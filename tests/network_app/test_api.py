"""API v1: analysis, background jobs, what-if, graph exports — change managers and admins only."""

from __future__ import annotations

import io

import networkx as nx
import pytest
from sqlalchemy import func, select

BIG_ORGANISATION = {"ANALYSIS_INLINE_MAX_PEOPLE": 1, "ANALYSIS_JOBS_QUEUED": False}


@pytest.fixture
def token(api_token, analyst):
    return api_token(analyst)


def test_analysis_is_404_with_a_clear_message_before_the_first_snapshot(client, token):
    response = client.send_json("GET", "/api/v1/network/analysis", token=token)
    assert response.status_code == 404
    assert "network analyze" in response.json["error"]["message"]


def test_latest_analysis_has_the_documented_shape(client, token, small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    snapshot_id = compute()
    response = client.send_json("GET", "/api/v1/network/analysis", token=token)
    assert response.status_code == 200
    data = response.json
    assert data["snapshot_id"] == snapshot_id and data["computed_at"]
    for key in ("summary", "roles", "single_points_of_failure", "overloaded", "idle", "uncovered_topics",
                "unmatched_executives", "ambassador_shortlist"):
        assert key in data
    mia = small_org["mia"]
    spof = next(s for s in data["single_points_of_failure"] if s["person"]["id"] == mia.id)
    assert spof["person"]["name"] == "Mia Mentor"
    assert spof["cuts_off"]["departments"] == ["Sales"]
    assert sorted(p["name"] for p in spof["cuts_off"]["executives"]) == ["Sales Exec 0", "Sales Exec 1", "Sales Exec 2"]
    assert set(spof["cuts_off"]) >= {"executives", "departments", "topics"}
    assert data["overloaded"][0]["person"]["id"] == mia.id and data["overloaded"][0]["load"] == 3
    assert data["uncovered_topics"][0]["slug"] == "power-bi"
    assert data["unmatched_executives"][0]["person"]["name"] == "Una Unmatched"
    candidate = data["ambassador_shortlist"][0]
    assert {"person", "score", "parts"} <= set(candidate) and set(candidate["parts"]) == {"outcomes", "community", "reach"}
    for role in data["roles"]:
        assert {"person", "role", "figures"} <= set(role)
    assert db.session.scalar(select(AuditEvent.note).where(AuditEvent.action == "network.viewed")) == "api"


def test_post_computes_inline_for_a_small_organisation(client, token, small_org, db):
    from community.network.models import AnalysisSnapshot

    response = client.send_json("POST", "/api/v1/network/analysis", token=token)
    assert response.status_code == 201
    assert response.json["snapshot_id"] == db.session.scalar(select(AnalysisSnapshot.id))
    assert response.json["summary"]["single_points_of_failure"] >= 1


@pytest.mark.parametrize("app_config", [BIG_ORGANISATION])
def test_post_queues_a_job_for_a_big_organisation_and_the_job_reports_its_snapshot(app, client, token, small_org,
                                                                                   settle, db):
    from community.network import services
    from community.network.models import AnalysisSnapshot

    response = client.send_json("POST", "/api/v1/network/analysis", token=token)
    assert response.status_code == 202
    job = response.json["job"]
    assert job["status"] == "queued"
    assert response.headers["Location"].endswith(f"/api/v1/network/jobs/{job['id']}")
    assert db.session.scalar(select(AnalysisSnapshot.id)) is None  # nothing computed in the request
    # A second request while it waits joins the same job.
    assert client.send_json("POST", "/api/v1/network/analysis", token=token).json["job"]["id"] == job["id"]
    settle(services.run_job, job["id"])
    done = client.send_json("GET", response.headers["Location"], token=token).json
    assert done["status"] == "done" and done["snapshot_id"] == db.session.scalar(select(AnalysisSnapshot.id))
    assert client.send_json("GET", "/api/v1/network/analysis", token=token).status_code == 200


@pytest.mark.parametrize("app_config", [{"ANALYSIS_INLINE_MAX_PEOPLE": 1, "ANALYSIS_JOBS_QUEUED": True}])
def test_queued_job_runs_on_the_task_queue_after_the_commit(app, client, token, small_org, db):
    from community.network.models import AnalysisJob

    response = client.send_json("POST", "/api/v1/network/analysis", token=token)
    assert response.status_code == 202
    db.session.expire_all()
    job = db.session.get(AnalysisJob, response.json["job"]["id"])
    assert job.status == "done" and job.snapshot_id is not None and job.error is None


@pytest.mark.parametrize("app_config", [BIG_ORGANISATION])
def test_recompute_button_of_a_big_organisation_queues_a_job(client, login_as, analyst, small_org, db):
    from community.network.models import AnalysisJob

    login_as(analyst)
    response = client.post_form("/network/analyse", follow_redirects=True)
    assert "runs in the background" in response.get_data(as_text=True)
    assert db.session.scalar(select(AnalysisJob.status)) == "queued"
    assert "An analysis is running in the background" in response.get_data(as_text=True)


def test_failed_job_keeps_its_error(app, settle, small_org, analyst, monkeypatch, db):
    from community.network import analysis, services
    from community.network.models import AnalysisJob

    job_id = settle(_queue, analyst)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(analysis, "analyse", broken)
    settle(services.run_job, job_id)
    job = db.session.get(AnalysisJob, job_id)
    assert job.status == "failed" and "disk full" in job.error


def _queue(analyst) -> int:
    from community.extensions import db
    from community.network.models import AnalysisJob

    job = AnalysisJob(status="queued", requested_by_id=analyst.id)
    db.session.add(job)
    db.session.flush()
    return job.id


def test_unknown_job_is_404(client, token):
    assert client.send_json("GET", "/api/v1/network/jobs/999", token=token).status_code == 404


def test_what_if_lists_what_loses_coverage_and_the_health_change(client, token, small_org, compute):
    compute()
    max_, mo = small_org["max"], small_org["mo"]
    response = client.send_json("GET", f"/api/v1/network/what-if?remove={max_.id}&remove={mo.id}", token=token)
    assert response.status_code == 200
    data = response.json
    assert [p["id"] for p in data["removed"]] == [max_.id, mo.id]
    assert sorted(p["name"] for p in data["executives_losing_coverage"]) == ["Finance Exec 0", "Finance Exec 1"]
    assert data["departments_losing_coverage"] == ["Finance"]
    assert data["topics_losing_coverage"] == ["power-bi"]
    assert data["health"]["unmatched_executives"] == {"before": 1, "after": 3, "change": 2}


@pytest.mark.parametrize(
    "query",
    ["", "?remove=999999", "?remove=abc", "?remove=SALES", "?remove=%C2%B3", "?remove=&remove=W&remove=%C2%B3"],
    ids=["no id", "unknown id", "not a number", "not a mentor", "a superscript digit", "several, one a superscript digit"],
)
def test_what_if_input_errors_are_422_naming_remove(client, token, small_org, compute, query):
    compute()
    if query == "?remove=SALES":
        query = f"?remove={small_org['sales'][0].id}"
    response = client.send_json("GET", f"/api/v1/network/what-if{query}", token=token)
    assert response.status_code == 422
    assert "remove" in response.json["error"]["fields"]


def test_graphml_export_parses_with_networkx(client, token, small_org, compute, db):
    from community.audit.models import AuditEvent

    compute()
    response = client.send_json("GET", "/api/v1/network/graph?format=graphml", token=token)
    assert response.status_code == 200 and response.mimetype == "application/graphml+xml"
    assert "attachment" in response.headers["Content-Disposition"]
    graph = nx.read_graphml(io.BytesIO(response.data))
    mia = graph.nodes[str(small_org["mia"].id)]
    assert mia["label"] == "Mia Mentor" and mia["department"] == "IT" and "mentor" in mia["roles"]
    assert "pagerank" in mia and "community" in mia
    assert graph.degree(str(small_org["mia"].id)) == 3
    assert str(small_org["lonely"].id) in graph  # executives are kept, tie or not
    assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "network.exported"))["format"] == "graphml"


def test_node_link_json_export_loads_with_networkx(client, token, small_org, compute):
    compute()
    response = client.send_json("GET", "/api/v1/network/graph?format=json", token=token)
    graph = nx.node_link_graph(response.json, edges="edges")
    assert graph.has_edge(small_org["mia"].id, small_org["sales"][0].id)
    assert client.send_json("GET", "/api/v1/network/graph?format=pdf", token=token).status_code == 422


ENDPOINTS = [
    ("GET", "/api/v1/network/analysis"),
    ("POST", "/api/v1/network/analysis"),
    ("GET", "/api/v1/network/jobs/1"),
    ("GET", "/api/v1/network/what-if?remove=1"),
    ("GET", "/api/v1/network/graph?format=graphml"),
    ("GET", "/api/v1/network/graph?format=json"),
]


@pytest.mark.parametrize("role", ["mentor", "executive", "staff"])
def test_everyone_but_change_managers_and_admins_gets_403(client, create_user, api_token, compute, role):
    compute()
    token = api_token(create_user(roles=(role,)))
    for method, url in ENDPOINTS:
        response = client.send_json(method, url, token=token)
        assert response.status_code == 403, (url, response.status_code)
        assert response.json["error"]["code"] == "forbidden"


def test_admins_may_use_the_api(client, create_user, api_token, small_org, compute):
    compute()
    token = api_token(create_user(roles=("admin",)))
    assert client.send_json("GET", "/api/v1/network/analysis", token=token).status_code == 200


def test_anonymous_callers_get_401(client):
    for method, url in ENDPOINTS:
        assert client.send_json(method, url).status_code == 401


def test_openapi_documents_the_network_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/network/analysis", "/api/v1/network/what-if", "/api/v1/network/graph",
                 "/api/v1/network/jobs/{job_id}"):
        assert path in paths


@pytest.mark.parametrize("app_config", [BIG_ORGANISATION])
def test_run_jobs_command_runs_what_waits_and_a_job_runs_only_once(app, client, token, small_org, runner, settle, db):
    from community.network import services
    from community.network.models import AnalysisJob, AnalysisSnapshot

    job_id = client.send_json("POST", "/api/v1/network/analysis", token=token).json["job"]["id"]
    result = runner.invoke(args=["network", "run-jobs"])
    assert result.exit_code == 0, result.output
    snapshot_id = db.session.scalar(select(AnalysisSnapshot.id))
    assert f"job {job_id}: snapshot {snapshot_id}" in result.output
    db.session.expire_all()
    assert db.session.get(AnalysisJob, job_id).status == "done"
    # Claimed already: running it again (a second worker, a late thread) computes nothing more.
    settle(services.run_job, job_id)
    assert db.session.scalar(select(func.count()).select_from(AnalysisSnapshot)) == 1
    assert "No analysis is waiting." in runner.invoke(args=["network", "run-jobs"]).output
