"""The dashboard's "Graph (JSON)" saves a file (it had a download icon but opened raw JSON in the
tab); the API answers JSON clients inline, as before."""

from __future__ import annotations

import re
from datetime import date

import pytest


def test_the_dashboard_link_asks_for_a_download(client, login_as, analyst, small_org, compute):
    compute()
    login_as(analyst)
    body = client.get("/network").get_data(as_text=True)
    link = re.search(r'<a [^>]*href="(/api/v1/network/graph\?format=json[^"]*)"[^>]*>', body)
    assert link, "no JSON download on the dashboard"
    assert "download=1" in link.group(1) and re.search(r"\sdownload[\s>]", link.group(0))
    response = client.get(link.group(1).replace("&amp;", "&"))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="network-graph-{date.today().isoformat()}.json"'
    assert response.get_json() == client.get("/api/v1/network/graph?format=json").get_json()


def test_api_clients_still_get_the_graph_inline(client, api_token, analyst, small_org, compute):
    compute()
    response = client.send_json("GET", "/api/v1/network/graph?format=json", token=api_token(analyst))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'inline; filename="network.json"'
    assert set(response.get_json()) >= {"nodes", "edges"}


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_an_unreadable_download_flag_is_a_json_error(client, api_token, analyst, small_org, compute, value):
    compute()
    response = client.send_json("GET", f"/api/v1/network/graph?format=json&download={value}", token=api_token(analyst))
    assert response.status_code == 422
    assert "download" in response.get_json()["error"]["fields"]


def test_a_download_is_refused_to_everyone_but_analysts(client, api_token, create_user, small_org, compute):
    compute()
    mentor = create_user(roles=("mentor",))
    response = client.send_json("GET", "/api/v1/network/graph?format=json&download=1", token=api_token(mentor))
    assert response.status_code == 403 and "Content-Disposition" not in response.headers
