"""Profiles: what a page shows, who edits it, what is refused, who sees hidden people."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import isolated, text_of

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def edit_form(person, **changes):
    data = {"bio": "", "department": "", "location": "", "languages": "", "timezone": "Europe/Berlin",
            "capacity": "2", "availability": "", "link": "", "directory_visible": "y",
            "tags-0-tag": "", "tags-0-level": "interested"}
    data.update(changes)
    return data


def test_profile_page_shows_the_person_with_topics_by_field(client, create_user, give_tags, login_as, mentoring, taxonomy):
    mentor = create_user(roles=["mentor"], name="Mona Mentor", department="IT", location="Berlin", languages=["de", "en"],
                         availability="Mondays", link="https://example.com/mona", is_ambassador=True, capacity=3)
    give_tags(mentor, {"microsoft-teams": "expert", "linkedin": "interested", "sharepoint": "practitioner"})
    executive = create_user(roles=["executive"])
    pair = mentoring.mentorship(mentor, executive, status="active")
    mentoring.session(pair, mentor, days_ago=3)
    mentoring.session(pair, mentor, days_ago=1, status="planned")
    login_as(create_user())
    response = client.get(f"/people/{mentor.id}")
    page = text_of(response)
    assert "Mona Mentor" in page and "Ambassador" in page and "Mentor" in page
    assert "IT" in page and "Berlin" in page and "German, English" in page and "Time zone Berlin" in page and "Europe/Berlin" not in page and "Mondays" in page
    assert "Collaboration Microsoft Teams (expert) SharePoint (practitioner)" in page
    assert "Social media LinkedIn (interested)" in page
    assert "Mentees 1 (1 current)" in page and "Sessions held 1" in page and "2 of 3 places free" in page
    html = response.get_data(as_text=True)
    assert '<a href="https://example.com/mona" rel="nofollow noopener noreferrer">' in html
    assert mentor.email not in page  # e-mail only for the person, change managers and admins


def test_owner_edits_bio_topics_and_details(client, create_user, login_as, db, taxonomy):
    from community.accounts.models import User
    from community.profiles.models import PersonTag

    me = create_user(roles=["mentor"], name="Mo Owner")
    login_as(me)
    assert "My topics" in text_of(client.get(f"/people/{me.id}/edit"))
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, bio="I *love* [Teams](https://teams.example)", department="Sales", location="Hamburg", languages="de, EN",
        availability="Fridays", link="https://example.org/me", capacity="4",
        **{"tags-0-tag": "microsoft-teams", "tags-0-level": "expert", "tags-1-tag": "linkedin", "tags-1-level": "interested"},
    ))
    assert response.status_code == 302
    user = db.session.get(User, me.id)
    assert user.bio_html == '<p>I <em>love</em> <a href="https://teams.example" rel="nofollow noopener noreferrer">Teams</a></p>\n'
    assert (user.department, user.location, user.languages, user.capacity, user.link) == ("Sales", "Hamburg", ["de", "en"], 4, "https://example.org/me")
    levels = dict(db.session.execute(select(PersonTag.tag_id, PersonTag.level).where(PersonTag.user_id == me.id)).all())
    assert sorted(levels.values()) == ["expert", "interested"]

    # Remove one topic (its Remove button, then Save), change the other's level.
    removed = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, remove_topic="linkedin",
        **{"tags-0-tag": "microsoft-teams", "tags-0-level": "practitioner", "tags-1-tag": "linkedin", "tags-1-level": "interested"}))
    assert removed.status_code == 200 and "LinkedIn removed. Save the profile to keep the change." in text_of(removed)
    client.post_form(f"/people/{me.id}/edit", edit_form(me, **{"tags-0-tag": "microsoft-teams", "tags-0-level": "practitioner"}))
    rows = db.session.execute(select(PersonTag.level).where(PersonTag.user_id == me.id)).scalars().all()
    assert rows == ["practitioner"]
    # The directory finds the new text at once.
    assert "Mo Owner" in text_of(client.get("/people?q=love+hamburg"))


@pytest.mark.parametrize("field, value, message", [
    ("link", "javascript:alert(1)", "Enter a web address starting with http:// or https://."),
    ("link", "data:text/html,hi", "Enter a web address starting with http:// or https://."),
    ("link", "//evil.example", "Enter a web address starting with http:// or https://."),
    ("bio", "x" * 5001, "Field cannot be longer than 5000 characters."),
    ("capacity", "11", "Number must be between 0 and 10."),
    ("languages", "german", "Languages are ISO codes such as en, de, fr."),
    ("tags-0-level", "guru", "Not a valid choice."),
    ("tags-0-tag", "no-such-topic", "Not a valid choice."),
])
def test_edit_form_refuses_bad_values_with_field_errors(client, create_user, login_as, db, taxonomy, field, value, message):
    from community.accounts.models import User

    me = create_user(roles=["mentor"], name="Mo Owner")
    login_as(me)
    data = edit_form(me, bio="kept", **{"tags-0-tag": "linkedin"})
    data[field] = value
    response = client.post_form(f"/people/{me.id}/edit", data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert db.session.get(User, me.id).bio is None  # nothing half-saved


def test_a_number_that_cannot_be_read_gets_that_message_alone(client, create_user, login_as, taxonomy):
    """"2.5" places read "Enter a whole number." and "Number must be between 0 and 10." at once,
    although 2.5 is between 0 and 10."""
    me = create_user(roles=["mentor"], name="Mo Owner")
    login_as(me)
    data = edit_form(me, **{"tags-0-tag": "linkedin"})
    data["capacity"] = "2.5"
    page = text_of(client.post_form(f"/people/{me.id}/edit", data))
    assert "Enter a whole number." in page and "between 0 and 10" not in page


def test_a_topic_chosen_in_two_rows_is_refused_and_keeps_its_level(client, create_user, login_as, db, give_tags, taxonomy):
    from community.profiles.models import PersonTag

    me = create_user(roles=["mentor"], name="Mo Owner")
    give_tags(me, {"microsoft-teams": "expert"})
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, bio="kept?", **{"tags-0-tag": "microsoft-teams", "tags-0-level": "expert",
                            "tags-1-tag": "microsoft-teams", "tags-1-level": "interested"}))
    assert response.status_code == 200
    assert "This topic is in another row already; change its level there." in text_of(response)
    assert db.session.scalars(select(PersonTag.level).where(PersonTag.user_id == me.id)).all() == ["expert"]
    # Saving it in one row is fine.
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, **{"tags-0-tag": "microsoft-teams", "tags-0-level": "practitioner"}))
    assert response.status_code == 302


def test_only_the_owner_or_an_admin_edits_a_profile(client, create_user, login_as, api_token, db):
    from community.accounts.models import User

    owner = create_user(name="Olga Owner")
    other = create_user(name="Otto Other")
    manager = create_user(roles=["change_manager"])
    login_as(other)
    assert client.get(f"/people/{owner.id}/edit").status_code == 403
    assert client.post_form(f"/people/{owner.id}/edit", edit_form(owner, bio="hacked")).status_code == 403
    for intruder in (other, manager):
        response = client.send_json("PATCH", f"/api/v1/people/{owner.id}", {"bio": "hacked"}, token=api_token(intruder))
        assert response.status_code == 403
    admin = create_user(roles=["admin"])
    response = client.send_json("PATCH", f"/api/v1/people/{owner.id}", {"bio": "fixed by admin"}, token=api_token(admin))
    assert response.status_code == 200 and response.json["bio"] == "fixed by admin"
    assert db.session.get(User, owner.id).bio == "fixed by admin"


def test_api_patch_edits_profile_and_tags(client, create_user, api_token, taxonomy):
    me = create_user(roles=["mentor"])
    token = api_token(me)
    response = client.send_json("PATCH", f"/api/v1/people/{me.id}", {
        "bio": "Hello **world**", "department": "IT", "languages": ["de"], "timezone": "Europe/Vienna", "capacity": 3,
        "availability": "Mornings", "link": "https://example.com", "directory_visible": True,
        "tags": [{"slug": "microsoft-teams", "level": "expert"}, {"slug": "yammer", "level": "interested"}],
    }, token=token)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["bio_html"] == "<p>Hello <strong>world</strong></p>\n"
    assert body["tags"] == [
        {"slug": "microsoft-teams", "name": "Microsoft Teams", "level": "expert", "field": "collaboration"},
        {"slug": "viva-engage", "name": "Viva Engage (Yammer)", "level": "interested", "field": "social-media"},
    ]
    assert body["email"] == me.email and body["capacity"] == 3 and body["timezone"] == "Europe/Vienna"


@pytest.mark.parametrize("body, field", [
    ({"tags": [{"slug": "linkedin", "level": "guru"}]}, "tags.0.level"),
    ({"tags": [{"slug": "no-such-topic", "level": "expert"}]}, "tags"),
    ({"bio": "x" * 5001}, "bio"),
    ({"link": "javascript:alert(1)"}, "link"),
    ({"capacity": 11}, "capacity"),
    ({"capacity": "3"}, "capacity"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"roles": ["admin"]}, "roles"),
    ({"is_ambassador": True}, "is_ambassador"),
    ({"email": "new@example.com"}, "email"),
    ({"name": "New Name"}, "name"),
    ({"password_hash": "x"}, "password_hash"),
])
def test_api_patch_refuses_invalid_values_and_fields_one_may_not_set(client, create_user, api_token, db, taxonomy, body, field):
    from community.accounts.models import User

    me = create_user(name="Mo Owner")
    response = client.send_json("PATCH", f"/api/v1/people/{me.id}", {"department": "Changed", **body}, token=api_token(me))
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    user = db.session.get(User, me.id)
    assert user.department is None and user.roles == ["staff"] and not user.is_ambassador and user.name == "Mo Owner"


def test_hidden_profile_is_found_only_by_themselves_change_managers_and_admins(client, create_user, api_token):
    hidden = create_user(name="Hilde Hidden", directory_visible=False)
    for viewer, status in [(create_user(), 404), (hidden, 200), (create_user(roles=["change_manager"]), 200),
                           (create_user(roles=["admin"]), 200)]:
        response = client.get(f"/api/v1/people/{hidden.id}", headers={"Authorization": f"Bearer {api_token(viewer)}"})
        assert response.status_code == status


def test_hidden_profile_page_is_404_for_colleagues(client, create_user, login_as):
    hidden = create_user(name="Hilde Hidden", directory_visible=False)
    login_as(create_user())
    assert client.get(f"/people/{hidden.id}").status_code == 404
    assert client.get("/people/999999").status_code == 404


def test_email_is_shown_only_to_self_change_managers_and_admins(client, create_user, api_token):
    person = create_user()
    for viewer, sees in [(create_user(), False), (person, True), (create_user(roles=["change_manager"]), True),
                         (create_user(roles=["admin"]), True)]:
        body = client.get(f"/api/v1/people/{person.id}", headers={"Authorization": f"Bearer {api_token(viewer)}"}).json
        assert ("email" in body) is sees


def test_xss_in_names_bios_and_topics_is_inert_on_pages_and_in_json(app, client, create_user, give_tags, create_tag, api_token, login_as):
    from community.accounts.models import User
    from community.extensions import db
    from community.profiles.services import update_profile

    create_tag("xss-topic", name=XSS, field="collaboration")
    evil = create_user(name=XSS, department=XSS, location=XSS)

    def set_bio():
        with app.app_context():
            person = db.session.get(User, evil.id)
            update_profile(person, person, bio=XSS + "\n\n[click](javascript:alert(1))", availability=XSS)
            db.session.commit()

    isolated(app, set_bio)
    give_tags(evil, {"xss-topic": "expert"})
    viewer = create_user()
    login_as(viewer)
    for url in (f"/people/{evil.id}", "/people?q=script", "/people", "/tags", "/tags/xss-topic",
                "/tags/xss-topic/contacts", "/tags?q=script"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and 'href="javascript:' not in html, url
        assert "&lt;script&gt;" in html, url
    body = client.get(f"/api/v1/people/{evil.id}", headers={"Authorization": f"Bearer {api_token(viewer)}"})
    assert body.headers["Content-Type"].startswith("application/json")
    assert "<script>" not in body.json["bio_html"] and 'href="javascript:' not in body.json["bio_html"]


def test_settings_page_changes_visibility_opt_out_language_and_time_zone(client, create_user, login_as, db):
    from community.accounts.models import User

    me = create_user()
    login_as(me)
    page = text_of(client.get("/settings"))
    assert "List me in the people directory" in page and "Leave me out of the network analysis" in page
    response = client.post_form("/settings", {"analysis_opt_out": "y", "locale": "de", "timezone": "Europe/Zurich"})
    assert response.status_code == 302
    # confirmed in the language just chosen, as the page it leads to speaks it
    saved = text_of(client.get(response.headers["Location"]))
    assert "Einstellungen gespeichert." in saved and "Settings saved." not in saved
    user = db.session.get(User, me.id)
    assert (user.directory_visible, user.analysis_opt_out, user.locale, user.timezone) == (False, True, "de", "Europe/Zurich")
    assert client.post_form("/settings", {"locale": "xx", "timezone": "Europe/Zurich"}).status_code == 200
    # the profile names the zone as the settings do, by its place in the reader's language
    profile = text_of(client.get(f"/people/{me.id}"))
    assert "Zürich" in profile and "Europe/Zurich" not in profile


def test_settings_form_needs_csrf(client, create_user, login_as):
    login_as(create_user())
    assert client.post("/settings", data={"locale": "de", "timezone": "UTC"}).status_code == 400


def test_api_me_changes_privacy_settings(client, create_user, api_token, db):
    from community.accounts.models import User

    me = create_user()
    response = client.send_json("PATCH", "/api/v1/me", {"directory_visible": False, "analysis_opt_out": True}, token=api_token(me))
    assert response.status_code == 200
    assert response.json["directory_visible"] is False and response.json["analysis_opt_out"] is True
    assert db.session.get(User, me.id).directory_visible is False


def test_csv_import_adds_topics_and_reports_bad_ones(app, db, create_user, give_tags, taxonomy):
    from community.accounts.importing import import_people
    from community.accounts.models import User
    from community.profiles.models import PersonTag

    known = create_user(email="known@example.com", name="Known Person")
    give_tags(known, {"sharepoint": "expert"})
    data = (
        b"name,email,tags\n"
        b"Known Person,known@example.com,microsoft-teams:expert;yammer\n"
        b"New Person,new@example.com,linkedin:practitioner\n"
        b"Bad Topic,bad@example.com,no-such-topic:expert\n"
        b"Bad Level,level@example.com,linkedin:guru\n"
    )

    def run():
        with app.app_context():
            report = import_people(data)
            db.session.commit()
            return report

    report = isolated(app, run)
    assert (report.created, report.updated) == (1, 1)
    assert [line for line, _msg in report.errors] == [4, 5]
    assert "no-such-topic" in report.errors[0][1] and "guru" in report.errors[1][1]
    levels = {t.tag.slug: t.level for t in db.session.scalars(select(PersonTag).where(PersonTag.user_id == known.id))}
    assert levels == {"sharepoint": "expert", "microsoft-teams": "expert", "viva-engage": "interested"}  # never removed
    new = db.session.scalar(select(User).where(User.email == "new@example.com"))
    assert [(t.tag.slug, t.level) for t in new.tag_rows] == [("linkedin", "practitioner")]
    # Imported people are searchable although later rows of the file failed.
    from community.profiles.queries import DirectoryQuery, search_people

    found = search_people(DirectoryQuery(q="new person linkedin"), page=1, per_page=10).page.items
    assert [p.email for p in found] == ["new@example.com"]
    assert [p.email for p in search_people(DirectoryQuery(q="yammer"), page=1, per_page=10).page.items] == ["known@example.com"]


def test_edit_form_ignores_fields_one_may_not_set(client, create_user, login_as, db):
    from community.accounts.models import User

    me = create_user(name="Mo Owner")
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", edit_form(
        me, roles="admin", is_ambassador="y", email="x@example.com", name="Someone Else"))
    assert response.status_code == 302
    user = db.session.get(User, me.id)
    assert (user.roles, user.is_ambassador, user.email, user.name) == (["staff"], False, me.email, "Mo Owner")


def test_home_page_nudges_to_complete_the_profile(client, create_user, login_as):
    login_as(create_user(roles=["mentor"]))
    page = text_of(client.get("/"))
    assert "Your profile" in page and "Add the topics you know" in page and "Meet mentors" in page


def test_every_profile_shows_its_handle(client, create_user, login_as):
    person = create_user(name="Hanna Handle")
    login_as(create_user())
    assert f"@{person.handle}" in text_of(client.get(f"/people/{person.id}"))


def test_the_edit_form_groups_time_zones_by_region_and_names_languages(client, create_user, login_as):
    me = create_user(languages=["de", "en"], timezone="Europe/Berlin")
    login_as(me)
    html = client.get(f"/people/{me.id}/edit").get_data(as_text=True)
    assert '<optgroup label="Europe">' in html and '<optgroup label="Americas">' in html
    assert '<option selected value="Europe/Berlin">Berlin</option>' in html
    assert ">German</label>" in html and ">English</label>" in html
    ticked = re.search(r'<input[^>]*name="languages"[^>]*value="de"[^>]*>', html).group(0)
    assert "checked" in ticked
    client.post_form("/locale", {"locale": "de"})
    german = client.get(f"/people/{me.id}/edit").get_data(as_text=True)
    assert ">Deutsch</label>" in german and ">Englisch</label>" in german and '<optgroup label="Europa">' in german


def test_languages_are_saved_from_the_ticked_boxes(client, create_user, login_as, db):
    from community.accounts.models import User

    me = create_user(languages=["de"])
    login_as(me)
    response = client.post_form(f"/people/{me.id}/edit", {"languages": ["fr", "en"], "timezone": "Europe/Paris", "capacity": 0})
    assert response.status_code == 302
    assert db.session.get(User, me.id).languages == ["fr", "en"] or sorted(db.session.get(User, me.id).languages) == ["en", "fr"]


def test_a_single_mentoring_place_is_counted_in_the_singular(client, create_user, login_as):
    """A mentor with one place read "1 of 1 places free" on the profile, in German "1 von 1 Plätzen frei"."""
    mentor = create_user(roles=["mentor"], name="Uma Single", capacity=1)
    login_as(create_user())
    assert "1 of 1 place free" in text_of(client.get(f"/people/{mentor.id}"))
    client.post_form("/locale", {"locale": "de", "next": "/"})
    assert "1 von 1 Platz frei" in text_of(client.get(f"/people/{mentor.id}"))


def test_time_zones_are_named_in_the_readers_language_once_each(client, create_user, login_as):
    """The German settings listed "Vienna", "Zurich", "Tokyo": a search for "Wien" found nothing;
    "Istanbul" stood there twice and "Asmara" beside its old spelling "Asmera"."""
    me = create_user(timezone="Europe/Vienna")
    login_as(me)
    english = client.get("/settings").get_data(as_text=True)
    assert '<option selected value="Europe/Vienna">Vienna</option>' in english
    client.post_form("/locale", {"locale": "de"})
    german = client.get("/settings").get_data(as_text=True)
    assert '<option selected value="Europe/Vienna">Wien</option>' in german
    for zone, place in (("Asia/Tokyo", "Tokio"), ("Europe/Zurich", "Zürich"), ("Europe/Moscow", "Moskau")):
        assert f'<option value="{zone}">{place}</option>' in german
    assert german.count(">Istanbul</option>") == 1 and 'value="Africa/Asmera"' not in german
    europe = re.search(r'<optgroup label="Europa">(.*?)</optgroup>', german, re.S).group(1)
    places = re.findall(r">([^<]+)</option>", europe)
    assert places.index("Zagreb") < places.index("Zürich")  # alphabetical, accents or not


def test_the_topic_editor_names_each_topic_with_its_level_and_a_remove_button(client, create_user, login_as, give_tags,
                                                                               taxonomy):
    """Each topic is a row of its own (a card-like row that wraps on a phone, no table): its
    name, a level select labelled with the topic, a Remove button naming it for screen readers."""
    me = create_user(roles=["mentor"], locale="de")
    give_tags(me, {"microsoft-teams": "expert"})
    login_as(me)
    html = client.get(f"/people/{me.id}/edit").get_data(as_text=True)
    [row] = re.findall(r'<li class="topic-row">(.*?)</li>', html, re.S)
    assert '<span class="topic-name">Microsoft Teams</span>' in row
    assert re.search(r'<label for="tags-0-level" class="visually-hidden">[^<]*Microsoft Teams[^<]*</label>', row)
    assert re.search(r'<option selected value="expert">|<option value="expert" selected>', row)
    assert re.search(r'<button type="submit" name="remove_topic" value="microsoft-teams"[^>]*>Entfernen'
                     r'<span class="visually-hidden"> Microsoft Teams</span></button>', row)
    assert "<table" not in html.split('id="my-topics"', 1)[1].split("</fieldset>", 1)[0]


def test_the_language_list_is_alphabetical_in_german_too(client, create_user, login_as):
    """The edit form's languages were sorted by their letters' codes, so in German "Deutsch" came
    before "Dänisch"; they sort as a reader looks them up, the umlaut with its letter."""
    me = create_user(roles=["mentor"])
    login_as(me)
    client.post_form("/locale", {"locale": "de"})
    html = client.get(f"/people/{me.id}/edit").get_data(as_text=True)
    field = html[html.index('<fieldset class="field" id="languages">'):]
    names = re.findall(r'<label class="form-check-label" for="languages-\d+">([^<]+)</label>', field[:field.index("</fieldset>")])
    assert names.index("Dänisch") < names.index("Deutsch") < names.index("Englisch")
    assert names == sorted(names, key=lambda name: name.replace("ä", "a").replace("ö", "o").replace("ü", "u").casefold())


@pytest.mark.parametrize("q", ["%", "'", "-", "_", "\\", "*"])
def test_a_search_of_punctuation_only_asks_for_letters_instead_of_listing_everyone(client, create_user, login_as, q):
    """ "%" listed all 394 people under a "Search: %" chip."""
    create_user(name="Anna Example")
    login_as(create_user(name="Viewer Person"))
    page = client.get("/people", query_string={"q": q})
    text = text_of(page)
    assert page.status_code == 200 and "Type letters or digits to search." in text
    assert "Anna Example" not in text


def test_a_long_search_is_shortened_in_its_chip(client, create_user, login_as):
    login_as(create_user(name="Viewer Person"))
    long_words = "digitalisierungsstrategieworkshopteilnehmerliste " * 10
    html = client.get("/people", query_string={"q": long_words}).get_data(as_text=True)
    chip = re.search(r'class="badge[^"]*filter-chip"[^>]*>([^<]*)', html).group(1)
    assert chip.strip().startswith("Search: digitalisierung") and chip.strip().endswith("…") and len(chip.strip()) < 60
