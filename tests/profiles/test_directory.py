"""The people directory: full-text search over names, bios, topics and synonyms, filters, relevance."""

from __future__ import annotations

import pytest

from tests.conftest import text_of

FTS_SYNTAX = ['"', '""', "*", "teams*", "-", "-teams", "NEAR", "NEAR(a b)", "(", ")", "a:b", "AND", "OR NOT",
              "teams AND", "^x", "'; DROP TABLE users; --", "%", "_", "\\", "{", "}", "+", "::", "'", "ü*", "\x00"]


@pytest.fixture
def people(create_user, give_tags, taxonomy):
    anna = create_user(roles=["mentor"], name="Anna Müller", department="Sales", location="Munich", languages=["de", "en"],
                       bio="I love short videos and **pivot tables**.")
    ben = create_user(roles=["staff"], name="Ben Weber", department="IT", location="Hamburg", languages=["en"])
    cara = create_user(roles=["executive"], name="Cara Schmidt", department="Finance", location="Munich", languages=["de"])
    dora = create_user(roles=["staff"], name="Dora Hidden", department="Sales", directory_visible=False)
    give_tags(anna, {"microsoft-teams": "expert", "linkedin": "practitioner"})
    give_tags(ben, {"microsoft-teams": "interested", "cyber-hygiene": "expert"})
    give_tags(cara, {"viva-engage": "practitioner"})
    give_tags(dora, {"microsoft-teams": "expert"})
    return {"anna": anna, "ben": ben, "cara": cara, "dora": dora}


def names(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [item["name"] for item in response.json["items"]]


def test_staff_member_finds_people_by_name_topic_department_and_bio(client, create_user, api_token, people):
    token = api_token(create_user())
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert names(client, "/api/v1/people?q=weber") == ["Ben Weber"]
    assert set(names(client, "/api/v1/people?q=microsoft teams")) == {"Anna Müller", "Ben Weber"}
    assert names(client, "/api/v1/people?q=finance") == ["Cara Schmidt"]
    assert names(client, "/api/v1/people?q=pivot") == ["Anna Müller"]
    assert names(client, "/api/v1/people?q=hamburg") == ["Ben Weber"]


def test_synonyms_and_german_names_find_the_topics_holders(client, create_user, api_token, people):
    token = api_token(create_user())
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert names(client, "/api/v1/people?q=yammer") == ["Cara Schmidt"]  # synonym of Viva Engage
    assert set(names(client, "/api/v1/people?q=ms teams")) == {"Anna Müller", "Ben Weber"}
    assert names(client, "/api/v1/people?q=cyber-hygiene") == ["Ben Weber"]
    assert names(client, "/api/v1/people?q=it security") == ["Ben Weber"]  # synonym of Cyber hygiene


def test_search_is_by_word_prefix_and_ignores_accents_and_case(client, create_user, api_token, people):
    token = api_token(create_user())
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert names(client, "/api/v1/people?q=mül") == ["Anna Müller"]
    assert names(client, "/api/v1/people?q=MULLER") == ["Anna Müller"]
    assert names(client, "/api/v1/people?q=linked") == ["Anna Müller"]
    assert names(client, "/api/v1/people?q=anna schm") == []  # every word must match


def test_filters_narrow_the_directory(client, create_user, api_token, people):
    token = api_token(create_user(name="Zed Observer"))
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert names(client, "/api/v1/people?tag=microsoft-teams") == ["Anna Müller", "Ben Weber"]  # expert first
    assert names(client, "/api/v1/people?tag=teams") == ["Anna Müller", "Ben Weber"]  # a synonym works too
    assert names(client, "/api/v1/people?role=executive") == ["Cara Schmidt"]
    assert names(client, "/api/v1/people?department=Sales") == ["Anna Müller"]
    assert names(client, "/api/v1/people?location=Munich") == ["Anna Müller", "Cara Schmidt"]
    assert names(client, "/api/v1/people?language=de&location=Munich&q=cara") == ["Cara Schmidt"]
    response = client.get("/api/v1/people?tag=no-such-topic")
    assert response.status_code == 422 and "tag" in response.json["error"]["fields"]
    response = client.get("/api/v1/people?role=wizard")
    assert response.status_code == 422 and "role" in response.json["error"]["fields"]


def test_directory_is_paginated(client, create_user, api_token):
    for i in range(7):
        create_user(name=f"Person {chr(65 + i)}", department="Logistics")
    token = api_token(create_user(department="Other"))
    response = client.get("/api/v1/people?department=Logistics&per_page=3&page=3", headers={"Authorization": f"Bearer {token}"})
    assert response.json["total"] == 7 and response.json["page"] == 3
    assert [p["name"] for p in response.json["items"]] == ["Person G"]


def test_a_search_matching_many_people_stops_counting_and_still_pages(client, create_user, api_token, login_as,
                                                                      monkeypatch):
    from community.profiles import queries

    monkeypatch.setattr(queries, "COUNT_LIMIT", 3)
    for i in range(7):
        create_user(name=f"Person {chr(65 + i)}", department="Logistics")
    viewer = create_user(department="Other")
    token = api_token(viewer)
    first = client.get("/api/v1/people?q=logistics&per_page=2", headers={"Authorization": f"Bearer {token}"}).json
    assert first["total"] == 3 and first["more"] is True and [p["name"] for p in first["items"]] == ["Person A", "Person B"]
    last = client.get("/api/v1/people?q=logistics&per_page=2&page=4", headers={"Authorization": f"Bearer {token}"}).json
    assert last["total"] == 7 and last["more"] is False and [p["name"] for p in last["items"]] == ["Person G"]
    # Filters alone still count everyone.
    assert client.get("/api/v1/people?department=Logistics&per_page=2",
                      headers={"Authorization": f"Bearer {token}"}).json["total"] == 7
    login_as(viewer)
    page = text_of(client.get("/people?q=logistics&per_page=2"))
    assert "More than 3 people" in page and "Page 1 of more than 2" in page


def test_text_rank_orders_results_before_names(client, create_user, api_token, give_tags, taxonomy):
    create_user(name="Aaron Mention", bio="once used planner")
    create_user(name="Zora Planner", bio="planner planner planner: planner boards for every team", department="Planner office")
    token = api_token(create_user())
    response = client.get("/api/v1/people?q=planner", headers={"Authorization": f"Bearer {token}"})
    assert [p["name"] for p in response.json["items"]] == ["Zora Planner", "Aaron Mention"]


def test_hidden_people_are_not_listed_anywhere_in_the_directory(client, create_user, api_token, people, login_as):
    admin = create_user(roles=["admin"])
    token = api_token(admin)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert "Dora Hidden" not in names(client, "/api/v1/people?q=dora")
    assert "Dora Hidden" not in names(client, "/api/v1/people?tag=microsoft-teams")
    del client.environ_base["HTTP_AUTHORIZATION"]
    login_as(create_user())
    assert "Dora Hidden" not in text_of(client.get("/people?q=dora"))


@pytest.mark.parametrize("query", FTS_SYNTAX)
def test_search_syntax_characters_never_break_the_directory(client, create_user, api_token, login_as, people, query):
    user = create_user()
    response = client.get("/api/v1/people", query_string={"q": query}, headers={"Authorization": f"Bearer {api_token(user)}"})
    # Words are searched; punctuation alone is refused on the field (it listed everyone).
    assert response.status_code == 200 or (response.status_code == 422 and "q" in response.json["error"]["fields"])
    login_as(user)
    page = client.get("/people", query_string={"q": query})
    assert page.status_code == 200


def test_directory_page_shows_people_with_topics_and_filters(client, create_user, login_as, people):
    login_as(create_user())
    page = text_of(client.get("/people?q=teams"))
    assert "Anna Müller" in page and "Ben Weber" in page and "Cara Schmidt" not in page
    assert "2 people" in page
    page = client.get("/people?tag=nope")
    assert page.status_code == 200 and "No topic “nope”" in text_of(page)
    assert "Whom to ask about Microsoft Teams" in text_of(client.get("/people?tag=microsoft-teams"))


def test_directory_requires_login(client):
    assert client.get("/people").status_code == 302


def test_directory_page_shows_a_changed_profile_at_once_despite_its_cache(client, create_user, login_as, api_token, people):
    """The directory's results are cached; an edit or a hide must still show on the next visit."""
    viewer = create_user(roles=["staff"])
    login_as(viewer)
    assert "Anna Müller" not in text_of(client.get("/people?q=zebra"))
    assert "Anna Müller" in text_of(client.get("/people?q=sales"))

    anna_token = api_token(people["anna"])
    assert client.send_json("PATCH", f"/api/v1/people/{people['anna'].id}", {"bio": "Zebra crossings and Teams"},
                            token=anna_token).status_code == 200
    assert "Anna Müller" in text_of(client.get("/people?q=zebra"))

    assert client.send_json("PATCH", f"/api/v1/people/{people['anna'].id}", {"directory_visible": False},
                            token=anna_token).status_code == 200
    assert "Anna Müller" not in text_of(client.get("/people?q=sales"))
    assert "Anna Müller" not in text_of(client.get("/people?q=zebra"))


def test_a_refused_edit_leaves_the_cached_directory_as_it_was(app, client, create_user, login_as, api_token, people):
    """A change that fails and is rolled back does not throw away the cached results."""
    from community import caching

    viewer = create_user(roles=["staff"])
    login_as(viewer)
    before = text_of(client.get("/people?q=sales"))
    with app.test_request_context():
        generation = caching.generation("directory")
    response = client.send_json("PATCH", f"/api/v1/people/{people['anna'].id}", {"capacity": -5, "bio": "Changed"},
                                token=api_token(people["anna"]))
    assert response.status_code == 422
    with app.test_request_context():
        assert caching.generation("directory") == generation
    assert text_of(client.get("/people?q=sales")) == before


def test_a_bad_row_of_an_import_does_not_keep_the_good_rows_out_of_the_cached_directory(
        app, client, create_user, login_as, runner, tmp_path, taxonomy):
    """Each CSV row is a savepoint; a rejected last row must not cancel the earlier rows' cache renewal."""
    login_as(create_user(roles=["staff"]))
    assert "Imke Import" not in text_of(client.get("/people?q=imke"))
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("name,email,department\nImke Import,imke@corp.example,IT\nBad Row,not-an-email,IT\n",
                        encoding="utf-8")
    result = runner.invoke(args=["people", "import", str(csv_file)])
    assert result.exit_code == 2, result.output
    assert "Imke Import" in text_of(client.get("/people?q=imke"))


def test_api_directory_shares_its_results_but_shows_emails_only_to_those_who_may_see_them(
        client, create_user, api_token, people):
    """The search is cached for everyone; e-mail addresses are added per caller, never from the cache."""
    staff = create_user(roles=["staff"], name="Sam Staff", department="Sales")
    manager = create_user(roles=["change_manager"])

    def emails(user):
        body = client.get("/api/v1/people?department=Sales", headers={"Authorization": f"Bearer {api_token(user)}"}).json
        return {item["name"]: item.get("email") for item in body["items"]}

    assert set(emails(staff)) == {"Anna Müller", "Sam Staff"}
    assert emails(staff) == {"Anna Müller": None, "Sam Staff": staff.email}  # only their own
    assert emails(manager) == {"Anna Müller": people["anna"].email, "Sam Staff": staff.email}
    assert emails(people["anna"]) == {"Anna Müller": people["anna"].email, "Sam Staff": None}
    token = api_token(people["anna"])
    assert client.send_json("PATCH", f"/api/v1/people/{people['anna'].id}", {"department": "Finance"},
                            token=token).status_code == 200
    assert set(emails(staff)) == {"Sam Staff"}  # the change shows at once


def test_a_query_naming_a_topic_puts_its_experts_first_with_a_whom_to_ask_banner(client, create_user, give_tags, login_as, taxonomy):
    create_user(name="Aaron Alpha", bio="I love Microsoft Teams and use it daily.")
    expert = create_user(name="Zora Zulu")
    give_tags(expert, {"microsoft-teams": "expert"})
    practitioner = create_user(name="Mia Middle")
    give_tags(practitioner, {"microsoft-teams": "practitioner"})
    login_as(create_user())
    page = text_of(client.get("/people?q=microsoft+teams"))
    assert page.index("Zora Zulu") < page.index("Mia Middle") < page.index("Aaron Alpha")
    assert "Whom to ask about Microsoft Teams" in page
    assert "Microsoft Teams · expert" in page and "Microsoft Teams · practitioner" in page
    html = client.get("/people?q=teams").get_data(as_text=True)  # a synonym or the short name
    assert 'href="/tags/microsoft-teams/contacts"' in html
    assert "@" + "zora" in text_of(client.get("/people?q=zora"))


def test_active_filters_are_chips_that_drop_one_filter(client, create_user, give_tags, login_as, taxonomy):
    person = create_user(name="Chip Person", department="IT", languages=["de"])
    give_tags(person, {"linkedin": "expert"})
    login_as(create_user())
    html = client.get("/people?q=chip&department=IT&language=de").get_data(as_text=True)
    assert 'href="/people?department=IT&amp;language=de"' in html  # drops the search words
    assert 'href="/people?q=chip&amp;language=de"' in html  # drops the department
    text = text_of(client.get("/people?q=chip&department=IT&language=de"))
    assert "Search: chip" in text and "Department: IT" in text and "Language: German" in text


def test_search_as_you_type_answers_htmx_with_the_results_only(client, create_user, login_as):
    create_user(name="Hilde Htmx")
    login_as(create_user())
    fragment = client.get("/people?q=hilde", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "Hilde Htmx" in html and "<html" not in html and 'id="q"' not in html
    assert "HX-Request" in fragment.headers.get("Vary", "")
    full = client.get("/people?q=hilde", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in full.get_data(as_text=True)
    page = client.get("/people?q=hilde").get_data(as_text=True)
    assert "<html" in page and 'hx-get="/people"' in page and 'hx-push-url="true"' in page


def _filter_options(html: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select[^>]*id="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    return [value for value in re.findall(r'<option value="([^"]*)"', select.group(1)) if value]


def test_filters_offer_no_department_place_or_language_only_hidden_people_have(
        client, create_user, login_as, api_token, people):
    """A drop-down value that only hidden people have would tell that someone hidden works there."""
    create_user(name="Lena Hidden", department="Legal", location="Lisbon", languages=["pt"], directory_visible=False)
    create_user(name="Otto Gone", department="Procurement", location="Oslo", languages=["fi"], active=False)
    for viewer in (create_user(roles=["staff"]), create_user(roles=["change_manager", "admin"])):
        login_as(viewer)
        html = client.get("/people").get_data(as_text=True)
        assert _filter_options(html, "department") == ["Finance", "IT", "Sales"]
        assert _filter_options(html, "location") == ["Hamburg", "Munich"]
        assert _filter_options(html, "language") == ["de", "en"]
        # Choosing a hidden person's department by hand shows what an unknown one shows.
        legal, nowhere = (text_of(client.get(f"/people?department={d}")).replace(d, "…") for d in ("Legal", "Nowhere"))
        assert legal == nowhere
        client.post_form("/logout")


def test_a_value_leaves_the_filters_when_its_only_person_hides_and_returns_when_they_show(
        client, create_user, login_as, api_token, people):
    """The options are cached; hiding or showing oneself changes them at once."""
    ben_token = api_token(people["ben"])
    login_as(create_user(roles=["staff"]))
    assert "IT" in _filter_options(client.get("/people").get_data(as_text=True), "department")
    assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": False}, token=ben_token).status_code == 200
    html = client.get("/people").get_data(as_text=True)
    assert "IT" not in _filter_options(html, "department")
    assert "Hamburg" not in _filter_options(html, "location")
    assert _filter_options(html, "language") == ["de", "en"]  # Anna speaks English too
    assert client.send_json("PATCH", "/api/v1/me", {"directory_visible": True}, token=ben_token).status_code == 200
    assert "IT" in _filter_options(client.get("/people").get_data(as_text=True), "department")
