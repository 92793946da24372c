"""The mentoring request form on a phone, in German: every option of the programme-run select is
readable in the closed select (the current run read "Reverse Mentoring 2026 (laufender Du…")."""

from __future__ import annotations

from datetime import date

from tests.browser.test_journey_mentoring import taxonomy  # noqa: F401 - fixture
from tests.conftest import isolated

# The text of each option against the room the closed select gives it (its width without the
# padding that holds the arrow), measured in the select's own font.
OPTION_ROOM = """(selector) => {
  const select = document.querySelector(selector);
  const style = getComputedStyle(select);
  const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const pen = document.createElement('canvas').getContext('2d');
  pen.font = style.font;
  return [...select.options].map(option => ({text: option.text, width: pen.measureText(option.text).width, room}));
}"""


def test_the_programme_run_options_fit_a_phone_in_german(browser, live_server, app, create_user, taxonomy):  # noqa: F811
    from community.extensions import db
    from community.mentoring.models import Cohort

    def runs():
        with app.app_context():
            db.session.add_all([
                Cohort(name="Reverse Mentoring 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running"),
                Cohort(name="Reverse Mentoring 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), status="planned"),
            ])
            db.session.commit()

    isolated(app, runs)
    executive = create_user(roles=("executive",), name="Eva Executive", locale="de")
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(live_server + "/login")
        page.locator("#email").fill(executive.email)
        page.locator("#password").fill("correct horse battery staple")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        page.goto(live_server + "/mentoring/request")
        assert page.locator("html").get_attribute("lang") == "de"
        options = page.evaluate(OPTION_ROOM, "#cohort_id")
        assert [o["text"] for o in options] == ["Reverse Mentoring 2026", "Reverse Mentoring 2027"]
        assert [o["text"] for o in options if o["width"] > o["room"]] == []
        hint = page.locator("#cohort_id-hint")
        assert "Reverse Mentoring 2026" in hint.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= 391
    finally:
        context.close()
