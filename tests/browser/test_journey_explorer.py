"""Journey: a change manager reads the briefing, opens the explorer, finds a mentor, sees her
ties, asks what her leaving would cut off; then uses the what-if form's filtered checkbox list."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in
from tests.network_app.conftest import (  # noqa: F401 - fixtures
    analyst,
    compute,
    give_topic,
    mentorship,
    settle,
    small_org,
    topic,
)

# (language, one tie, leaving cuts off one executive and one person): the counts read "1 ties",
# "1 executives lose their mentor, 1 people are cut off" (German "1 Personen werden …").
ONE_OF_EACH = [
    ("en", "Erik Only: 1 tie shown in the picture.",
     "If Anna Alone left: 1 executive loses their mentor, 1 person is cut off from the rest."),
    ("de", "Erik Only: 1 Verbindung im Bild.",
     "Wenn Anna Alone ginge: 1 Führungskraft verliert ihr Mentoring, 1 Person wird vom Rest abgeschnitten."),
]


def test_briefing_explorer_and_what_if(live_server, page, analyst, small_org, compute):  # noqa: F811
    compute()
    base = live_server
    log_in(page, base, analyst)
    page.goto(f"{base}/network")
    expect(page.get_by_role("heading", name="Pool health at a glance")).to_be_visible()
    expect(page.get_by_role("link", name="Single points of failure").first).to_be_visible()

    page.get_by_role("link", name="Explorer").click()
    expect(page.get_by_role("heading", name="Network explorer")).to_be_visible()
    expect(page.locator(".explorer-canvas canvas").first).to_be_attached()
    expect(page.locator(".explorer-fallback")).to_be_hidden()
    expect(page.locator(".explorer-legend")).to_contain_text("Mentor")

    page.get_by_label("Find a person").fill("Mia")
    page.get_by_role("button", name="Find").click()
    status = page.locator(".explorer-status")
    expect(status).to_contain_text("Mia Mentor: 3 ties shown in the picture.")
    page.get_by_label("Colour by").select_option("department")
    expect(page.locator(".explorer-legend")).to_contain_text("Sales")

    page.get_by_role("button", name="What if they left?").click()
    expect(status).to_contain_text("If Mia Mentor left: 3 executives lose their mentor")
    expect(status).to_contain_text("Departments losing their link: Sales")

    page.get_by_role("link", name="What if").first.click()
    page.get_by_label("Find a mentor in the list").fill("Max")
    expect(page.get_by_label(re.compile("Mia Mentor"))).to_be_hidden()
    page.get_by_label(re.compile("Max Mentor")).check()
    page.get_by_role("button", name="Show the consequences").click()
    expect(page.get_by_role("heading", name="If Max Mentor left")).to_be_visible()
    page.get_by_role("link", name="Show it on the network explorer").click()
    expect(page.locator(".explorer-status")).to_contain_text("If Max Mentor left")


def test_explorer_without_javascript_shows_the_drawing(live_server, browser, analyst, small_org, compute):  # noqa: F811
    compute()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, analyst)
    page.goto(f"{live_server}/network/explorer")
    expect(page.locator(".explorer-fallback img")).to_be_visible()
    expect(page.locator(".explorer-app")).to_be_hidden()
    context.close()


def _speaks(user_id: int, language: str) -> None:
    from community.accounts.models import User
    from community.extensions import db

    db.session.get(User, user_id).locale = language


@pytest.mark.parametrize(("language", "ties", "cut"), ONE_OF_EACH)
def test_explorer_counts_read_in_the_singular_for_one(live_server, page, analyst, create_user,  # noqa: F811
                                                     mentorship, compute, settle, language, ties, cut):  # noqa: F811
    """Anna alone mentors Erik and shares Ella with Ben: Erik has one tie, and Anna leaving cuts
    off one executive (Erik) and one person from the rest of the picture."""
    anna = create_user(roles=("mentor",), name="Anna Alone", department="IT")
    ben = create_user(roles=("mentor",), name="Ben Backup", department="IT")
    erik = create_user(roles=("executive",), name="Erik Only", department="Sales")
    ella = create_user(roles=("executive",), name="Ella Shared", department="Finance")
    mentorship(anna, erik)
    mentorship(anna, ella)
    mentorship(ben, ella)
    compute()
    log_in(page, live_server, analyst)
    settle(_speaks, analyst.id, language)
    page.goto(f"{live_server}/network/explorer")
    expect(page.locator("html")).to_have_attribute("lang", language)
    status = page.locator(".explorer-status")
    page.locator("#explorer-search").fill("Erik Only")
    page.locator(".explorer-controls button[type=submit]").click()
    expect(status).to_contain_text(ties)
    page.locator("#explorer-search").fill("Anna Alone")
    page.locator(".explorer-controls button[type=submit]").click()
    page.locator("[data-action=remove]").click()
    expect(status).to_contain_text(cut)
