"""Journey: a mentor opens a category, starts a thread mentioning a peer; the peer sees the
notification counter, opens the notification and replies."""

import re

from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.discussions.conftest import create_category, create_thread  # noqa: F401 - fixtures


def log_in(page, live_server, user):
    page.goto(live_server + "/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_mentor_mentions_a_peer_who_sees_the_notification_and_replies(page, live_server, create_user, app):

    from community.discussions.models import Category
    from community.extensions import db

    with app.app_context():
        db.session.add(Category(slug="tools-and-tricks", name="Tools & tricks", description="Tricks worth showing", position=1))
        db.session.commit()
    mia = create_user(roles=["mentor"], name="Mia Mentor")
    paul = create_user(roles=["mentor"], name="Paul Peer")

    log_in(page, live_server, mia)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Community").click()
    page.get_by_role("link", name="Tools & tricks").first.click()
    expect(page.get_by_role("heading", name="Tools & tricks")).to_be_visible()
    page.get_by_role("link", name="Start a thread").click()
    page.get_by_label("Title").fill("Whiteboard apps for board meetings")
    page.get_by_label("Your post").fill(f"Which whiteboard do you use, @{paul.handle}? **Quick** tips welcome.")
    page.get_by_role("button", name="Publish thread").click()
    expect(page.get_by_role("heading", name="Whiteboard apps for board meetings")).to_be_visible()
    mention = page.get_by_role("link", name=f"@{paul.handle}")
    expect(mention).to_have_attribute("href", f"/people/{paul.id}")
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, paul)
    counter = page.locator("[data-unread]")
    expect(counter).to_have_text("1")
    page.get_by_role("link", name=re.compile("1 unread notification")).click()
    page.get_by_role("button", name="Mia Mentor mentioned you in “Whiteboard apps for board meetings”").click()
    expect(page.get_by_role("heading", name="Whiteboard apps for board meetings")).to_be_visible()
    expect(page.locator("[data-unread]")).to_have_count(0)
    page.get_by_label("Your reply").fill("I use the built-in whiteboard, no extra app needed.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("I use the built-in whiteboard, no extra app needed.")).to_be_visible()
    expect(page.get_by_text("2 posts")).to_be_visible()


def test_reply_follow_and_mark_read_happen_in_place_without_a_reload(page, live_server, create_user, app):
    from community.discussions.models import Category
    from community.extensions import db

    with app.app_context():
        db.session.add(Category(slug="lounge", name="Lounge", description="Chat", position=1))
        db.session.commit()
    mia = create_user(roles=["mentor"], name="Mia Mentor")
    paul = create_user(roles=["mentor"], name="Paul Peer")

    log_in(page, live_server, mia)
    page.goto(live_server + "/community/new")
    page.get_by_label("Title").fill("Meeting notes")
    page.get_by_label("Your post").fill(f"Where do you keep them, @{paul.handle}?")
    page.get_by_role("button", name="Publish thread").click()
    expect(page.get_by_role("heading", name="Meeting notes")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, paul)
    page.goto(live_server + "/notifications/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("[data-unread]")).to_have_text("1")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("All notifications are marked as read.")).to_be_visible()
    expect(page.locator("[data-unread]")).to_have_count(0)
    assert page.evaluate("window.notReloaded === true")

    page.get_by_role("button", name=re.compile("Mia Mentor mentioned you")).click()
    expect(page.get_by_role("heading", name="Meeting notes")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_hidden()  # a new level saves itself
    page.get_by_label("Notifications", exact=True).focus()
    page.get_by_label("Notifications", exact=True).select_option("watching")
    expect(page.get_by_text("Your notification setting is saved.")).to_be_visible()
    expect(page.get_by_label("Notifications", exact=True)).to_be_focused()  # where it was, for the keyboard
    expect(page.get_by_label("Notifications", exact=True)).to_have_value("watching")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_hidden()
    page.get_by_label("Your reply").fill("In the meeting chat, pinned.")
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_role("article", name="Post 2")).to_contain_text("In the meeting chat, pinned.")
    expect(page.get_by_text("2 posts")).to_be_visible()
    expect(page.get_by_label("Your reply")).to_have_value("")
    assert page.evaluate("window.notReloaded === true")


def test_without_javascript_the_notification_level_has_its_save_button(browser, live_server, create_user, create_thread, db):  # noqa: F811
    from sqlalchemy import select

    from community.discussions.models import Subscription

    reader = create_user(roles=["mentor"])
    thread = create_thread(create_user(roles=["mentor"]), title="Polls")
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, reader)
        page.goto(f"{live_server}/threads/{thread.id}")
        page.get_by_label("Notifications", exact=True).select_option("muted")
        expect(page.get_by_text("Your notification setting is saved.")).to_have_count(0)  # nothing sent yet
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Your notification setting is saved.")).to_be_visible()
        expect(page.get_by_label("Notifications", exact=True)).to_have_value("muted")
    finally:
        context.close()
    assert db.session.scalar(select(Subscription.level).where(Subscription.user_id == reader.id)) == "muted"
