"""Journey: a colleague nominates a mentor → a change manager decides → the badge shows on the
mentor's profile and in the ambassador directory."""

from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in, log_out


def test_nomination_decision_and_badge(page, live_server, create_user):
    mentor = create_user(roles=["mentor"], name="Mila Mentor", department="Logistics")
    colleague = create_user(roles=["staff"], name="Carl Colleague")
    manager = create_user(roles=["change_manager"], name="Clara Change")

    log_in(page, live_server, colleague)
    page.goto(live_server + f"/people/{mentor.id}")
    page.get_by_role("link", name="Nominate as ambassador").click()
    expect(page.get_by_label("Mentor to nominate")).to_have_value("@" + mentor.handle)
    page.get_by_label("Why this mentor?").fill("Mila runs the Teams tips thread and coached three executives.")
    page.get_by_role("button", name="Send nomination").click()
    expect(page.get_by_text("Mila Mentor is nominated")).to_be_visible()
    log_out(page)

    log_in(page, live_server, manager)
    page.goto(live_server + "/ambassadors/nominations?status=open")
    page.get_by_role("link", name="Mila Mentor").click()
    expect(page.get_by_role("heading", name="Evidence")).to_be_visible()
    page.get_by_label("Promote to ambassador").check()
    page.get_by_label("Note").fill("Clear evidence from the community.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    log_out(page)

    log_in(page, live_server, colleague)
    page.goto(live_server + f"/people/{mentor.id}")
    expect(page.locator(".badge.ambassador").first).to_be_visible()
    expect(page.get_by_role("link", name="Nominate as ambassador")).to_have_count(0)
    page.goto(live_server + "/ambassadors")
    expect(page.get_by_role("link", name="Mila Mentor")).to_be_visible()
