"""The profile's activity sparkline counts only the posts the reader may see: a post in a
mentors-only category is counted for a mentor and not for a member of staff."""

from __future__ import annotations


def test_the_sparkline_counts_what_the_reader_may_see(client, login_as, create_user, create_category, api_token):
    author = create_user(roles=["mentor"], name="Mira Mentor")
    open_area = create_category(name="Open tips")
    mentors_only = create_category(name="Mentor room", visibility="mentors")
    for category in (open_area, mentors_only):
        made = client.send_json("POST", "/api/v1/threads", {"category_id": category.id, "title": f"In {category.name}",
                                                            "body": "Some words."}, token=api_token(author))
        assert made.status_code == 201, made.json

    login_as(create_user(roles=["staff"]))
    staff_view = client.get(f"/people/{author.id}").get_data(as_text=True)
    assert "1 community post in the last 12 months" in staff_view

    assert client.post_form("/logout", {}).status_code == 302
    login_as(create_user(roles=["mentor"]))
    mentor_view = client.get(f"/people/{author.id}").get_data(as_text=True)
    assert "2 community posts in the last 12 months" in mentor_view
