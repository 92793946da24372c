"""Journey: a mentor pauses mentoring on their profile → the change manager opens the demand
page (heatmaps) → follows the notification to the handover page → chooses the first substitute →
the new mentor sees the continuing mentorship with its earlier sessions."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in, log_out
from tests.mentoring.conftest import (  # noqa: F401 - fixtures
    create_mentorship,
    create_session,
    give_tags,
    in_days,
    taxonomy,
)


@pytest.fixture
def org(app, taxonomy, create_user, create_mentorship, create_session, give_tags):  # noqa: F811
    leaver = create_user(roles=("mentor",), name="Lena Leaver", department="IT", languages=["de"], capacity=2)
    sub = create_user(roles=("mentor",), name="Sam Substitute", department="Finance", languages=["de"], capacity=2)
    give_tags(leaver, {"microsoft-teams": "expert"})
    give_tags(sub, {"microsoft-teams": "expert"})
    executive = create_user(roles=("executive",), name="Eve Exec", department="Sales", languages=["de"])
    ship = create_mentorship(leaver, executive, goals=("microsoft-teams",))
    create_session(ship, starts_at=in_days(-7), status="done", agenda_tags=("microsoft-teams",))
    cm = create_user(roles=("change_manager",), name="Chris Change")
    return dict(leaver=leaver, sub=sub, executive=executive, cm=cm, ship=ship)


def test_pause_demand_page_and_handover(live_server, page, org):
    base = live_server
    log_in(page, base, org["leaver"])
    page.goto(f"{base}/people/{org['leaver'].id}")
    page.get_by_role("link", name="Pause mentoring").click()  # a page that names the mentees handed over
    expect(page.locator("#mentees-handed-over li").first).to_be_visible()
    page.get_by_role("button", name="Pause mentoring").click()
    expect(page.get_by_text("Mentoring is paused")).to_be_visible()
    expect(page.get_by_text("Mentoring paused", exact=True)).to_be_visible()
    log_out(page)

    log_in(page, base, org["cm"])
    page.goto(f"{base}/network/demand")
    expect(page.get_by_role("heading", name="Topic demand and supply")).to_be_visible()
    expect(page.get_by_role("heading", name="Demand by department")).to_be_visible()
    expect(page.get_by_role("heading", name="Demand by month")).to_be_visible()
    expect(page.get_by_role("row", name="Microsoft Teams").first).to_be_visible()

    page.goto(f"{base}/notifications/")
    page.get_by_text("needs a new mentor").first.click()
    expect(page.get_by_role("heading", name="Hand the mentorship over")).to_be_visible()
    expect(page.get_by_label("Sam Substitute")).not_to_be_checked()  # nobody is chosen for the reader
    page.get_by_label("Sam Substitute").check()
    page.get_by_label("Note to the new mentor (optional)").fill("Eve wants to run Teams meetings.")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_text("The mentorship continues with Sam Substitute")).to_be_visible()
    log_out(page)

    log_in(page, base, org["sub"])
    page.goto(f"{base}/notifications/")
    page.get_by_text("handed the mentorship of Eve Exec over to you").first.click()
    expect(page.get_by_role("heading", name="Earlier sessions (before the handover)")).to_be_visible()
    expect(page.get_by_text("Eve wants to run Teams meetings.")).to_be_visible()
