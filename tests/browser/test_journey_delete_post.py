"""Journey: deleting one's own post asks first, in place, with and without JavaScript (it
deleted on one click, next to "Edit")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_community import log_in
from tests.discussions.conftest import add_reply, create_category, create_thread  # noqa: F401 - fixtures


@pytest.mark.parametrize("javascript", [True, False])
def test_deleting_a_post_asks_first(browser, live_server, create_user, create_thread, add_reply, javascript):  # noqa: F811
    author = create_user(roles=["mentor"], name="Mia Mentor")
    thread = create_thread(create_user(roles=["mentor"]), title="Teams tips")
    add_reply(author, thread, "My second thoughts")
    context = browser.new_context(locale="en-GB", java_script_enabled=javascript)
    page = context.new_page()
    try:
        log_in(page, live_server, author)
        page.goto(f"{live_server}/threads/{thread.id}")
        delete = page.get_by_role("button", name="Delete post")
        expect(delete).to_be_hidden()
        page.get_by_text("Delete…").click()
        expect(page.get_by_text("Delete this post? The thread keeps a note that it was deleted.")).to_be_visible()
        expect(page.get_by_text("My second thoughts")).to_be_visible()  # nothing happened yet
        delete.click()
        expect(page.get_by_text("The post was deleted.")).to_be_visible()
        expect(page.get_by_text("This post was deleted.")).to_be_visible()
        expect(page.get_by_text("My second thoughts")).to_have_count(0)
    finally:
        context.close()
