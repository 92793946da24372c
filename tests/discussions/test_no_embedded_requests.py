"""Issue 13, class 3: nothing a member writes makes a reader's browser request a page of the
site on their behalf (images from user content; the Content-Security-Policy backs it up)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

SAME_ORIGIN_IMAGES = [
    "![x](/network/people/9)",
    "![c](/ambassadors/candidates.csv)",
    "![r](network/findings.csv)",
    "![a](http://localhost/admin/audit)",
    "![p](//localhost/network)",
    "![ref][1]\n\n[1]: /network/people/1",
    "[![nested](/network)](https://example.org)",
]


def img_sources(csp: str) -> list[str]:
    directive = next(d.strip() for d in csp.split(";") if d.strip().startswith("img-src"))
    return directive.split()[1:]


@pytest.mark.parametrize("body", SAME_ORIGIN_IMAGES)
def test_markdown_images_become_links_and_never_load(body, client, login_as, create_user, create_thread, first_post):
    thread = create_thread(create_user(), body=body)
    assert "<img" not in first_post(thread).html
    login_as(create_user(roles=("change_manager",)))
    page = client.get(f"/threads/{thread.id}")
    html = page.get_data(as_text=True)
    article = html[html.index("<article"):html.index("</article>")]
    assert "<img" not in article


def test_an_image_is_shown_as_a_link_to_its_address(create_user, create_thread, first_post):
    thread = create_thread(create_user(), body="See ![the chart](https://example.org/chart.png \"Chart\")")
    html = first_post(thread).html
    assert re.search(r'<a href="https://example.org/chart.png"[^>]*>the chart</a>', html)


def test_a_bio_with_an_image_shows_a_link(client, login_as, create_user):
    person = create_user()
    login_as(person)
    response = client.post_form(f"/people/{person.id}/edit", {"bio": "![me](/admin/audit)", "timezone": "Europe/Berlin"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert 'src="/admin/audit"' not in page
    assert re.search(r'<a href="/admin/audit"[^>]*>me</a>', page)


@pytest.mark.parametrize("path", ["/", "/community", "/people", "/login", "/no/such/page", "/api/v1/openapi.json"])
def test_the_policy_allows_images_only_from_static_files(client, login_as, create_user, path):
    login_as(create_user())
    csp = client.get(path).headers["Content-Security-Policy"]
    sources = img_sources(csp)
    assert "'self'" not in sources and "*" not in sources
    assert all(s == "data:" or s.endswith("/static/") for s in sources), sources


def test_stored_html_with_a_same_origin_image_is_blocked_by_the_policy(
    app, db, client, login_as, create_user, create_thread, first_post
):
    """HTML stored before the rule (an <img> in a post) would not load: the policy refuses it."""
    from community.discussions.models import Post

    thread = create_thread(create_user(), body="old post")
    post = db.session.get(Post, first_post(thread).id)
    post.html = '<p><img src="/network/people/1" alt="x"></p>'
    db.session.commit()
    manager = create_user(roles=("change_manager",))
    login_as(manager)
    response = client.get(f"/threads/{thread.id}")
    assert '<img src="/network/people/1"' in response.get_data(as_text=True)  # the stored HTML as it is
    sources = img_sources(response.headers["Content-Security-Policy"])
    assert not any("/network" in s for s in sources)
    assert all(s == "data:" or s.endswith("/static/") for s in sources)


def test_network_pages_may_show_their_own_pictures(client, login_as, create_user):
    login_as(create_user(roles=("change_manager",)))
    csp = client.get("/network").headers["Content-Security-Policy"]
    assert any(s.endswith("/network/") for s in img_sources(csp))


def test_viewing_a_thread_writes_no_audit_event_for_the_reader(db, client, login_as, create_user, create_thread):
    from community.audit.models import AuditEvent

    thread = create_thread(create_user(), body="![x](/network/people/9) ![c](/ambassadors/candidates.csv)")
    manager = create_user(roles=("change_manager",))
    login_as(manager)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == manager.id))
    client.get(f"/threads/{thread.id}")
    db.session.commit()
    after = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor_id == manager.id))
    assert after == before
