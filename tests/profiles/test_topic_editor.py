"""The profile's topics: an "Add" row and a "Remove" button per topic. Both are plain posts of
the whole form (nothing typed elsewhere is lost); "Save profile" stores the result."""

from __future__ import annotations

import html as html_lib
import re

from sqlalchemy import select

from tests.conftest import text_of
from tests.profiles.test_profiles import edit_form


def _rows(page: str) -> dict[str, str]:
    """The topic rows the page shows: topic name -> the level selected."""
    rows = {}
    for row in re.findall(r'<li class="topic-row[^"]*">(.*?)</li>', page, re.S):
        name = re.search(r'<span class="topic-name">([^<]*)</span>', row).group(1)
        level = re.search(r'<option selected value="([a-z]+)"|<option value="([a-z]+)" selected', row)
        rows[html_lib.unescape(name)] = level.group(1) or level.group(2)
    return rows


def _posted_rows(**levels: str) -> dict[str, str]:
    data = {}
    for i, (slug, level) in enumerate(levels.items()):
        data[f"tags-{i}-tag"], data[f"tags-{i}-level"] = slug.replace("_", "-"), level
    return data


def _levels(db, user_id: int) -> dict[str, str]:
    from community.expertise.models import Tag
    from community.profiles.models import PersonTag

    return dict(db.session.execute(select(Tag.slug, PersonTag.level).join(Tag, Tag.id == PersonTag.tag_id)
                                   .where(PersonTag.user_id == user_id)).all())


def test_the_editor_lists_each_topic_with_remove_and_offers_an_add_row(client, create_user, give_tags, login_as, taxonomy):
    me = create_user(roles=["mentor"])
    give_tags(me, {"microsoft-teams": "expert", "linkedin": "interested"})
    login_as(me)
    response = client.get(f"/people/{me.id}/edit")
    page = response.get_data(as_text=True)
    assert _rows(page) == {"LinkedIn": "interested", "Microsoft Teams": "expert"}
    text = text_of(response)
    assert "Remove LinkedIn" in text and "Remove Microsoft Teams" in text
    assert "Add a topic" in text and '<button type="submit" name="add_topic"' in page
    assert "remove</option>" not in page  # removing is a button now, not a level
    # Enter in a text field presses the form's first button: Save, never a topic's Remove.
    form = page.split('class="form wide profile-edit"', 1)[1]
    first_button = re.search(r"<button[^>]*>([^<]*)<", form)
    assert 'type="submit"' in first_button.group(0) and "name=" not in first_button.group(0)
    assert first_button.group(1) == "Save profile"
    # "Add a topic" offers only the topics not listed yet (a listed one was refused after the post).
    add = re.search(r'<select[^>]*name="new_tag".*?</select>', page, re.S).group(0)
    assert 'value="sharepoint"' in add and 'value="linkedin"' not in add and 'value="microsoft-teams"' not in add


def test_a_removed_topic_disappears_from_the_profile_once_saved(client, create_user, give_tags, login_as, db, taxonomy):
    me = create_user(roles=["mentor"])
    give_tags(me, {"microsoft-teams": "expert", "linkedin": "interested"})
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, bio="typed, not saved yet", remove_topic="linkedin", **_posted_rows(microsoft_teams="expert", linkedin="interested")))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _rows(page) == {"Microsoft Teams": "expert"}
    assert "LinkedIn removed. Save the profile to keep the change." in text_of(response)
    assert "typed, not saved yet</textarea>" in page  # what was typed elsewhere stays
    add = re.search(r'<select[^>]*name="new_tag".*?</select>', page, re.S).group(0)
    assert 'value="linkedin"' in add  # removed from the rows: offered to add again
    assert _levels(db, me.id) == {"microsoft-teams": "expert", "linkedin": "interested"}  # not saved before "Save"

    saved = client.post_form(f"/people/{me.id}/edit", edit_form(me, **_posted_rows(microsoft_teams="expert")))
    assert saved.status_code == 302
    assert _levels(db, me.id) == {"microsoft-teams": "expert"}
    profile = text_of(client.get(f"/people/{me.id}"))
    assert "Microsoft Teams (expert)" in profile and "LinkedIn" not in profile


def test_an_added_topic_joins_the_rows_and_is_saved_with_the_profile(client, create_user, give_tags, login_as, db, taxonomy):
    me = create_user(roles=["mentor"])
    give_tags(me, {"microsoft-teams": "expert"})
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, add_topic="1", new_tag="linkedin", new_level="practitioner", **_posted_rows(microsoft_teams="expert")))
    assert response.status_code == 200
    assert _rows(response.get_data(as_text=True)) == {"Microsoft Teams": "expert", "LinkedIn": "practitioner"}
    assert "LinkedIn added. Save the profile to keep the change." in text_of(response)
    assert _levels(db, me.id) == {"microsoft-teams": "expert"}

    saved = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, **_posted_rows(microsoft_teams="expert", linkedin="practitioner")))
    assert saved.status_code == 302
    assert "LinkedIn (practitioner)" in text_of(client.get(f"/people/{me.id}"))


def test_a_topic_chosen_in_the_add_row_is_saved_without_pressing_add(client, create_user, login_as, db, taxonomy):
    me = create_user(roles=["mentor"])
    login_as(me)
    saved = client.post_form(f"/people/{me.id}/edit", edit_form(me, new_tag="sharepoint", new_level="expert", **{
        "tags-0-tag": "", "tags-0-level": "interested"}))
    assert saved.status_code == 302
    assert _levels(db, me.id) == {"sharepoint": "expert"}


def test_adding_an_unknown_topic_gives_a_field_message(client, create_user, login_as, db, taxonomy):
    me = create_user(roles=["mentor"])
    login_as(me)
    for action in ({"add_topic": "1"}, {}):  # the Add button, or Save with the row filled in
        response = client.post_form(f"/people/{me.id}/edit", edit_form(me, new_tag="no-such-topic", bio="kept?", **action))
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert "There is no topic “no-such-topic”. Choose one from the list." in text_of(response)
        assert 'id="new_tag-errors"' in page and 'aria-describedby="new_tag-errors"' in page
        assert "There is a problem" in text_of(response)  # the summary at the top links to the field
        assert _levels(db, me.id) == {}


def test_adding_nothing_or_a_topic_already_there_is_refused_on_the_field(client, create_user, give_tags, login_as, db,
                                                                         taxonomy):
    me = create_user(roles=["mentor"])
    give_tags(me, {"microsoft-teams": "expert"})
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(me, add_topic="1", new_tag="",
                                                                   **_posted_rows(microsoft_teams="expert")))
    assert response.status_code == 200 and "Choose a topic to add." in text_of(response)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, add_topic="1", new_tag="microsoft-teams", new_level="interested", **_posted_rows(microsoft_teams="expert")))
    assert response.status_code == 200
    assert "Microsoft Teams is one of your topics already; change its level above." in text_of(response)
    assert _rows(response.get_data(as_text=True)) == {"Microsoft Teams": "expert"}
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, add_topic="1", new_tag="linkedin", new_level="guru", **_posted_rows(microsoft_teams="expert")))
    assert response.status_code == 200 and "Choose a level: interested, practitioner or expert." in text_of(response)
    assert _levels(db, me.id) == {"microsoft-teams": "expert"}


def test_nobody_else_adds_or_removes_topics(client, create_user, give_tags, login_as, db, taxonomy):
    owner = create_user(roles=["mentor"])
    give_tags(owner, {"microsoft-teams": "expert"})
    login_as(create_user(roles=["mentor"]))
    for action in ({"remove_topic": "microsoft-teams"}, {"add_topic": "1", "new_tag": "linkedin"}):
        response = client.post_form(f"/people/{owner.id}/edit", edit_form(owner, **action, **_posted_rows(microsoft_teams="expert")))
        assert response.status_code == 403
    assert _levels(db, owner.id) == {"microsoft-teams": "expert"}


def test_the_topic_editor_reads_in_german(client, create_user, give_tags, login_as, taxonomy):
    me = create_user(roles=["mentor"], locale="de")
    give_tags(me, {"linkedin": "expert"})
    login_as(me)
    response = client.get(f"/people/{me.id}/edit")
    text = text_of(response)
    assert "Meine Themen" in text and "Entfernen LinkedIn" in text
    assert _rows(response.get_data(as_text=True)) == {"LinkedIn": "expert"}


def test_with_javascript_remove_has_its_words_ready_and_a_live_region(client, create_user, give_tags, login_as, taxonomy):
    """static/js/app.js drops a row at once on Remove and says so in the same words as the server."""
    me = create_user(roles=["mentor"])
    give_tags(me, {"linkedin": "expert"})
    login_as(me)
    page = client.get(f"/people/{me.id}/edit").get_data(as_text=True)
    assert 'data-removed-note="__TOPIC__ removed. Save the profile to keep the change."' in page
    assert '<p class="topic-note" role="status"></p>' in page
