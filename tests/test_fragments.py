"""Cached page parts (community.fragments): one rendering per viewer class and data
generation, holes filled per request, a write shows at once."""

from __future__ import annotations

import pytest
from flask import render_template_string
from markupsafe import Markup

from community.fragments import cache_fragment, hole
from tests.conftest import login

TEMPLATE = """{% call cache_fragment("test-part", areas="directory", vary=[which], holes={"token": token}) -%}
<p>{{ counter() }} {{ _('People') }} <b>{{ hole("token") }}</b></p>
{%- endcall %}"""


class Counter:
    def __init__(self):
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def _render(app, counter, value="t1", which="a", headers=None):
    with app.test_request_context("/", headers=headers or {}):
        return render_template_string(TEMPLATE, counter=counter, token=value, which=which)


def test_rendered_once_and_holes_filled_per_request(app):
    counter = Counter()
    first = _render(app, counter, value="<one>")
    second = _render(app, counter, value="two")
    assert counter.calls == 1
    assert first == "<p>1 People <b>&lt;one&gt;</b></p>"  # a hole's value is escaped
    assert second == "<p>1 People <b>two</b></p>"
    _render(app, counter, which="b")  # another key
    assert counter.calls == 2


def test_each_language_has_its_own_rendering(app):
    counter = Counter()
    english = _render(app, counter, headers={"Accept-Language": "en"})
    german = _render(app, counter, headers={"Accept-Language": "de"})
    assert "People" in english
    assert "Personen" in german or "Leute" in german
    assert counter.calls == 2


def test_a_write_to_the_area_renders_afresh(app, create_user):
    counter = Counter()
    _render(app, counter)
    _render(app, counter)
    assert counter.calls == 1
    create_user(name="New Person")  # the users table: the directory area moves on
    _render(app, counter)
    assert counter.calls == 2


def test_signed_in_roles_and_strangers_do_not_share(app, client, create_user):
    seen = []

    def page():
        return render_template_string(TEMPLATE, counter=lambda: seen.append(1) or len(seen), token="x", which="roles")

    app.add_url_rule("/test-fragment", "test_fragment", page)
    people = [create_user(roles=("staff",)), create_user(roles=("staff",)), create_user(roles=("admin",))]
    browsers = [app.test_client() for _person in people]
    for browser, person in zip(browsers, people, strict=True):
        assert login(browser, person).status_code == 302  # (a log-in writes to the users table)
    for browser in (client, *browsers):
        browser.get("/test-fragment")
    assert len(seen) == 3  # anonymous, staff (shared by two people), admin


def test_a_hole_without_value_is_an_error_not_a_marker_in_the_page(app):
    with app.test_request_context("/"), pytest.raises(LookupError):
        cache_fragment("unfilled", lambda: Markup("<p>") + hole("csrf"), areas="directory")


def test_python_use_and_unknown_areas(app):
    with app.test_request_context("/"):
        html = cache_fragment("py-part", lambda: Markup("<i>{}</i>").format(hole("n")), areas=("directory", "contacts"),
                              holes={"n": lambda: 5})
        assert html == Markup("<i>5</i>")
        with pytest.raises(ValueError):
            cache_fragment("bad", lambda: "", areas="nonsense")


def test_switched_off_renders_every_time(app):
    app.config["FRAGMENT_CACHE"] = False
    counter = Counter()
    _render(app, counter)
    _render(app, counter)
    assert counter.calls == 2


def test_a_whole_page_with_anything_of_its_reader_is_served_but_not_kept(app):
    """cached_page keeps a page only when every per-reader value in it is one of the page
    holes it fills itself; a per-reader hole of a part, or a submission token written into
    the page, makes it this request's own."""
    from community.page_parts import cached_page

    counter = Counter()

    def page(kind: str, value: str) -> str:
        with app.test_request_context(f"/kept-{kind}"):
            if kind == "hole":
                render = lambda: render_template_string(  # noqa: E731
                    '{{ c() }} {% call cache_fragment("inner", areas="directory", holes={"mine": v}) %}{{ hole("mine") }}'
                    "{% endcall %}", c=counter, v=value)
            elif kind == "baked":
                render = lambda: f'{counter()} <input name="submission" type="hidden" value="{value}">'  # noqa: E731
            else:
                render = lambda: f'{counter()} <input name="submission" type="hidden" value="{hole("submission")}">'  # noqa: E731
            page = cached_page(kind, ("directory",), (), render)
            return page.decode() if isinstance(page, bytes) else page

    assert page("hole", "ann").endswith("ann") and page("hole", "bob").endswith("bob") and counter.calls == 2
    assert 'value="t-ann"' in page("baked", "t-ann") and 'value="t-bob"' in page("baked", "t-bob")
    assert counter.calls == 4
    first, second = page("fresh", ""), page("fresh", "")
    assert counter.calls == 5 and first != second  # kept once, a new submission token each time
