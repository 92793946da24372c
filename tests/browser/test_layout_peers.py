"""The peer finder's cards are as tall as what they say, at both widths (each card once
stretched to the height of its whole column: thousands of pixels of empty frames)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey_mentoring import log_in
from tests.profiles.conftest import give_tags, mentoring, taxonomy  # noqa: F401 - fixtures
from tests.profiles.test_peers import pool  # noqa: F401 - fixture

# The card's height, and how far down its text reaches (the card's body and columns stretch
# with the card, so only the text itself tells how much there is).
CONTENT = """card => {
  const top = card.getBoundingClientRect().top;
  const bottoms = [...card.querySelectorAll('h3, p, ul')].map(el => el.getBoundingClientRect().bottom - top);
  return [card.getBoundingClientRect().height, Math.max(...bottoms)];
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_peer_cards_are_as_tall_as_their_content(live_server, page, pool, width):  # noqa: F811
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, pool)
    page.goto(f"{live_server}/people/{pool.id}/peers")
    cards = page.locator(".person-card")
    expect(cards).to_have_count(3)
    for index in range(3):
        card = cards.nth(index)
        height, content = card.evaluate(CONTENT)
        assert height <= content + 48, f"card {index}: {height} px for {content} px of content"
