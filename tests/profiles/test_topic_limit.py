"""A profile holds at most TOPICS_MAX topics: the editor's Add row says so once they are all
there, and a save, the API and an import that would go past it are refused with the reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import text_of
from tests.profiles.test_profiles import edit_form
from tests.profiles.test_topic_editor import _levels, _rows

FULL = "A profile has at most 30 topics. Remove one to add another."


@pytest.fixture
def slugs(app, taxonomy):
    from community.expertise.models import Tag
    from community.extensions import db

    with app.app_context():
        return list(db.session.scalars(select(Tag.slug).order_by(Tag.slug)))


def _posted(slugs: list[str], level: str = "interested") -> dict[str, str]:
    data = {}
    for i, slug in enumerate(slugs):
        data[f"tags-{i}-tag"], data[f"tags-{i}-level"] = slug, level
    return data


def test_the_limit_is_thirty_topics():
    from community.profiles.services import TOPICS_MAX

    assert TOPICS_MAX == 30


def test_with_thirty_topics_the_add_row_says_so_instead_of_offering_to_add(client, create_user, give_tags, login_as, slugs):
    me = create_user(roles=["mentor"])
    give_tags(me, dict.fromkeys(slugs[:30], "interested"))
    login_as(me)
    response = client.get(f"/people/{me.id}/edit")
    page = response.get_data(as_text=True)
    assert len(_rows(page)) == 30
    assert FULL in text_of(response)
    assert '<div class="topic-add-fields" hidden>' in page  # the topic select and Add are not offered

    removed = client.post_form(f"/people/{me.id}/edit", edit_form(me, remove_topic=slugs[0], **_posted(slugs[:30])))
    assert len(_rows(removed.get_data(as_text=True))) == 29
    assert FULL not in text_of(removed) and '<div class="topic-add-fields">' in removed.get_data(as_text=True)


def test_with_twenty_nine_topics_one_more_can_be_added(client, create_user, give_tags, login_as, db, slugs):
    me = create_user(roles=["mentor"])
    give_tags(me, dict.fromkeys(slugs[:29], "interested"))
    login_as(me)
    assert FULL not in text_of(client.get(f"/people/{me.id}/edit"))
    saved = client.post_form(f"/people/{me.id}/edit", edit_form(me, new_tag=slugs[29], new_level="expert", **_posted(slugs[:29])))
    assert saved.status_code == 302
    assert len(_levels(db, me.id)) == 30


def test_adding_a_thirty_first_topic_in_the_form_is_refused_on_the_add_row(client, create_user, give_tags, login_as, db,
                                                                            slugs):
    me = create_user(roles=["mentor"])
    give_tags(me, dict.fromkeys(slugs[:30], "interested"))
    login_as(me)
    for button in ({"add_topic": "1"}, {}):  # "Add", or "Save profile" with a topic chosen in the Add row
        response = client.post_form(f"/people/{me.id}/edit", edit_form(me, new_tag=slugs[30], **button, **_posted(slugs[:30])))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert len(_rows(page)) == 30 and FULL in text_of(response)
        assert "There is a problem" in text_of(response)
    assert len(_levels(db, me.id)) == 30 and slugs[30] not in _levels(db, me.id)


def test_saving_more_than_thirty_rows_is_refused_with_a_field_message(client, create_user, login_as, db, slugs):
    me = create_user(roles=["mentor"])
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(me, bio="kept", **_posted(slugs[:31])))
    assert response.status_code == 200
    text = text_of(response)
    assert "A profile has at most 30 topics; this one would have 31." in text and "There is a problem" in text
    assert _levels(db, me.id) == {}
    assert "kept</textarea>" in response.get_data(as_text=True)  # what was typed stays


def test_the_api_refuses_more_than_thirty_topics_with_a_json_error(client, create_user, api_token, db, slugs):
    from community.accounts.models import User

    me = create_user(roles=["mentor"])
    token = api_token(me)
    tags = [{"slug": slug, "level": "interested"} for slug in slugs[:31]]
    response = client.send_json("PATCH", f"/api/v1/people/{me.id}", {"department": "Changed", "tags": tags}, token=token)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]["tags"] == ["A profile has at most 30 topics; this one would have 31."]
    assert _levels(db, me.id) == {} and db.session.get(User, me.id).department is None
    assert client.send_json("PATCH", f"/api/v1/people/{me.id}", {"tags": tags[:30]}, token=token).status_code == 200
    assert len(_levels(db, me.id)) == 30


def test_the_refusal_reads_in_german(client, create_user, api_token, slugs):
    me = create_user(roles=["mentor"], locale="de")
    tags = [{"slug": slug, "level": "interested"} for slug in slugs[:31]]
    response = client.send_json("PATCH", f"/api/v1/people/{me.id}", {"tags": tags}, token=api_token(me),
                                headers={"Accept-Language": "de"})
    assert response.json["error"]["fields"]["tags"] == ["Ein Profil hat höchstens 30 Themen; dieses hätte 31."]


def test_an_import_cannot_take_a_profile_past_thirty_topics(app, create_user, give_tags, db, slugs):
    from community.accounts.models import User
    from community.errors import ValidationFailed
    from community.profiles.models import PersonTag
    from community.profiles.services import check_tags_column, import_tags_column

    me = create_user(roles=["mentor"])
    give_tags(me, dict.fromkeys(slugs[:29], "interested"))
    with app.app_context():
        person = db.session.get(User, me.id)
        assert check_tags_column(person, f"{slugs[0]}:expert;{slugs[29]}")  # raising a level and one more: 30
        for check in (check_tags_column, import_tags_column):
            with pytest.raises(ValidationFailed) as refused:
                check(person, f"{slugs[29]};{slugs[30]}")
            assert refused.value.fields == {"tags": ["A profile has at most 30 topics; this one would have 31."]}
        with pytest.raises(ValidationFailed):
            check_tags_column(None, ";".join(slugs[:31]))
        assert db.session.scalar(select(func.count()).select_from(PersonTag).where(PersonTag.user_id == me.id)) == 29
