"""Journey: an admin uploads a CSV of people, reads the preview and the bad rows, starts the
import, and reads the result; the audit trail names it in words."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in

CSV = (
    "name,email,department,roles\n"
    "Ulla Upload,ulla@example.com,Sales,mentor\n"
    "Bad Address,not-an-address,Sales,staff\n"
    "Vera Upload,vera@example.com,IT,executive\n"
)


# The live test server sometimes leaves a static file (the logo) to the garbage collector
# when Chromium drops a request on navigation; that is the server's, not the journey's.
@pytest.mark.filterwarnings("ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning")
def test_admin_imports_people_from_the_web(live_server, page, create_user, tmp_path):
    admin = create_user(roles=("admin",), name="Ada Admin")
    base = live_server
    log_in(page, base, admin)
    page.goto(f"{base}/admin/import")
    file = tmp_path / "people.csv"
    file.write_text(CSV)
    page.locator("input#file").set_input_files(str(file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="The first rows")).to_be_visible()
    expect(page.get_by_role("cell", name="Ulla Upload")).to_be_visible()
    expect(page.get_by_role("row", name="3 Enter a valid e-mail address, e.g. name@example.com. (not-an-address)")).to_be_visible()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("The import is done.")).to_be_visible()
    expect(page.locator(".import-result")).to_contain_text("Created")
    expect(page.locator(".import-result dd").first).to_have_text("2")

    page.goto(f"{base}/admin/audit")
    page.get_by_label("Action").select_option(label="People imported from CSV")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="People imported from CSV")).to_be_visible()
    expect(page.get_by_role("cell", name="Ada Admin")).to_be_visible()
