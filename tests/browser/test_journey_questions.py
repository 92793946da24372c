"""Journey: a colleague asks a topic contact on the contacts page → lands on the question →
the contact follows the notification, answers → the asker sees the answer in "My questions"
and resolves it as helpful → the contact sees the verdict."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in, log_out
from tests.profiles.conftest import give_tags, taxonomy  # noqa: F401 - fixtures


@pytest.fixture
def org(create_user, give_tags, taxonomy):  # noqa: F811
    expert = create_user(roles=("mentor",), name="Lisa Ferrari", department="IT")
    give_tags(expert, {"microsoft-teams": "expert"})
    asker = create_user(roles=("staff",), name="Tom Asker", department="Sales")
    return dict(expert=expert, asker=asker)


def test_ask_answer_resolve(live_server, page, org):
    base = live_server
    log_in(page, base, org["asker"])
    page.goto(f"{base}/tags/microsoft-teams/contacts")
    page.get_by_role("link", name=re.compile(r"Ask about this topic\s*: Lisa Ferrari")).click()
    page.get_by_label("Your question").fill("How do I share a channel with a partner company?")
    page.get_by_role("button", name="Send question").click()
    expect(page.get_by_text("Your question went to Lisa Ferrari.")).to_be_visible()
    expect(page.get_by_role("heading", name="Question about Microsoft Teams")).to_be_visible()
    expect(page.get_by_text("waiting for an answer")).to_be_visible()
    log_out(page)

    log_in(page, base, org["expert"])
    page.goto(f"{base}/notifications/")
    page.get_by_text("asks you about Microsoft Teams").first.click()
    expect(page.get_by_text("How do I share a channel with a partner company?")).to_be_visible()
    page.get_by_label("Your answer").fill("Open the team, choose + and then Shared channel.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Your answer was sent.")).to_be_visible()
    log_out(page)

    log_in(page, base, org["asker"])
    page.goto(f"{base}/questions?box=asked")
    expect(page.get_by_text("answered", exact=True)).to_be_visible()
    page.get_by_role("link", name="To Lisa Ferrari about Microsoft Teams").click()
    expect(page.get_by_text("Open the team, choose + and then Shared channel.")).to_be_visible()
    page.get_by_role("button", name="Resolve: helpful").click()
    expect(page.get_by_text("Thank you: the question is resolved.")).to_be_visible()
    expect(page.get_by_text("Tom Asker found the answers helpful.")).to_be_visible()
    log_out(page)

    log_in(page, base, org["expert"])
    page.goto(f"{base}/questions?box=received")
    expect(page.get_by_text("resolved: helpful")).to_be_visible()
