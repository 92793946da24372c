"""Journeys: search as you type in the directory (htmx), and a topic picker with the keyboard
on the mentoring request (static/js/suggest.js)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in
from tests.mentoring.conftest import create_mentorship  # noqa: F401 - fixtures
from tests.profiles.conftest import give_tags, taxonomy  # noqa: F401 - fixtures


@pytest.fixture
def org(create_user, give_tags, taxonomy):  # noqa: F811
    expert = create_user(roles=("mentor",), name="Lisa Ferrari", department="IT", capacity=2)
    give_tags(expert, {"microsoft-teams": "expert"})
    create_user(roles=("mentor",), name="Otto Other", department="Sales")
    executive = create_user(roles=("executive",), name="Eva Exec")
    return dict(expert=expert, executive=executive)


def test_directory_search_as_you_type(live_server, page, org):
    log_in(page, live_server, org["executive"])
    page.goto(f"{live_server}/people")
    page.get_by_label("Search by name, topic, department or words in a bio").press_sequentially("teams", delay=40)
    expect(page.get_by_role("link", name="Whom to ask about Microsoft Teams")).to_be_visible()
    expect(page.get_by_role("link", name="Otto Other")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/people\?q=teams"))
    page.get_by_role("link", name=re.compile("Search: teams")).click()
    expect(page.get_by_role("link", name="Otto Other")).to_be_visible()


def test_topic_picker_with_the_keyboard(live_server, page, org):
    log_in(page, live_server, org["executive"])
    page.goto(f"{live_server}/mentoring/request")
    picker = page.get_by_role("combobox", name="Find a topic")
    picker.press_sequentially("tea", delay=40)
    expect(page.get_by_role("option", name=re.compile("Microsoft Teams"))).to_be_visible()
    picker.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", re.compile("opt-0"))
    picker.press("Enter")
    expect(page.get_by_role("checkbox", name="Microsoft Teams")).to_be_checked()
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_time_zone_search_narrows_the_grouped_list(live_server, page, org):
    log_in(page, live_server, org["executive"])
    page.goto(f"{live_server}/people/{org['executive'].id}/edit")
    zone = page.get_by_label("Time zone", exact=True)
    before = zone.input_value()
    search = page.get_by_role("searchbox", name="Find a time zone")
    # Typing only narrows the list: the choice stays until the reader picks (it silently became
    # "Africa/Lomé" on "lo", and stayed so when the box was cleared).
    search.fill("lo")
    expect(zone).to_have_value(before)
    search.fill("zzzz")
    expect(page.get_by_text("Nothing matches. Chosen:")).to_be_visible()
    search.fill("")
    expect(zone).to_have_value(before)
    search.fill("tokyo")
    expect(zone).to_have_value(before)
    expect(page.get_by_text("1 match, choose it from the list.")).to_be_visible()
    search.press("Enter")  # picks the match; it does not send the form
    expect(zone).to_have_value("Asia/Tokyo")
    expect(page.get_by_role("button", name="Save profile")).to_be_visible()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Tokyo", exact=True)).to_be_visible()  # the place, as the settings name it


def test_typing_before_the_picker_script_arrives_loses_nothing(live_server, page, org, app):
    """On a slow connection the picker script can arrive while someone is already typing in the
    post box; fitting the box with its picker must not take the focus or the caret away."""
    from community.discussions.models import Category
    from community.extensions import db

    with app.app_context():
        db.session.add(Category(slug="tools", name="Tools", description="Tools worth showing", position=1))
        db.session.commit()
    log_in(page, live_server, org["expert"])
    held = []
    page.route(re.compile(r"/js/suggest\.js"), lambda route: held.append(route))  # held back until the test lets it through
    page.goto(f"{live_server}/community/new", wait_until="commit")
    post = page.get_by_label("Your post")
    post.click()
    page.keyboard.type("Which whiteboard")
    while not held:  # the page asked for the script (its request is held)
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(post).to_have_attribute("data-suggest-ready", "1")
    page.keyboard.type(" do you use?")
    expect(post).to_have_value("Which whiteboard do you use?")
    expect(post).to_be_focused()


def test_a_topic_picked_from_the_folded_other_topics_is_shown_ticked(live_server, page, org, create_mentorship):  # noqa: F811
    """Scheduling: the mentorship's goals come first and the other topics are folded away; the
    search box (labelled for screen readers only: the field's legend is its one visible label)
    ticks a folded topic and unfolds it."""
    mentorship_id = create_mentorship(org["expert"], org["executive"], goals=("microsoft-teams",))
    log_in(page, live_server, org["executive"])
    page.goto(f"{live_server}/mentoring/mentorships/{mentorship_id}/sessions/new")
    expect(page.get_by_role("checkbox", name="Microsoft Teams")).to_be_checked()
    expect(page.get_by_role("checkbox", name="SharePoint")).to_be_hidden()
    picker = page.get_by_role("combobox", name="Find a topic")
    expect(page.locator(f"label[for='{picker.get_attribute('id')}']")).to_have_class("visually-hidden")
    picker.press_sequentially("sharep", delay=40)
    expect(page.get_by_role("option", name=re.compile("SharePoint"))).to_be_visible()
    picker.press("ArrowDown")
    picker.press("Enter")
    expect(page.get_by_role("checkbox", name="SharePoint")).to_be_visible()
    expect(page.get_by_role("checkbox", name="SharePoint")).to_be_checked()


def test_the_request_button_of_a_suggestion_is_a_design_system_button(live_server, page, org, give_tags):  # noqa: F811
    """It read like a default browser button: grey, underlined (a rule for links in list items won)."""
    give_tags(org["executive"], {"microsoft-teams": "interested"})
    log_in(page, live_server, org["executive"])
    page.goto(f"{live_server}/mentoring/suggestions")
    button = page.get_by_role("link", name="Request Lisa Ferrari")
    expect(button).to_have_class(re.compile(r"\bbtn btn-outline-primary\b"))
    expect(button).to_have_css("text-decoration-line", "none")
    expect(button).to_have_css("border-top-color", "rgb(31, 95, 139)")


def test_a_threads_topics_complete_as_you_type_and_stay_a_plain_field_without_javascript(browser, live_server, org, app):
    """The composer's topics were a bare comma-separated field, while other places complete
    topics; now it completes the entry where the caret is, and without JavaScript it is the same
    text field as before."""
    from community.discussions.models import Category
    from community.extensions import db

    with app.app_context():
        db.session.add(Category(slug="tools", name="Tools", description="Tools worth showing", position=1))
        db.session.commit()
    for javascript in (True, False):
        context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
        page = context.new_page()
        try:
            log_in(page, live_server, org["expert"])
            page.goto(f"{live_server}/community/new")
            page.get_by_label("Title").fill(f"Sharing files in channels ({javascript})")
            page.get_by_label("Your post").fill("Where do you keep the files of a channel?")
            if javascript:
                topics = page.get_by_role("combobox", name="Topics")
                topics.press_sequentially("share", delay=40)
                expect(page.get_by_role("option", name=re.compile("SharePoint"))).to_be_visible()
                topics.press("ArrowDown")
                topics.press("Enter")
                expect(topics).to_have_value("sharepoint, ")
                topics.press_sequentially("tea", delay=40)
                page.get_by_role("option", name=re.compile("Microsoft Teams")).click()
                expect(topics).to_have_value("sharepoint, microsoft-teams, ")
                expect(page.get_by_role("listbox")).to_be_hidden()
            else:
                topics = page.get_by_label("Topics")
                expect(page.get_by_role("combobox", name="Topics")).to_have_count(0)
                topics.fill("sharepoint, teams")
            page.get_by_role("button", name="Publish thread").click()
            expect(page.get_by_text("Your thread is published.")).to_be_visible()
            expect(page.get_by_role("link", name="SharePoint", exact=True)).to_be_visible()
            expect(page.get_by_role("link", name="Microsoft Teams", exact=True)).to_be_visible()
        finally:
            context.close()


def test_with_thirty_topics_removing_one_in_place_brings_the_add_row_back(live_server, page, org, give_tags, app):  # noqa: F811
    """The Add row says a profile is full instead of offering a topic; JavaScript's Remove drops
    a row without a page load, so the Add row has to come back by itself."""
    from sqlalchemy import select

    from community.expertise.models import Tag
    from community.extensions import db

    with app.app_context():
        slugs = list(db.session.scalars(select(Tag.slug).where(Tag.slug != "microsoft-teams").order_by(Tag.slug)))
    give_tags(org["expert"], dict.fromkeys(slugs[:29], "interested"))  # and Microsoft Teams: 30
    log_in(page, live_server, org["expert"])
    page.goto(f"{live_server}/people/{org['expert'].id}/edit")
    full = page.get_by_text("A profile has at most 30 topics. Remove one to add another.")
    expect(full).to_be_visible()
    expect(page.get_by_label("Add a topic")).to_be_hidden()
    page.get_by_role("button", name="Remove Microsoft Teams").click()
    expect(full).to_have_count(0)
    page.get_by_label("Add a topic").select_option(slugs[29])
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("A profile has at most 30 topics. Remove one to add another.")).to_be_visible()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Profile saved.")).to_be_visible()


def test_a_topic_removed_in_the_editor_is_offered_to_add_again(live_server, page, org):
    """"Add a topic" lists only topics not in the rows; one removed (with JavaScript, the row
    goes at once) comes back to it."""
    log_in(page, live_server, org["expert"])
    page.goto(f"{live_server}/people/{org['expert'].id}/edit")
    add = page.locator("#new_tag")
    expect(add.locator('option[value="microsoft-teams"]')).to_have_count(0)
    page.get_by_role("button", name="Remove Microsoft Teams").click()
    expect(page.get_by_text("Microsoft Teams removed.")).to_be_visible()
    add.select_option("microsoft-teams")
    expect(add).to_have_value("microsoft-teams")
