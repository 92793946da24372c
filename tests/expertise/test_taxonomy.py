"""The topic taxonomy: index, topic pages, searching synonyms, curation by change managers."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from tests.conftest import text_of


def test_topics_are_listed_by_field_and_found_by_synonym(client, create_user, login_as, taxonomy):
    login_as(create_user())
    page = text_of(client.get("/tags"))
    assert page.index("Collaboration") < page.index("Microsoft Teams") < page.index("Social media")
    found = html.unescape(text_of(client.get("/tags?q=yammer")))
    assert "Viva Engage (Yammer)" in found and "Microsoft Teams" not in found
    assert "Microsoft Teams" in text_of(client.get("/tags?q=ms teams"))
    assert "No topic matches" in text_of(client.get("/tags?q=%22NEAR*("))


def test_a_topics_synonyms_are_introduced_in_words_not_a_stray_dot(client, create_user, login_as, taxonomy):
    """The synonyms line of a search result wrapped onto its own line starting with "· "."""
    import re

    login_as(create_user())
    body = client.get("/tags?q=teams").get_data(as_text=True)
    lines = [" ".join(re.sub(r"<[^>]+>", " ", line).split())
             for line in re.findall(r'<span class="[^"]*\bsynonyms\b[^"]*">(.*?)</span>', body, re.S)]
    assert lines and all(line.startswith("Also known as: ") for line in lines), lines
    assert "Also known as: ms teams, teams" in lines
    client.post_form("/logout")
    login_as(create_user(locale="de"))
    assert "Auch bekannt als: ms teams, teams" in text_of(client.get("/tags?q=teams"))


def test_german_readers_see_german_topic_names(client, create_user, login_as, taxonomy):
    login_as(create_user(locale="de"))
    assert "Führen auf Distanz" in text_of(client.get("/tags"))


def test_topic_page_lists_people_by_level_and_links_to_contacts(client, create_user, give_tags, login_as, taxonomy):
    give_tags(create_user(name="Ina Interested"), {"linkedin": "interested"})
    give_tags(create_user(name="Eve Expert", roles=["mentor"]), {"linkedin": "expert"})
    give_tags(create_user(name="Hal Hidden", directory_visible=False), {"linkedin": "expert"})
    login_as(create_user())
    response = client.get("/tags/linkedin")
    page = text_of(response)
    assert page.index("Eve Expert") < page.index("Ina Interested") and "Hal Hidden" not in page
    assert "1 expert" in page and "Also known as" in page and "professional network" in page
    assert "/tags/linkedin/contacts" in response.get_data(as_text=True)


def test_unknown_topic_is_404_on_pages_and_api(client, create_user, login_as, api_token, taxonomy):
    user = create_user()
    for path in ("/api/v1/tags/nope", "/api/v1/tags/nope/contacts"):
        response = client.get(path, headers={"Authorization": f"Bearer {api_token(user)}"})
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    login_as(user)
    for path in ("/tags/nope", "/tags/nope/contacts", "/tags/nope/edit", "/tags/nope/merge"):
        assert client.get(path).status_code == 404, path


def test_api_lists_and_shows_topics_with_synonyms(client, create_user, give_tags, api_token, taxonomy):
    give_tags(create_user(), {"ai-assistants": "expert"})
    token = api_token(create_user())
    body = client.get("/api/v1/tags?q=copilot", headers={"Authorization": f"Bearer {token}"}).json
    assert [t["slug"] for t in body["items"]] == ["ai-assistants"] and body["total"] == 1
    tag = client.get("/api/v1/tags/ai-assistants", headers={"Authorization": f"Bearer {token}"}).json
    assert tag["name"] == "AI assistants" and "copilot" in tag["synonyms"] and tag["people"]["expert"] == 1
    everything = client.get("/api/v1/tags?per_page=100", headers={"Authorization": f"Bearer {token}"}).json
    assert everything["total"] == 40


@pytest.mark.parametrize("path", ["/tags/new", "/tags/linkedin/edit", "/tags/linkedin/merge"])
def test_only_change_managers_and_admins_curate(client, create_user, login_as, taxonomy, path):
    login_as(create_user(roles=["mentor"]))
    assert client.get(path).status_code == 403
    assert client.post_form(path, {"name": "X", "field": "collaboration", "target": "sharepoint", "confirm": "y"}).status_code == 403


def test_change_manager_creates_a_topic_with_synonyms(client, create_user, login_as, db, taxonomy):
    from community.audit.models import AuditEvent
    from community.expertise.models import Tag

    login_as(create_user(roles=["change_manager"]))
    response = client.post_form("/tags/new", {"name": "Microsoft Loop", "name_de": "Microsoft Loop", "field": "collaboration",
                                              "description": "Loop components", "synonyms": "loop, fluid"})
    assert response.status_code == 302 and response.headers["Location"] == "/tags/microsoft-loop"
    tag = db.session.scalar(select(Tag).where(Tag.slug == "microsoft-loop"))
    assert tag.synonym_terms == ["fluid", "loop"]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.subject_id == tag.id)) == "tag.created"
    clash = client.post_form("/tags/new", {"name": "Teams", "field": "collaboration"})
    assert clash.status_code == 200 and "already names the topic Microsoft Teams" in html.unescape(text_of(clash))


def test_rename_keeps_the_old_name_as_synonym_and_search_follows(client, create_user, give_tags, login_as, db, taxonomy):
    from community.expertise.models import Tag

    give_tags(create_user(name="Wanda Worker"), {"working-out-loud": "expert"})
    login_as(create_user(roles=["change_manager"]))
    response = client.post_form("/tags/working-out-loud/edit", {
        "name": "Working Out Loud circles", "name_de": "WOL-Circles", "field": "ways-of-working", "description": "", "description_de": ""})
    assert response.status_code == 302
    tag = db.session.scalar(select(Tag).where(Tag.slug == "working-out-loud"))
    assert tag.name == "Working Out Loud circles" and "working out loud" in tag.synonym_terms
    assert "Wanda Worker" in text_of(client.get("/people?q=circles"))
    assert "Wanda Worker" in text_of(client.get("/people?q=wol-circles"))
    assert "Wanda Worker" in text_of(client.get("/people?q=working out loud"))


def test_synonyms_are_added_and_removed_and_search_follows(client, create_user, give_tags, login_as, db, taxonomy):
    from community.expertise.models import TagSynonym

    give_tags(create_user(name="Sven Sharer"), {"sharepoint": "practitioner"})
    login_as(create_user(roles=["admin"]))
    assert client.post_form("/tags/sharepoint/synonyms", {"term": "Doc Libraries"}).status_code == 302
    assert "Sven Sharer" in text_of(client.get("/people?q=doc libraries"))
    synonym = db.session.scalar(select(TagSynonym).where(TagSynonym.term == "doc libraries"))
    assert client.post_form(f"/tags/sharepoint/synonyms/{synonym.id}/delete").status_code == 302
    assert "Sven Sharer" not in text_of(client.get("/people?q=doc libraries"))
    taken = client.post_form("/tags/sharepoint/synonyms", {"term": "yammer"})
    assert taken.status_code == 200 and "already names the topic" in html.unescape(text_of(taken))
    other = db.session.scalar(select(TagSynonym).where(TagSynonym.term == "yammer"))
    assert client.post_form(f"/tags/sharepoint/synonyms/{other.id}/delete").status_code == 404


def test_xss_in_a_new_topic_name_is_inert(client, create_user, login_as, api_token, taxonomy):
    manager = create_user(roles=["change_manager"])
    login_as(manager)
    client.post_form("/tags/new", {"name": "<script>alert(1)</script>", "slug": "xss", "field": "security"})
    for path in ("/tags", "/tags/xss", "/tags/xss/edit", "/tags/xss/contacts"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page, path
    response = client.get("/api/v1/tags/xss", headers={"Authorization": f"Bearer {api_token(manager)}"})
    assert response.json["name"] == "<script>alert(1)</script>" and response.mimetype == "application/json"


def test_topic_page_shows_a_new_holder_and_a_new_ambassador_badge_at_once(client, create_user, give_tags, login_as,
                                                                          api_token, taxonomy, db):
    """The people of a topic are cached for everyone; a change must still show on the next visit."""
    from sqlalchemy import update

    from community.accounts.models import User

    eve = create_user(name="Eve Expert", roles=["mentor"])
    give_tags(eve, {"linkedin": "expert"})
    login_as(create_user())
    assert "Nia New" not in text_of(client.get("/tags/linkedin"))
    nia = create_user(name="Nia New")
    assert client.send_json("PATCH", f"/api/v1/people/{nia.id}", {"tags": [{"slug": "linkedin", "level": "practitioner"}]},
                            token=api_token(nia)).status_code == 200
    page = text_of(client.get("/tags/linkedin"))
    assert "Nia New" in page and "1 practitioner" in page and "Eve Expert Ambassador" not in page
    db.session.execute(update(User).where(User.id == eve.id).values(is_ambassador=True))
    db.session.commit()
    assert "Eve Expert Ambassador" in text_of(client.get("/tags/linkedin"))


def test_the_new_topic_form_has_its_own_hint_for_the_name(client, create_user, login_as, taxonomy):
    login_as(create_user(roles=["change_manager"]))
    new = html.unescape(text_of(client.get("/tags/new")))
    assert "Renaming keeps the old name" not in new
    assert "The name people see and search for; no other topic may use it already." in new
    assert new.index("Name (English)") < new.index("Name (German)")  # still the first field
    assert "Renaming keeps the old name as a synonym" in html.unescape(text_of(client.get("/tags/linkedin/edit")))
