"""Rendered page parts that look the same for many viewers, cached until their data changes.

A page part (a profile's body, the community start page's tables, a page of a thread's posts)
is rendered once and kept in the cache (community.caching: Redis when REDIS_URL is set,
otherwise per process) for CACHE_FRAGMENT_SECONDS under a key made of

* what the part shows and every fact about the viewer that changes it (the caller passes
  these: role class, whether the viewer wrote a post, may edit, sees the e-mail address …);
* the viewer's language and time zone (texts, numbers and times are formatted for them);
* the data generations of the areas the part reads (community.caching): any commit that
  touches one of their tables moves the generation on, so the next view renders afresh.

Per-viewer secrets never enter the cache: the request's CSRF token (and any other per-request
secret the caller names, like a signed link token) is replaced by a marker before the part is
stored and put back for each viewer. A request whose own unsaved writes
touch one of the areas renders live (its generation moves on only at the commit).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from flask import current_app
from flask_babel import get_locale, get_timezone
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from community.caching import changed_here, generation
from community.extensions import cache

CSRF_MARK = "\x00csrf\x00"


def viewer_format() -> tuple[str, str]:
    """What formats a page for its reader: language (with its date style) and time zone."""
    return str(get_locale()), str(get_timezone())


def _key(name: str, areas: Iterable[str], parts: tuple) -> str:
    raw = "|".join(map(str, (name, *parts, *viewer_format(), *(f"{a}={generation(a)}" for a in areas))))
    return "page-part:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_html(name: str, areas: Iterable[str], parts: tuple, render: Callable[[], str],
                secrets: Iterable[str] = ()) -> Markup:
    """render() once per key and data generation. The viewer's CSRF token and the other
    per-request `secrets` (e.g. a signed token in a link) are never stored: each is replaced
    by a marker before storing and put back for each viewer."""
    areas = tuple(sorted(areas))
    hidden = [(generate_csrf(), CSRF_MARK), *((value, f"\x00secret{i}\x00") for i, value in enumerate(secrets))]
    if any(changed_here(area) for area in areas):
        return Markup(render())  # noqa: S704 - rendered by Jinja with autoescape
    key = _key(name, areas, parts)
    try:
        stored = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage only costs speed
        stored = None
    if stored is None:
        html = str(render())
        try:
            cache.set(key, _swap(html, hidden), timeout=current_app.config["CACHE_FRAGMENT_SECONDS"])
        except Exception:  # noqa: BLE001
            current_app.logger.warning("cache unavailable", exc_info=True)
        return Markup(html)  # noqa: S704 - rendered by Jinja with autoescape
    return Markup(_swap(stored, [(mark, value) for value, mark in hidden]))  # noqa: S704 - rendered by Jinja with autoescape


def _swap(html: str, pairs: list[tuple[str, str]]) -> str:
    for old, new in pairs:
        if old:
            html = html.replace(old, new)
    return html
