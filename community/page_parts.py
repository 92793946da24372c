"""Whole page bodies that look the same for many viewers, on top of community.fragments.

A page part (a profile's body, the community start page's tables, a page of a thread's posts,
the network dashboard) is rendered once and kept by community.fragments (Redis when REDIS_URL
is set, otherwise per process, with each process's recently used parts in front) under a key
made of

* what the part shows and every fact about the viewer that changes it (the caller passes
  these as `parts`: role class, whether the viewer wrote a post, may edit, sees the e-mail
  address …);
* the viewer's language and time zone (texts, numbers and times are formatted for them);
* the data generations of the areas the part reads (community.caching): any commit that
  touches one of their tables moves the generation on, so the next view renders afresh.

These bodies are rendered by ordinary templates, not written with {{ hole() }}: per-viewer
secrets are cut out of the rendered HTML instead. The request's CSRF token (and any other
per-request secret the caller names, like a signed link token) becomes a hole before the part
is stored and is filled in for each viewer. A request whose own unsaved writes touch one of
the areas renders afresh.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import Markup

from community.fragments import cache_fragment, hole
from community.security import csrf_token

# The callers name everything about the viewer in `parts`; no role class is added to the key.
VIEWER = ("page-part",)


def cached_html(name: str, areas: Iterable[str], parts: tuple, render: Callable[[], str],
                secrets: Iterable[str] | dict[str, str] = (), submission: str | None = None) -> Markup:
    """render() once per key and data generation. The viewer's CSRF token, a form's
    `submission` token and the other per-request `secrets` (e.g. a signed token in a link;
    named, when the page around is kept whole and fills them itself) are never stored."""
    named = secrets if isinstance(secrets, dict) else {f"secret{i}": value for i, value in enumerate(secrets, start=1)}
    values = {"csrf": csrf_token(), "submission": submission, **named}

    def with_holes() -> str:
        html = str(render())
        for name, value in values.items():
            if value:
                html = html.replace(value, hole(name))
        return html

    holes = {name: Markup(value) for name, value in values.items()}  # noqa: S704 - our own tokens, as rendered
    return cache_fragment(name, with_holes, areas=tuple(sorted(areas)), vary=parts, holes=holes, viewer=VIEWER)


_BAKED_SUBMISSION = re.compile(r'name="submission"[^>]*\svalue="(?!<!--hole:)[^"]')


def cached_page(name: str, areas: Iterable[str], parts: tuple, render: Callable[[], str],
                holes: dict[str, str] | None = None) -> str | bytes:
    """A whole GET page (layout and body) rendered once per key and kept like a part, for a
    page whose every per-viewer difference is named in `parts` (besides the viewer's roles,
    language and time zone, which are always in the key). Per request only the layout's own
    holes are filled: the CSRF token, a form's fresh submission token, the address and the
    signed-in person's bell, avatar, name and profile link (community.fragments.PAGE_HOLES). A page that shows any other per-viewer
    value through a hole while it is rendered is served but not kept; a request with flashed
    messages (shown once) or unsaved writes to the areas renders afresh. `holes` are further
    per-request values the view gives (a signed token of this view): parts rendered with them
    as named secrets (cached_html) keep them as holes, filled here."""
    from flask import g, request, session

    from community.caching import changed_here
    from community.fragments import fill_bytes, stored

    wanted = tuple(sorted(areas))
    if (request.method != "GET" or "_flashes" in session or not current_app.config.get("PAGE_CACHE", True)
            or any(changed_here(area) for area in wanted)):
        return render()
    csrf = csrf_token()

    def capture() -> tuple[str, bool]:
        g.page_capture = captured = {"per_viewer": False, "holes": frozenset(holes or ())}
        try:
            html = str(render())
        finally:
            g.pop("page_capture", None)
        html = html.replace(csrf, hole("csrf"))
        # A form's submission token written into the page (not a hole) is this request's own.
        return html, not captured["per_viewer"] and not _BAKED_SUBMISSION.search(html)

    html = stored(("page", name, request.full_path, parts), capture, areas=wanted)
    return fill_bytes(html, {**_page_holes(csrf), **(holes or {})})


def this_page() -> str:
    """This request's page, for the forms that come back to it (`_this_page`)."""
    from flask import request

    return _this_page(request)


def _this_page(request) -> str:
    """Where the language switch and the like return to: this page, or for a form sent back
    with its errors (the answer to a POST, whose address takes no GET) the page it was sent
    from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path:
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return ""


def _page_holes(csrf: str) -> dict:
    from flask import request

    from community.accounts.auth import peek_user
    from community.submissions import new_token

    holes: dict = {"csrf": csrf, "submission": new_token, "next": _this_page(request)}
    user = peek_user()
    if user is not None:
        holes.update(_person_holes(user))
    return holes


def _person_holes(user) -> dict:
    """The layout's parts of the signed-in person (base.html), as Markup: made once per
    person, name, counter and language in each process (they depend on nothing else)."""
    from flask import get_template_attribute, request
    from flask_babel import get_locale

    from community.caching import recent_values
    from community.templating import account_url, unread_for

    unread = unread_for(user)
    key = repr((user.id, user.name, user.handle, unread, str(get_locale()), request.script_root))
    made = recent_values("person_holes", 300, size=2048)
    holes = made.get(key)
    if holes is None:
        avatar = get_template_attribute("macros/ui.html", "avatar")
        bell = get_template_attribute("macros/ui.html", "bell")
        who = Markup("<strong>%s</strong>") % user.name
        if user.handle:
            who += Markup('<br><span class="text-body-secondary">@%s</span>') % user.handle
        holes = {"bell": bell(unread), "avatar": avatar(user, "sm"), "name": user.name,
                 "who": who, "account": account_url()}
        made.put(key, holes)
    return holes
