"""Journey: an executive requests a mentor → the mentor accepts → the executive schedules and
reschedules a session → the mentor marks it done → both give feedback."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, isolated

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def taxonomy(app):
    from community.expertise.services import seed_taxonomy
    from community.extensions import db

    def seed():
        with app.app_context():
            seed_taxonomy()
            db.session.commit()

    isolated(app, seed)


def log_in(page, base, user):
    page.goto(base + "/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Hello, {user.name}")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()


def local(value: datetime) -> str:
    return value.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def move_session_into_the_past(app, session_id: int) -> None:
    """Time passes: the session began an hour ago."""
    from community.extensions import db
    from community.mentoring.models import MentoringSession

    def travel():
        with app.app_context():
            session = db.session.get(MentoringSession, session_id)
            session.starts_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
            session.ends_at = session.starts_at + timedelta(minutes=session.duration_minutes)
            db.session.commit()

    isolated(app, travel)


def test_request_accept_schedule_reschedule_done_and_feedback(page, live_server, app, create_user, taxonomy):
    mentor = create_user(roles=("mentor",), name="Mia Mentor", department="IT", languages=["de", "en"], capacity=2)
    executive = create_user(roles=("executive",), name="Eva Executive", department="Sales", languages=["de"])

    # The executive asks Mia for mentoring on Microsoft Teams.
    log_in(page, live_server, executive)
    page.get_by_role("link", name="Mentoring", exact=True).click()
    page.get_by_role("link", name="Request a mentor").click()
    page.get_by_label("Mentor", exact=True).select_option(str(mentor.id))
    page.get_by_label("Microsoft Teams").check()
    page.get_by_label("What would you like to learn?").fill("Run my board meeting in Teams")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request was sent to Mia Mentor.")).to_be_visible()
    expect(page.get_by_text("Waiting for Mia Mentor to answer.")).to_be_visible()
    log_out(page)

    # Mia sees the request and accepts it.
    log_in(page, live_server, mentor)
    page.get_by_role("link", name="Mentoring", exact=True).click()
    page.get_by_role("link", name="Eva Executive asks you to be their mentor").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("You accepted. Agree on a first session with Eva Executive.")).to_be_visible()
    log_out(page)

    # Eva schedules a first session, then has to move it.
    log_in(page, live_server, executive)
    page.get_by_role("link", name="Mentoring", exact=True).click()
    page.get_by_role("link", name="Mentored by Mia Mentor").click()
    expect(page.get_by_role("heading", name="Suggested next topics")).to_be_visible()
    page.get_by_role("link", name="Schedule a session").click()
    first = (datetime.now(UTC) + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
    page.get_by_label("Starts at").fill(local(first))
    page.get_by_label("Duration (minutes)").fill("60")
    page.get_by_label("Place or video link").fill("https://meet.example.com/eva-mia")
    page.get_by_label("Agenda", exact=True).fill("Channels, chats and meeting notes")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Session scheduled.")).to_be_visible()
    expect(page.get_by_role("heading", name="Session with Mia Mentor")).to_be_visible()
    session_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    page.get_by_role("link", name="Move to another time").click()
    page.get_by_label("New start").fill(local(first + timedelta(days=2)))
    page.get_by_label("Why the change?").fill("Board meeting moved")
    page.get_by_role("button", name="Move").click()
    expect(page.get_by_text("Session moved.")).to_be_visible()
    history = page.locator(".history")
    expect(history).to_contain_text("rescheduled")
    expect(history).to_contain_text("Board meeting moved")
    page.get_by_role("textbox", name="Private notes").fill("Ask about guest access")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Notes saved.")).to_be_visible()
    log_out(page)

    # The session has taken place; Mia marks it done and gives feedback.
    move_session_into_the_past(app, session_id)
    log_in(page, live_server, mentor)
    page.goto(f"{live_server}/sessions/{session_id}")
    # The notes read as text; their editor opens on request and holds them as written.
    expect(page.locator(".prose.notes")).to_contain_text("Ask about guest access")
    page.get_by_text("Edit the notes").click()
    expect(page.get_by_role("textbox", name="Private notes")).to_have_value("Ask about guest access")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Session marked as done.")).to_be_visible()
    page.get_by_label("5", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Eva already tried channels on her own")
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    log_out(page)

    # Eva sees Mia's feedback only after giving her own.
    log_in(page, live_server, executive)
    page.goto(f"{live_server}/sessions/{session_id}")
    expect(page.get_by_text("Mia Mentor has given feedback; you see it once you have given yours.")).to_be_visible()
    expect(page.get_by_text("Eva already tried channels on her own")).to_have_count(0)
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Very practical")
    page.get_by_label("Share my comment with the programme team").check()
    page.get_by_role("button", name="Send feedback").click()
    expect(page.get_by_text("Thank you for your feedback.")).to_be_visible()
    expect(page.get_by_text("Eva already tried channels on her own")).to_be_visible()
    expect(page.get_by_text("Feedback from Mia Mentor")).to_be_visible()
