"""The SCIM endpoint run through the scim2-tester compliance checker: no failed check."""

from __future__ import annotations

from tests.conftest import isolated


def test_the_scim_endpoint_passes_the_compliance_checker(app, scim_token):
    from scim2_client.engines.wsgi import WSGISCIMClient
    from scim2_tester import Status, check_server

    def run():
        client = WSGISCIMClient(app, base_url="http://localhost/scim/v2",
                                headers={"Authorization": f"Bearer {scim_token}"})
        return check_server(client)

    results = isolated(app, run)
    failed = [f"{r.title}: {r.reason}" for r in results if r.status in (Status.ERROR, Status.CRITICAL)]
    assert not failed, "\n".join(failed)
    passed = [r for r in results if r.status == Status.SUCCESS]
    assert len(passed) >= 20  # discovery, create, read, list, filter, replace, patch and delete all ran
    assert {r.status for r in results} <= {Status.SUCCESS, Status.COMPLIANT, Status.ACCEPTABLE, Status.SKIPPED}
