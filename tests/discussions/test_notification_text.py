"""Notification texts are escaped exactly once on the page and plain in the export."""

from __future__ import annotations


def test_a_title_with_an_ampersand_is_escaped_once(client, login_as, create_user, create_thread, add_reply, api_token):
    author, replier = create_user(), create_user(name="R <b>& Co</b>")
    thread = create_thread(author, title="Tools & tricks <i>now</i>")
    add_reply(replier, thread, body="An answer")
    login_as(author)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Tools &amp; tricks &lt;i&gt;now&lt;/i&gt;" in html
    assert "&amp;amp;" not in html and "<i>now</i>" not in html and "<b>&" not in html
    exported = client.get("/api/v1/me/export", headers={"Authorization": f"Bearer {api_token(author)}"}).json
    texts = [n["text"] for n in exported["notifications"]]
    assert any("Tools & tricks <i>now</i>" in text for text in texts), texts
