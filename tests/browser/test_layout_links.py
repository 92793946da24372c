"""Links in running text are underlined (axe: link-in-text-block): a person's name beside their
department on the candidates list was told from the text around it by its colour alone."""

from __future__ import annotations

import pytest

from tests.ambassadors.conftest import create_nomination  # noqa: F401 - fixture
from tests.browser.test_journey_mentoring import log_in

# What axe checks, on the candidate rows' names: underlined, whatever the colours.
DECORATION = "link => getComputedStyle(link).textDecorationLine"


@pytest.mark.parametrize("width", [1280, 390])
def test_a_name_beside_its_department_is_underlined_and_axe_agrees(live_server, page, create_user, create_nomination, width):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe

    manager = create_user(roles=["change_manager"], name="Carla Change")
    for name in ("Marlene Nowak", "Jo Li"):
        create_nomination(create_user(roles=["mentor"], name=name, department="Customer Service and Digital Workplace"),
                          manager)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, manager)
    page.goto(f"{live_server}/ambassadors/candidates")
    names = page.locator(".candidates a[href^='/people/']")
    assert names.count() == 2
    assert [names.nth(i).evaluate(DECORATION) for i in range(2)] == ["underline", "underline"]
    # A link alone in its place (a tab, a button) stays as it was.
    assert page.locator("nav .nav-link[aria-current=page]").first.evaluate(DECORATION) == "none"
    results = Axe().run(page, options={"runOnly": ["link-in-text-block"]})
    assert results.violations_count == 0, results.generate_report()
