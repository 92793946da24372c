"""No page shows an internal identifier (`feedback_adjusted`, `person_tags`, `change_manager`...):
a crawl of the demo organisation as its admin (who is also a change manager), in English and in
German, reads every text a person sees (text nodes, titles, labels, placeholders, alt texts) and
fails on anything shaped like a snake_case identifier."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import isolated

SNAKE = re.compile(r"(?<![\w@./:#=-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
# Words with an underscore a person may legitimately see: none so far. Put real words here
# (with the reason) rather than weakening the pattern.
ALLOWED: set[str] = set()
SKIPPED_TAGS = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
NOT_PAGES = (".csv", ".xlsx", ".ics", ".json", ".graphml", ".svg", ".png", ".txt")
PAGES_PER_LANGUAGE = 160
PER_SHAPE = 2  # pages of one shape (ids replaced) visited at most
TITLE_MARKUP = re.compile(r"<title>[^<]*<(?!/title>)")


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        for name in VISIBLE_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.append(data)


def _shape(path: str) -> str:
    return re.sub(r"/\d+|/P-[0-9A-F]+|/[a-z0-9]+(-[a-z0-9]+)+", "/N", path)


def _worth_following(path: str) -> bool:
    return (path.startswith("/") and not path.startswith(("/static", "/api", "/logout", "/auth", "/feeds"))
            and not path.endswith(NOT_PAGES) and "/unsubscribe" not in path)


def crawl(client, start: list[str], counter: dict[str, int]) -> dict[str, set[str]]:
    """Path -> identifiers found on it."""
    found: dict[str, set[str]] = {}
    queue = deque(start)
    seen: set[str] = set()
    shapes: dict[str, int] = {}
    visited = 0
    while queue and visited < PAGES_PER_LANGUAGE:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = _shape(urlsplit(url).path)
        if shapes.get(shape, 0) >= PER_SHAPE:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = client.get(url)
        visited += 1
        counter["pages"] += 1
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        page = _Page()
        page.feed(html)
        hits = {match for text in page.texts for match in SNAKE.findall(text)} - ALLOWED
        if TITLE_MARKUP.search(html):
            hits.add("markup in the page title")  # the browser tab would show it as text
        if hits:
            found[url] = hits
        for href in page.links:
            target = urlsplit(urljoin(url, href))
            if target.netloc in ("", "localhost") and _worth_following(target.path):
                queue.append(target.path + (f"?{target.query}" if target.query and "page=" not in target.query else ""))
    return found


START = ["/", "/community", "/people", "/tags", "/mentoring", "/mentoring/runs", "/ambassadors", "/circles",
         "/network", "/network/demand", "/admin", "/admin/users", "/notifications", "/settings", "/settings/tokens",
         "/community/categories", "/community/moderation"]


@pytest.fixture
def app_config():
    return {"ANALYSIS_JOBS_QUEUED": False}


@pytest.mark.slow
def test_no_page_shows_a_raw_identifier_in_english_or_german(app, client):
    from community import demo
    from community.demo_support import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
    from community.extensions import db

    def build():
        with app.app_context():
            demo.build(people=60, seed=7)
            db.session.commit()

    isolated(app, build)
    response = client.post_form("/login", {"email": DEMO_ADMIN_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    problems = {}
    crawled = {"pages": 0}
    for language in ("en", "de"):
        client.post_form("/locale", {"locale": language, "next": "/"})
        for url, hits in crawl(client, START, crawled).items():
            problems[f"{language} {url}"] = sorted(hits)
    assert problems == {}
    assert crawled["pages"] >= 100  # the crawl really went through the product


def test_the_pattern_finds_identifiers_and_leaves_words_addresses_and_paths():
    assert SNAKE.findall("Score: feedback_adjusted, person_tags (degree_threshold)") == [
        "feedback_adjusted", "person_tags", "degree_threshold"]
    assert SNAKE.findall("Write to first_last@example.com or see /static/my_file and A_B") == []
