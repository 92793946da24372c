"""The network dashboard's body is cached per snapshot, mode and viewer class
(community.page_parts); every view is still audited, and the pictures' view token is the
viewer's own."""

from __future__ import annotations

import re

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from tests.conftest import login, text_of


def _picture_viewers(app, response) -> set[int]:
    tokens = set(re.findall(r"view=([A-Za-z0-9_.\-]+)", response.get_data(as_text=True)))
    serializer = URLSafeTimedSerializer(app.secret_key, salt="network-picture")
    return {serializer.loads(token)[0] for token in tokens}


def test_cached_dashboard_audits_every_view_and_carries_each_viewers_token(
    client, login_as, analyst, small_org, compute, create_user, db
):
    from community.audit.models import AuditEvent

    compute()
    admin = client.application.test_client()
    admin_user = create_user(roles=("admin",))
    login(admin, admin_user)
    colleague = client.application.test_client()
    colleague_user = create_user(roles=("change_manager",))
    login(colleague, colleague_user)
    login_as(analyst)  # both sign in first (a sign-in renews every cached part)
    admin_page = admin.get("/network")
    assert "Privacy settings" in text_of(admin_page)
    first, second = client.get("/network"), client.get("/network")
    assert first.get_data(as_text=True).count("Mia Mentor") == second.get_data(as_text=True).count("Mia Mentor") > 0
    assert "Privacy settings" not in text_of(second)  # the admins' form is not served from their copy
    assert _picture_viewers(client.application, admin_page) == {admin_user.id}
    assert _picture_viewers(client.application, second) == {analyst.id}
    assert _picture_viewers(client.application, colleague.get("/network")) == {colleague_user.id}
    assert client.get(re.search(r'<img src="(/network/[^"]+)"', second.get_data(as_text=True)).group(1).replace("&amp;", "&")).status_code == 200
    views = db.session.scalars(select(AuditEvent.actor_id).where(AuditEvent.action == "network.viewed")).all()
    assert views == [admin_user.id, analyst.id, analyst.id, colleague_user.id]


def test_an_opt_out_and_a_new_snapshot_show_at_once(client, login_as, analyst, small_org, compute, db):
    from community.accounts.models import User

    compute()
    login_as(analyst)
    assert "Mia Mentor" in text_of(client.get("/network"))
    db.session.get(User, small_org["mia"].id).analysis_opt_out = True
    db.session.commit()
    assert "Mia Mentor" not in text_of(client.get("/network"))
    before = text_of(client.get("/network"))
    compute()
    assert text_of(client.get("/network")) != before  # the newer snapshot's line
