"""Change managers and admins open, edit, reorder and delete community categories."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from tests.conftest import login, text_of


def signed_in(app, user):
    """A browser of its own for another person."""
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def category_form(**overrides) -> dict:
    data = {"name": "Data & AI", "name_de": "Daten & KI", "description": "Copilot, Power BI and friends.",
            "description_de": "Copilot, Power BI und Co.", "visibility": "members", "position": "3"}
    data.update(overrides)
    return data


def test_change_manager_opens_a_category_members_can_post_in(app, client, login_as, create_user, db):
    from community.discussions.models import Category, ModerationAction

    manager = create_user(roles=["change_manager"])
    login_as(manager)
    response = client.post_form("/community/categories/new", category_form())
    assert response.status_code == 302
    category = db.session.scalar(select(Category))
    assert (category.slug, category.name, category.name_de, category.position) == ("data-ai", "Data & AI", "Daten & KI", 3)
    assert db.session.scalar(select(ModerationAction.action)) == "category.created"
    assert "Data &amp; AI" in client.get("/community").get_data(as_text=True)

    member = signed_in(app, create_user(roles=["staff"]))
    assert member.get("/community/c/data-ai").status_code == 200
    response = member.post_form("/community/new", {"category": category.id, "title": "Copilot in Excel?", "body": "Who tried it?"})
    assert response.status_code == 302


def test_a_mentors_only_category_is_hidden_from_staff_and_renaming_keeps_its_address(app, client, login_as, create_user,
                                                                                      db):
    from community.discussions.models import Category

    manager = create_user(roles=["change_manager"])
    login_as(manager)
    client.post_form("/community/categories/new", category_form(name="Tough sessions", visibility="mentors"))
    category = db.session.scalar(select(Category))
    response = client.post_form(f"/community/categories/{category.id}/edit",
                                category_form(name="Difficult sessions", visibility="mentors", position="1"))
    assert response.status_code == 302
    db.session.expire_all()
    category = db.session.get(Category, category.id)
    assert (category.slug, category.name) == ("tough-sessions", "Difficult sessions")

    staff = signed_in(app, create_user(roles=["staff"]))
    assert staff.get("/community/c/tough-sessions").status_code == 404
    assert "Difficult sessions" not in text_of(staff.get("/community"))
    assert signed_in(app, create_user(roles=["mentor"])).get("/community/c/tough-sessions").status_code == 200


def test_bad_category_input_gives_field_errors_and_stores_nothing(client, login_as, create_user, db):
    from community.discussions.models import Category

    login_as(create_user(roles=["admin"]))
    for bad in (category_form(name="   "), category_form(visibility="everyone"), category_form(position="-1"),
                category_form(position="many"), category_form(name="x" * 121)):
        response = client.post_form("/community/categories/new", bad)
        assert response.status_code == 200 and "has-error" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Category)) == 0


def test_only_an_empty_category_can_be_deleted(client, login_as, create_user, create_thread, create_category, db):
    from community.discussions.models import Category, Thread

    busy = create_category(name="Busy")
    empty = create_category(name="Empty")
    create_thread(create_user(), category=busy, title="Still here")
    login_as(create_user(roles=["change_manager"]))
    response = client.post_form(f"/community/categories/{busy.id}/delete", follow_redirects=True)
    assert "Move the threads of this category elsewhere first." in text_of(response)
    assert db.session.get(Category, busy.id) is not None and db.session.scalar(select(func.count()).select_from(Thread)) == 1
    assert client.post_form(f"/community/categories/{empty.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Category, empty.id) is None


def test_members_cannot_manage_categories(app, create_user, create_category, db):
    from community.discussions.models import Category

    category = create_category(name="Tools")
    for role in ("mentor", "executive", "staff"):
        client = signed_in(app, create_user(roles=[role]))
        assert client.get("/community/categories").status_code == 403
        assert client.post_form("/community/categories/new", category_form()).status_code == 403
        assert client.post_form(f"/community/categories/{category.id}/edit", category_form(name="Mine")).status_code == 403
        assert client.post_form(f"/community/categories/{category.id}/delete").status_code == 403
    db.session.expire_all()
    assert [c.name for c in db.session.scalars(select(Category))] == ["Tools"]


def test_setup_command_loads_topics_and_starter_categories_once(runner, db):
    from community.discussions.models import Category
    from community.expertise.models import Tag

    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    topics = db.session.scalar(select(func.count()).select_from(Tag))
    categories = db.session.scalar(select(func.count()).select_from(Category))
    assert topics >= 30 and categories == 5
    assert f"{topics} topics and 5 community categories added." in first.output
    again = runner.invoke(args=["setup"])
    assert "0 topics and 0 community categories added." in again.output


def test_setup_does_not_bring_back_a_merged_topic(app, runner, db, create_user):
    from community.accounts.models import User
    from community.expertise import services as expertise
    from community.expertise.models import Tag

    runner.invoke(args=["setup"])
    admin = create_user(roles=["admin"])
    with app.test_request_context():
        get = lambda slug: db.session.scalar(select(Tag).where(Tag.slug == slug))  # noqa: E731
        expertise.merge_tags(db.session.get(User, admin.id), get("sharepoint"), get("microsoft-teams"))
        db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(Tag))
    assert "0 topics" in runner.invoke(args=["setup"]).output
    assert db.session.scalar(select(func.count()).select_from(Tag)) == before
    assert db.session.scalar(select(Tag.id).where(Tag.slug == "sharepoint")) is None


def test_category_changes_appear_in_the_moderation_log(client, login_as, create_user):
    login_as(create_user(roles=["change_manager"]))
    client.post_form("/community/categories/new", category_form(name="Automation"))
    log = text_of(client.get("/community/moderation/log"))
    assert "opened a category" in log and "(Automation)" in log


def test_the_moderation_log_names_categories_in_the_readers_language_not_by_slug(
    client, login_as, create_user, create_category, create_thread
):
    tools = create_category(name="Tools & tricks", name_de="Tools & Tricks", slug="tools-and-tricks")
    lounge = create_category(name="Mentor lounge", name_de="Mentoren-Lounge", slug="mentor-lounge", visibility="mentors")
    thread = create_thread(create_user(), category=tools)
    login_as(create_user(roles=["change_manager"], locale="de"))
    assert client.post_form(f"/threads/{thread.id}/move", {"category": lounge.id}).status_code == 302
    doomed = create_category(name="Short-lived", name_de="Kurzlebig", slug="category")
    assert client.post_form(f"/community/categories/{doomed.id}/delete", {}).status_code == 302

    log = html.unescape(text_of(client.get("/community/moderation/log")))
    assert "(Tools & Tricks → Mentoren-Lounge)" in log and "(Kurzlebig)" in log
    assert "tools-and-tricks" not in log and "(category)" not in log
    client.post_form("/logout")
    login_as(create_user(roles=["admin"], locale="en"))
    log = html.unescape(text_of(client.get("/community/moderation/log")))
    assert "(Tools & tricks → Mentor lounge)" in log and "(Short-lived)" in log


def test_demo_data_goes_into_an_installation_prepared_with_setup(runner, db):
    from community.discussions.models import Category, Thread

    assert runner.invoke(args=["setup"]).exit_code == 0
    result = runner.invoke(args=["demo", "--people", "60"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Category)) == 5
    assert db.session.scalar(select(func.count()).select_from(Thread)) > 0


def test_a_category_named_without_latin_letters_gets_a_neutral_address(client, login_as, create_user, db):
    from community.discussions.models import Category

    login_as(create_user(roles=["change_manager"]))
    assert client.post_form("/community/categories/new", category_form(name="Обмен опытом")).status_code == 302
    assert db.session.scalar(select(Category.slug)) == "category"


def test_a_second_category_with_a_taken_name_is_refused_in_either_language(client, login_as, create_user, create_category, db):
    from community.discussions.models import Category

    create_category(name="Tools & tricks", name_de="Werkzeuge & Kniffe")
    create_category(name="Mentor lounge")
    login_as(create_user(roles=["change_manager"]))
    for data, field in ((category_form(name="Tools & tricks", name_de=""), "name"),
                        (category_form(name="TOOLS &  TRICKS", name_de=""), "name"),
                        (category_form(name="Data & AI", name_de="werkzeuge & kniffe"), "name_de"),
                        (category_form(name="Werkzeuge & Kniffe", name_de=""), "name")):
        response = client.post_form("/community/categories/new", data)
        assert response.status_code == 200
        assert "The category “Tools &amp; tricks” has this name already." in response.get_data(as_text=True)
        assert f'id="{field}-error' in response.get_data(as_text=True) or f'aria-describedby="{field}-' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Category)) == 2

    lounge = db.session.scalar(select(Category).where(Category.name == "Mentor lounge"))
    renamed = client.post_form(f"/community/categories/{lounge.id}/edit", category_form(name="tools & Tricks", name_de=""))
    assert "has this name already" in renamed.get_data(as_text=True)
    kept = client.post_form(f"/community/categories/{lounge.id}/edit", category_form(name="Mentor Lounge", name_de=""))
    assert kept.status_code == 302  # its own name, in another case, is no clash


def test_manage_categories_is_a_list_of_cards_on_a_phone(client, login_as, create_user, create_thread, create_category):
    """At 390 px its Threads and Edit columns were cut off at the screen's edge: each category is
    now a card, its name as the title and position, audience and thread count labelled."""
    from tests.stacked import tables_in, unlabelled

    lounge = create_category(name="Lounge", visibility="mentors", position=2)
    create_category(name="Empty", position=1)
    create_thread(create_user(roles=["mentor"]), category=lounge, title="Doubts")
    login_as(create_user(roles=["change_manager"]))
    [table] = tables_in(client.get("/community/categories").get_data(as_text=True))
    assert unlabelled(table) == []
    row = next(r for r in table.rows if "Lounge" in r[1].text)
    assert row[1].is_title
    assert [(c.label, c.text) for c in (row[0], row[2], row[3])] == [
        ("Position", "2"), ("Who sees it", "Mentors and the programme team only"), ("Threads", "1")]


def test_the_starter_categories_say_mentor_innen_in_german(runner, client, login_as, create_user):
    """`flask setup` named the mentors' category "Mentoren-Lounge" and described two categories
    with "Mentorinnen und Mentoren", where every page says "Mentor:innen"."""
    assert runner.invoke(args=["setup"]).exit_code == 0
    login_as(create_user(roles=("mentor",), locale="de"))
    page = text_of(client.get("/community"))
    assert "Mentoring-Lounge" in page and "Nur für Mentor:innen (und das Programmteam)" in page
    assert "Alle können den Mentor:innen Fragen zum digitalen Arbeitsplatz stellen." in page
    assert "Mentorinnen und Mentoren" not in page and "Mentoren-Lounge" not in page
