"""Journey: register, log in, switch to German, log out."""

from playwright.sync_api import expect


def test_newcomer_registers_logs_in_switches_to_german_and_logs_out(page, live_server):
    page.goto(live_server + "/register")
    page.get_by_label("Full name").fill("Paula Neumann")
    page.get_by_label("Company e-mail").fill("paula.neumann@example.com")
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
