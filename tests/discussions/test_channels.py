# ruff: noqa: F811
"""Teams and Slack channels: a change manager sets a category's incoming webhook; new threads
are posted there (a local HTTP server receives them); the URL is a secret; faults are retried
and shown on the category's settings; a bad address is refused when entered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import isolated
from tests.outreach_servers import webhook_receiver  # noqa: F401 - fixture

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config():
    return {"WEBHOOK_ALLOW_HTTP": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_TIMEOUT": 3, "DELIVERY_BACKOFF_SECONDS": 0, "DELIVERY_MAX_ATTEMPTS": 3}


def _set_channel(client, login_as, manager, category_id, url):
    login_as(manager)
    return client.post_form(f"/community/channels/category/{category_id}", {"url": url})


def test_new_thread_is_posted_to_the_categorys_teams_channel_once(client, login_as, create_user, create_category,
                                                                  api_token, webhook_receiver, db):
    manager = create_user(roles=["change_manager"], name="Carla Change")
    category = create_category(name="Teams tips")
    assert _set_channel(client, login_as, manager, category.id, webhook_receiver.url).status_code == 302
    overview = client.get("/community/channels").get_data(as_text=True)
    assert "secret-part-XYZ" not in overview and "…/XYZ"[-3:] in overview  # masked, never shown in full
    author = create_user(roles=["mentor"], name="Max Mentor")
    response = client.send_json("POST", "/api/v1/threads", {
        "category_id": category.id, "title": "Channels per topic", "body": "What do you think?"}, token=api_token(author))
    assert response.status_code == 201
    [post] = webhook_receiver.posts
    card = post["json"]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["type"] == "AdaptiveCard" and card["content"]["body"][0]["text"] == "Channels per topic"
    assert card["content"]["actions"][0]["url"].endswith(f"/threads/{response.json['id']}")


def test_slack_gets_block_kit_and_a_failing_channel_is_retried_then_shown(client, login_as, create_user, create_category,
                                                                        api_token, webhook_receiver, app, db):
    from community import tasks
    from community.outreach.models import OutgoingMessage

    manager = create_user(roles=["change_manager"])
    category = create_category(name="Slack people")
    # A Slack address is recognised by its host; the test points it at the local receiver.
    assert _set_channel(client, login_as, manager, category.id, webhook_receiver.url).status_code == 302
    from community.outreach.models import ChannelWebhook

    def make_slack():
        from community.extensions import db as database

        with app.app_context():
            database.session.execute(ChannelWebhook.__table__.update().values(flavour="slack"))
            database.session.commit()

    isolated(app, make_slack)
    webhook_receiver.fail_next = 1
    author = create_user(roles=["mentor"])
    created = client.send_json("POST", "/api/v1/threads", {
        "category_id": category.id, "title": "Huddles <!channel> & more", "body": "Who uses them?"}, token=api_token(author))
    assert created.status_code == 201  # the channel failing never fails the request
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.channel == "webhook"))
    assert message.status == "queued" and message.last_error == "HTTP 500"
    page = client.get(f"/community/categories/{category.id}/edit").get_data(as_text=True)
    assert "HTTP 500" in page and "secret-part-XYZ" not in page
    failed_at = db.session.scalar(select(ChannelWebhook.last_error_at))
    # When, as every page gives a time (the reader's zone, "4 Dec 2026, 22:27"), not "2026-12-04 22:27 UTC".
    from datetime import UTC
    from zoneinfo import ZoneInfo

    shown = failed_at.replace(tzinfo=failed_at.tzinfo or UTC).astimezone(ZoneInfo("Europe/Berlin"))  # the reader's day
    assert f"Last error ({shown.day} {shown:%b %Y}, " in page and " UTC)" not in page

    def sweep():
        with app.app_context():
            tasks.run_now("outreach.deliver_due")

    isolated(app, sweep)
    [post] = webhook_receiver.posts
    assert post["json"]["blocks"][0]["type"] == "header"
    # The fallback text (phone notifications) is read as mrkdwn: "<!channel>" would notify everyone.
    assert post["json"]["text"] == "Huddles &lt;!channel&gt; &amp; more"
    db.session.expire_all()
    assert db.session.get(OutgoingMessage, message.id).status == "sent"
    assert db.session.get(ChannelWebhook, message.webhook_id).last_error is None


def test_bad_webhook_address_is_refused_and_only_managers_set_channels(client, login_as, create_user, create_category, db):
    from community.outreach.models import ChannelWebhook

    category = create_category()
    staff = create_user(roles=["staff"])
    assert _set_channel(client, login_as, staff, category.id, "https://example.org/hook").status_code == 403
    client.post_form("/logout")
    manager = create_user(roles=["change_manager"])
    for bad in ("not a url", "ftp://example.org/hook", "javascript:alert(1)"):
        response = _set_channel(client, login_as, manager, category.id, bad)
        assert response.status_code == 200 and "incoming webhook" in response.get_data(as_text=True)
    assert db.session.scalar(select(ChannelWebhook)) is None


def test_erasing_a_threads_author_blanks_the_channel_post_kept_in_the_sent_log(
        client, login_as, create_user, create_category, api_token, webhook_receiver, db):
    from community.outreach.models import OutgoingMessage

    manager = create_user(roles=["change_manager"], name="Carla Change")
    category = create_category(name="Teams tips")
    assert _set_channel(client, login_as, manager, category.id, webhook_receiver.url).status_code == 302
    author = create_user(roles=["mentor"], name="Max Mentor")
    assert client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": "Channels per topic",
                                                        "body": "What do you think?"}, token=api_token(author)).status_code == 201
    db.session.expire_all()
    [kept] = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.channel == "webhook")).all()
    assert kept.status == "sent" and "Max Mentor" in kept.body_text
    client.post_form("/logout")
    login_as(create_user(roles=["admin"]))
    assert client.post_form(f"/admin/users/{author.id}/erase", {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    [kept] = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.channel == "webhook")).all()
    assert "Max Mentor" not in kept.subject + kept.body_text and kept.body_text == ""


@pytest.mark.parametrize("url", ["https://localhost/x", "https://10.0.0.1/hook", "https://169.254.169.254/latest/meta-data",
                                 "https://[::1]/hook", "https://127.1/hook", "https://2130706433/hook", "https://intranet/hook",
                                 "https://chat.corp/hook", "https://[::ffff:192.168.0.1]/hook", "https://[::1"])
def test_an_address_inside_the_company_network_or_on_the_server_is_refused(url, client, login_as, create_user,
                                                                           create_category, app, db):
    """A change manager could point the server at internal services, and read their answers in
    "Last error"."""
    from community.outreach.models import ChannelWebhook

    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    category = create_category()
    response = _set_channel(client, login_as, create_user(roles=["change_manager"]), category.id, url)
    assert response.status_code == 200
    assert "company's own network" in response.get_data(as_text=True) or "incoming webhook" in response.get_data(as_text=True)
    assert db.session.scalar(select(ChannelWebhook)) is None


def test_a_post_to_an_address_that_came_to_lead_inside_is_refused_and_redirects_are_not_followed(
        client, login_as, create_user, create_category, api_token, webhook_receiver, app, db):
    """The name was public when saved; at the post it resolves into the network (the check runs
    again), and a public webhook's redirect is not followed."""
    from community.outreach.models import ChannelWebhook, OutgoingMessage

    manager = create_user(roles=["change_manager"])
    category = create_category(name="Tips")
    assert _set_channel(client, login_as, manager, category.id, webhook_receiver.url).status_code == 302
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False  # as if 127.0.0.1 were what a public name now resolves to
    created = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": "Inside?", "body": "x"},
                               token=api_token(create_user(roles=["mentor"])))
    assert created.status_code == 201
    assert webhook_receiver.posts == []
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.channel == "webhook"))
    assert message.status == "queued" and "private network" in message.last_error
    assert "private network" in db.session.scalar(select(ChannelWebhook.last_error))


def test_a_webhook_that_answers_with_a_redirect_fails(app):
    import urllib.error
    import urllib.request

    from community.outreach.services import _NoRedirects

    handler = _NoRedirects()
    request = urllib.request.Request("https://hooks.example.org/x", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError, match="redirect refused"):
        handler.redirect_request(request, None, 302, "Found", {}, "http://10.0.0.1/admin")
