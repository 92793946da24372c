"""Journey: sign in with the company's identity provider (a real provider process), come back
signed in with the roles HR gave, log out of both."""

import pytest
from playwright.sync_api import expect

from tests.oidc_provider import running_provider


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


@pytest.fixture
def app_config(provider):
    return {"OIDC_ISSUER": provider.url, "OIDC_CLIENT_ID": "mentor-community", "OIDC_CLIENT_SECRET": "secret",
            "OIDC_NAME": "Contoso ID", "OIDC_ROLE_MAP": "digital-mentors=mentor", "OIDC_DEPARTMENT_CLAIM": "department"}


def test_employee_signs_in_with_the_company_account_and_logs_out_of_both(page, live_server, provider):
    provider.set_person("mira.mentor", email="mira.mentor@example.com", email_verified=True, name="Mira Mentor",
                        groups=["digital-mentors"], department="Digital Workplace")
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Sign in with Contoso ID").click()

    # At the identity provider: choose who signs in.
    page.get_by_placeholder("sub").fill("mira.mentor")
    page.get_by_role("button", name="Authorize").click()

    expect(page.get_by_role("heading", name="Hello, Mira Mentor")).to_be_visible()
    page.goto(live_server + "/people?q=Mira")
    page.get_by_role("link", name="Mira Mentor").first.click()
    expect(page.get_by_role("heading", name="Mira Mentor")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Digital Workplace")

    page.get_by_role("button", name="Log out").click()
    # The provider's end-session page, then back to the app's login page.
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in with Contoso ID")).to_be_visible()


def test_a_refused_sign_in_shows_a_clear_page(page, live_server, provider):
    page.goto(live_server + "/login")
    page.get_by_role("link", name="Sign in with Contoso ID").click()
    page.get_by_role("button", name="Deny").click()
    expect(page.get_by_role("heading", name="Sign-in did not work")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("cancelled")
    expect(page.get_by_role("link", name="Start the sign-in again")).to_be_visible()
