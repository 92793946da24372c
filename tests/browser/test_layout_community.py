"""The community's pages seen in the browser, in English and German at 1280 and 390 px: a post's
actions and a moderator's tools stay in place when Delete… or Remove… opens its question (the
question pushed "Delete…" onto a line of its own and "Hide" out of the row)."""

from __future__ import annotations

import pytest

from tests.browser.test_axe import ADMIN, _set_language, demo_site, signed_in  # noqa: F401
from tests.profiles.conftest import give_tags, taxonomy  # noqa: F401 - fixtures

# Where each of a post's actions is (visible ones: the question's own button is not one of them).
ACTIONS = """post => [...post.querySelectorAll('.post-actions .btn-link')].filter(b => b.getClientRects().length)
  .map(b => { const r = b.getBoundingClientRect();
              return {text: b.textContent.trim(), top: Math.round(r.top + scrollY), left: Math.round(r.left), bottom: r.bottom + scrollY,
                      height: r.height, lineHeight: parseFloat(getComputedStyle(b).lineHeight) || 21}; })"""

BOX = "e => { const r = e.getBoundingClientRect(); return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right}; }"


def _lines(buttons: list[dict]) -> list[list[str]]:
    rows: dict[int, list[str]] = {}
    for button in buttons:
        rows.setdefault(button["top"], []).append(button["text"])
    return [rows[top] for top in sorted(rows)]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_opening_delete_leaves_the_row_of_actions_as_it_was(demo_site, signed_in, width, language):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[(ADMIN, width)]
    page.goto(f"{base}/threads/{ids['thread_id']}")
    post = page.locator("article.post:has(details.delete-post):has(.post-actions-end form)").first
    before = post.evaluate(ACTIONS)
    words = [button["text"] for button in before]
    assert len(words) >= 4 and words[-1].startswith(("Delete", "Löschen")), words  # the destructive one last
    assert words[-2] in ("Hide", "Ausblenden"), words
    lines = _lines(before)
    assert len(lines) == 1 if width == 1280 else len(lines) <= 2, lines
    assert words[-2] in lines[-1] and words[-1] in lines[-1], lines  # Hide and Delete… wrap together, if at all
    assert all(button["height"] < 1.8 * button["lineHeight"] + 12 for button in before), "a button's words wrap"

    post.locator("details.delete-post > summary").click()
    panel = post.locator(".confirm-panel")
    assert panel.is_visible()
    after = post.evaluate(ACTIONS)
    assert [(b["text"], b["top"], b["left"]) for b in after] == [(b["text"], b["top"], b["left"]) for b in before]
    box, card = panel.evaluate(BOX), post.evaluate(BOX)
    assert box["top"] >= max(b["bottom"] for b in after) - 1, "the question is not under the row"
    assert card["left"] <= box["left"] and box["right"] <= card["right"] + 1 and box["bottom"] <= card["bottom"] + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    post.locator("details.delete-post > summary").click()  # closed again for the next run


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("width", [1280, 390])
def test_the_moderator_tools_are_named_and_no_word_of_them_wraps(demo_site, signed_in, width, language):  # noqa: F811
    app, base, ids = demo_site
    _set_language(app, ids, language)
    page = signed_in[(ADMIN, width)]
    page.goto(f"{base}/threads/{ids['thread_id']}")
    tools = page.get_by_role("region", name="Moderation")
    assert tools.is_visible()
    links = tools.evaluate("""t => [...t.querySelectorAll('.mod-actions .btn-link')].map(b => { const r = b.getBoundingClientRect();
        return {text: b.textContent.trim(), top: Math.round(r.top), left: Math.round(r.left), height: r.height,
                line: parseFloat(getComputedStyle(b).lineHeight)}; })""")
    assert len(links) == 4 and all(link["height"] < 1.8 * link["line"] + 12 for link in links), links
    if width == 1280:  # a column in the sidebar
        assert len({link["left"] for link in links}) == 1, links
    else:  # Lock, Pin and Move in one row under the heading, Remove… under them
        assert len({link["top"] for link in links[:3]}) == 1 and links[3]["top"] > links[0]["top"], links
        assert links[3]["left"] == links[0]["left"], links
    tools.locator("details.remove-thread > summary").click()
    assert tools.get_by_role("textbox").is_visible()
    moved = tools.evaluate("t => [...t.querySelectorAll('.mod-actions .btn-link')].map(b => Math.round(b.getBoundingClientRect().top))")
    assert moved == [link["top"] for link in links]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    tools.locator("details.remove-thread > summary").click()


# The found topic's chips: contrast of the <mark>'s text on its background, of its background or
# its underline against the chip, and of the chip's ring against the card (WCAG AA: 4.5:1 text,
# 3:1 for what marks it out).
MARKS = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  return [...document.querySelectorAll('.tag.tag-match')].map(chip => {
    const mark = chip.querySelector('mark'), m = getComputedStyle(mark), c = getComputedStyle(chip);
    const card = getComputedStyle(chip.closest('.card'));
    return {level: chip.className, text: ratio(m.color, m.backgroundColor),
            mark: Math.max(ratio(m.backgroundColor, c.backgroundColor), ratio(m.borderBottomColor, c.backgroundColor)),
            ring: ratio(c.outlineColor, card.backgroundColor), ringWidth: parseFloat(c.outlineWidth)};
  });
}"""


def test_the_found_topic_is_marked_visibly_on_every_chip_style(browser, live_server, create_user, give_tags, taxonomy):  # noqa: F811
    """/people?q=teams: the ring round a dark "expert" chip was in its white text colour, on a
    white card: nothing showed which topic matched."""
    from tests.conftest import PASSWORD

    for level in ("expert", "practitioner", "interested"):
        give_tags(create_user(roles=("mentor",), name=f"Mentor {level.title()}"), {"microsoft-teams": level})
    viewer = create_user(roles=("executive",))
    for width in (1280, 390):
        context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(live_server + "/login")
            page.get_by_label("E-mail").fill(viewer.email)
            page.get_by_label("Password").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="Log in").click()
            page.goto(f"{live_server}/people?q=teams&role=mentor")
            marks = page.evaluate(MARKS)
            assert {chip["level"].split()[1] for chip in marks} == {"level-expert", "level-practitioner", "level-interested"}, marks
            for chip in marks:
                assert chip["text"] >= 4.5 and chip["mark"] >= 3 and chip["ring"] >= 3 and chip["ringWidth"] >= 2, chip
            assert page.locator("mark").first.inner_text() == "Microsoft Teams"
        finally:
            context.close()
