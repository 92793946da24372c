"""Journey: an executive finds the open survey on the home page and answers it → the change
manager opens the run's report and sees the answers as charts, with the shared comment."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in, log_out
from tests.conftest import isolated


@pytest.fixture
def app_config():
    return {"REPORT_MIN_GROUP": 1}  # one answer is enough to see the figures in this journey


def build_run(app, create_user):
    from community.accounts.models import User
    from community.database import utcnow
    from community.expertise.services import resolve_tags, seed_taxonomy
    from community.extensions import db
    from community.impact import services
    from community.mentoring import services as mentoring
    from community.mentoring.models import Mentorship, MentorshipGoal

    manager = create_user(roles=("change_manager",), name="Carla Change")
    mentor = create_user(roles=("mentor",), name="Mia Mentor", capacity=2)
    executive = create_user(roles=("executive",), name="Eva Executive")

    def arrange():
        with app.test_request_context():
            seed_taxonomy()
            cm = db.session.get(User, manager.id)
            cohort = mentoring.create_cohort(cm, name="Reverse Mentoring 2026", starts_on=date(2026, 1, 1),
                                             ends_on=date(2026, 12, 31), status="running")
            pair = Mentorship(mentor_id=mentor.id, executive_id=executive.id, status="active", cohort_id=cohort.id,
                              requested_by_id=executive.id, requested_at=utcnow(), decided_at=utcnow())
            pair.goals = [MentorshipGoal(tag_id=tag.id) for tag in resolve_tags(["linkedin"])]
            db.session.add(pair)
            db.session.flush()
            services.open_survey(cm, services.create_survey(cm, cohort, "start"))
            db.session.commit()
            return cohort.id

    return manager, executive, isolated(app, arrange)


def test_executive_answers_the_survey_and_the_change_manager_sees_the_report(app, live_server, page, create_user):
    manager, executive, cohort_id = build_run(app, create_user)

    log_in(page, live_server, executive)
    card = page.locator("section.card", has=page.get_by_role("heading", name="Your programme survey"))
    card.get_by_role("link", name="Start survey of Reverse Mentoring 2026").click()
    expect(page.get_by_role("heading", name="Start survey · Reverse Mentoring 2026")).to_be_visible()
    items = page.locator("fieldset.survey-item")
    expect(items).to_have_count(6)
    for index in range(6):
        items.nth(index).get_by_label("5", exact=True).check()
    first = items.nth(0)
    first.get_by_text("Add a comment").click()
    first.get_by_label("Comment (optional)").fill("Exactly what I needed.")
    first.get_by_label("The programme team may show my comment").check()
    page.get_by_label("3 – confident").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you! Your answers are stored without your name.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your programme survey")).to_have_count(0)
    log_out(page)

    log_in(page, live_server, manager)
    page.goto(f"{live_server}/mentoring/runs/{cohort_id}")
    page.get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", name="Report of Reverse Mentoring 2026")).to_be_visible()
    expect(page.locator("figure.chart svg").first).to_be_visible()
    expect(page.get_by_text("Exactly what I needed.")).to_be_visible()
    expect(page.locator("strong", has_text="100%").first).to_be_visible()  # the executives' response rate
    with page.expect_download() as download:
        page.get_by_role("link", name="Download for Excel").click()
    assert download.value.suggested_filename == f"run-{cohort_id}-report.xlsx"
