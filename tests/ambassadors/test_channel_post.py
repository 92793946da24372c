# ruff: noqa: F811
"""A promotion to change ambassador is posted to the ambassador-news channel (local receiver)."""

from __future__ import annotations

import pytest

from tests.outreach_servers import webhook_receiver  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config():
    return {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_TIMEOUT": 3}


def test_promotion_is_posted_to_the_ambassador_news_channel(client, login_as, create_user, api_token,
                                                            create_nomination, webhook_receiver):
    manager = create_user(roles=["change_manager"], name="Carla Change")
    mentor = create_user(roles=["mentor"], name="Mara Mentor", department="IT")
    staff = create_user(roles=["staff"])
    login_as(manager)
    assert client.post_form("/community/channels/ambassadors", {"url": webhook_receiver.url}).status_code == 302
    page = client.get("/community/channels/ambassadors").get_data(as_text=True)
    assert "secret-part-XYZ" not in page  # the secret is never shown back, not even in the form
    nomination_id = create_nomination(mentor, staff)
    decided = client.send_json("POST", f"/api/v1/nominations/{nomination_id}/decision",
                               {"decision": "promote", "note": "Strong evidence."}, token=api_token(manager))
    assert decided.status_code == 200
    [post] = webhook_receiver.posts
    body = post["json"]["attachments"][0]["content"]["body"]
    assert body[0]["text"] == "Mara Mentor is now a change ambassador"
    assert {"title": "Department", "value": "IT"} in body[2]["facts"]


def test_promoting_someone_hidden_from_the_directory_is_not_announced(client, login_as, create_user, api_token,
                                                                      create_nomination, webhook_receiver, db):
    from sqlalchemy import select

    from community.accounts.models import User

    manager = create_user(roles=["change_manager"], name="Carla Change")
    hidden = create_user(roles=["mentor"], name="Hanna Hidden", department="Legal", directory_visible=False)
    login_as(manager)
    assert client.post_form("/community/channels/ambassadors", {"url": webhook_receiver.url}).status_code == 302
    nomination_id = create_nomination(hidden, create_user(roles=["change_manager"]))  # sees hidden people
    decided = client.send_json("POST", f"/api/v1/nominations/{nomination_id}/decision",
                               {"decision": "promote", "note": "Strong evidence."}, token=api_token(manager))
    assert decided.status_code == 200
    assert db.session.scalar(select(User.is_ambassador).where(User.id == hidden.id)) is True
    assert webhook_receiver.posts == []


@pytest.mark.parametrize(("app_config", "title", "button"), [
    ({"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_TIMEOUT": 3}, "Mara Mentor is now a change ambassador", "Open"),
    ({"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_TIMEOUT": 3, "CHANNEL_LANGUAGE": "de"},
     "Mara Mentor ist jetzt Change-Botschafter:in", "Öffnen"),
])
def test_the_channel_reads_its_own_language_not_the_deciders(client, login_as, create_user, api_token,
                                                             create_nomination, webhook_receiver, title, button):
    """The post was written in the language of whoever decided (in-process tasks run in their request)."""
    manager = create_user(roles=["change_manager"], name="Carla Change", locale="de")
    mentor = create_user(roles=["mentor"], name="Mara Mentor", department="IT")
    login_as(manager)
    assert client.post_form("/community/channels/ambassadors", {"url": webhook_receiver.url}).status_code == 302
    nomination_id = create_nomination(mentor, create_user(roles=["staff"]))
    decided = client.send_json("POST", f"/api/v1/nominations/{nomination_id}/decision",
                               {"decision": "promote", "note": "Strong evidence."}, token=api_token(manager))
    assert decided.status_code == 200
    [post] = webhook_receiver.posts
    content = post["json"]["attachments"][0]["content"]
    assert content["body"][0]["text"] == title and content["actions"][0]["title"] == button
