"""Journey: register (through the link in the e-mail), log in, switch to German, log out."""

import re

from playwright.sync_api import expect
from sqlalchemy import select


def test_newcomer_registers_logs_in_switches_to_german_and_logs_out(page, live_server, db):
    from community.outreach.models import OutgoingMessage

    page.goto(live_server + "/register")
    page.get_by_label("Company e-mail").fill("paula.neumann@example.com")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()

    # The link from the e-mail in the outbox (no mail server is configured in the tests).
    db.session.expire_all()
    message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == "paula.neumann@example.com"))
    link = re.search(r"http://community\.test(/register/\S+)", message.body_text).group(1)
    page.goto(live_server + link)
    expect(page.get_by_text("paula.neumann@example.com")).to_be_visible()
    page.get_by_label("Full name").fill("Paula Neumann")
    page.get_by_label("Password", exact=True).fill("a-very-fresh-passphrase")
    page.get_by_label("Repeat password").fill("a-very-fresh-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Hello, Paula Neumann")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()

    page.get_by_label("E-mail").fill("paula.neumann@example.com")
    page.get_by_label("Password").fill("a-very-fresh-passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Hello, Paula Neumann")).to_be_visible()

    # With JavaScript the language select submits itself (once the script has run: then the
    # "Switch" button, needed without JavaScript, is hidden).
    expect(page.locator("form.locale-switch button[data-hide-with-js]")).to_be_hidden()
    page.get_by_label("Language").select_option("de")
    expect(page.get_by_role("heading", name="Hallo, Paula Neumann")).to_be_visible()
    expect(page.get_by_role("button", name="Abmelden")).to_be_visible()

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_text("Sie sind abgemeldet.")).to_be_visible()
    expect(page.get_by_role("button", name="Anmelden")).to_be_visible()


def test_wrong_password_shows_a_message_next_to_the_field(page, live_server, create_user):
    user = create_user()
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
