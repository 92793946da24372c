"""Pickers: /suggest/people and /suggest/topics answer the autocomplete of static/js/suggest.js,
and list exactly the people the directory lists."""

from __future__ import annotations

from tests.conftest import text_of


def test_people_are_suggested_by_name_or_handle_but_never_hidden_ones(client, create_user, login_as):
    create_user(name="Lisa Ferrari", department="IT")
    create_user(name="Lisbeth Hidden", directory_visible=False)
    create_user(name="Lise Gone", active=False)
    create_user(name="Anna Lisowski")
    login_as(create_user(roles=("admin",)))  # an admin sees what everyone sees here
    names = [item["name"] for item in client.get("/suggest/people?q=lis").json["items"]]
    assert names == ["Lisa Ferrari", "Anna Lisowski"]
    item = client.get("/suggest/people?q=@lisa.f").json["items"][0]
    assert item["value"] == "@lisa.ferrari" and item["handle"] == "lisa.ferrari" and "IT" in item["detail"]
    assert client.get("/suggest/people?q=").json["items"] == []
    assert client.get("/suggest/people?q=%25").json["items"] == []  # a wildcard is just a character
    assert client.get("/suggest/people?q=%00").json["items"] == []
    assert client.get("/suggest/topics?q=%00").status_code == 200


def test_people_can_be_limited_to_a_role(client, create_user, login_as):
    create_user(name="Mona Mentor", roles=("mentor",))
    create_user(name="Mona Staff", roles=("staff",))
    login_as(create_user())
    assert [i["name"] for i in client.get("/suggest/people?q=mona&role=mentor").json["items"]] == ["Mona Mentor"]


def test_topics_are_suggested_by_name_and_synonym(client, create_user, login_as, taxonomy):
    login_as(create_user())
    items = client.get("/suggest/topics?q=teams").json["items"]
    assert items[0]["value"] == "microsoft-teams" and items[0]["name"] == "Microsoft Teams"


def test_topics_named_by_the_typed_word_come_before_words_that_only_contain_it(client, create_user, login_as, db):
    """Typing "ai" listed "Chain of custody", "Email etiquette", "Maintenance"… alphabetically
    before "AI tools", and the picker shows only the first eight."""
    from community.expertise.models import Tag

    for index, name in enumerate(["Chain of custody", "Detail work", "Email etiquette", "Explaining things", "Fair use",
                                  "Maintenance", "Mail merge", "Paid media", "Rainbow tables", "Trail running"]):
        db.session.add(Tag(slug=f"inner-{index}", name=name, field="ways-of-working"))
    db.session.add_all([Tag(slug="ai-tools", name="AI tools", field="ways-of-working"),
                        Tag(slug="generative-ai", name="Generative AI", field="ways-of-working"),
                        Tag(slug="ai", name="AI", name_de="KI", field="ways-of-working")])
    db.session.commit()
    login_as(create_user())
    names = [item["name"] for item in client.get("/suggest/topics?q=ai").json["items"]]
    assert names[:3] == ["AI", "AI tools", "Generative AI"] and len(names) == 8
    assert [item["name"] for item in client.get("/suggest/topics?q=ki").json["items"]][0] == "AI"
    assert client.get("/suggest/topics?q=a%25").json["items"] == []  # a wildcard is just a character


def test_suggestions_need_a_login(client):
    assert client.get("/suggest/people?q=a").status_code == 302


def test_the_pickers_are_attached_to_the_nominee_the_post_box_and_the_goals(client, create_user, login_as, taxonomy):
    from community.ambassadors.forms import NominationForm
    from community.discussions.forms import ReplyForm, ThreadForm

    with client.application.test_request_context():
        assert 'data-suggest="people"' in NominationForm(meta={"csrf": False}).nominee()
        assert 'data-suggest-role="mentor"' in NominationForm(meta={"csrf": False}).nominee()
        for form in (ThreadForm(meta={"csrf": False}), ReplyForm(meta={"csrf": False})):
            assert 'data-suggest-mode="mention"' in form.body()
    login_as(create_user(roles=("executive",)))
    html = client.get("/mentoring/request").get_data(as_text=True)
    assert 'data-suggest-checks="topics"' in html and "js/suggest.js" in html
    assert "Learning goals" in text_of(client.get("/mentoring/request"))
