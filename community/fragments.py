"""Rendered page parts shared by every viewer of a class, with per-request holes.

Most of a page looks the same for everyone who reads it in the same language and time zone,
may see the same things and looks at the same data: the layout's navigation, a search form
with its option lists, a list of people. Such a part is rendered once, cached as HTML, and
served to the next viewer of the same class until the data behind it changes. The few bits
that differ per request (a CSRF token, the unread counter, the viewer's own buttons) are
*holes*: markers in the cached HTML, filled in on every request.

In a template, around the part to cache::

    {% call cache_fragment("directory-form", areas="directory", vary=[query.q, query.tag],
                           holes={"csrf": csrf_token_value()}) %}
      <form> … {{ hole("csrf") }} … </form>
    {% endcall %}

In Python (a view)::

    from community.fragments import cache_fragment

    html = cache_fragment("topic-people", lambda: render_template("expertise/_people.html", ...),
                          areas="directory", vary=(tag.id, page, per_page))
    return render_template("expertise/show.html", people_html=html)   # Markup: not escaped again

The cache key is always: the part's name, the language (str(get_locale())), the viewer's time
zone, the *viewer class* and the current data generation of every area in `areas`
(community.caching.AREAS; a write to one of the area's tables moves it on, so the next
request renders afresh), plus everything in `vary`. The viewer class is by default
("anonymous",) or ("member", *sorted roles): what a role may see. Pass `viewer=` for a finer
or coarser class — e.g. `viewer=current_user.id` for a part only that person sees, or
`viewer=("all",)` for a part that depends on nothing of the viewer.

The rules (a cache must never show a viewer something they may not see):

- Everything the part's body reads that is not in the key must be the same for every viewer
  of the class: put it in `vary` (a query string, a page number, the active menu entry), or
  make it a hole.
- Per-request or per-viewer values (CSRF tokens, the viewer's name or own buttons, e-mail
  addresses shown only to some, counters) are holes: `{{ hole("name") }}` in the body, and
  `holes={"name": value}` in the call. A value is escaped unless it is Markup; a callable
  value is called only when the cached HTML has that hole. A hole without a value is an
  error (LookupError), never silently left in the page.
- `areas` must name every area whose tables the part shows; when a table is missing from
  community.caching.AREAS, add it there (and so to the invalidation) first. `areas=()` is
  for a part that shows no stored data at all (the layout's menu: only roles and addresses).
- A part that shows what this request alone has (a form shown again with the errors of what
  was sent) passes `enabled=False`: rendered afresh, holes filled the same way.
- A request that has itself written to an area (not yet committed) renders afresh and
  caches nothing, so it shows its own change.

Entries live CACHE_FRAGMENT_SECONDS (30 s) unless `timeout` is given, in Redis when REDIS_URL
is set (shared by the workers) or in each process; each process also keeps the parts it used
last for FRAGMENT_LOCAL_SECONDS (5 s) under the same keys (a write still shows at once). FRAGMENT_CACHE=False in the config turns
the cache off (every part rendered, holes filled) — handy to compare pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, current_app
from flask_babel import get_locale
from markupsafe import Markup, escape

from community.caching import AREAS, RecentValues, changed_here, generation, kept, recent_values

_HOLE_PREFIX = "<!--hole:"
_HOLE_RE = re.compile(r"<!--hole:([A-Za-z0-9_-]+):([0-9a-f]{16})-->")


# The holes a whole cached page (community.page_parts.cached_page) fills per request itself:
# the CSRF token, a form's fresh submission token (community.submissions), the request's
# address, and the layout's parts of the signed-in person.
PAGE_HOLES = frozenset({"csrf", "submission", "next", "bell", "avatar", "name", "who", "account"})


def _capture() -> dict | None:
    """The whole page being rendered for the page cache, if one is (see page_parts)."""
    from flask import g, has_request_context

    return g.get("page_capture") if has_request_context() else None


def _nonce() -> str:
    """Part of every hole marker, derived from the secret key: no text a person writes (even
    sanitised Markdown) can contain a marker and have a value inserted in its place."""
    nonce = current_app.extensions.get("community.fragment_nonce")
    if nonce is None:
        secret = str(current_app.config.get("SECRET_KEY") or "")
        nonce = hashlib.sha256(("fragment-holes:" + secret).encode()).hexdigest()[:16]
        current_app.extensions["community.fragment_nonce"] = nonce
    return nonce


def _marker(name: str) -> str:
    return f"{_HOLE_PREFIX}{name}:{_nonce()}-->"


def hole(name: str) -> Markup:
    """A place in a cached part filled per request with the value the call gives for `name`."""
    if not name or not all(ch.isalnum() or ch in "-_" for ch in name):
        raise ValueError(f"a hole's name is letters, digits, - and _: {name!r}")
    return Markup(_marker(name))  # noqa: S704 - a fixed marker of our own


def viewer_class() -> tuple[str, ...]:
    """("anonymous",) or ("member", *roles): what decides what a viewer may see in a part
    that shows nothing of one person's own."""
    from community.accounts.auth import peek_user

    user = peek_user()
    if user is None:
        return ("anonymous",)
    return ("member", *sorted(user.roles))


def _zone() -> str:
    from community.i18n import select_timezone

    return select_timezone()


def _key(name: str, areas: tuple[str, ...], vary: Iterable[Any], viewer: Any) -> str:
    parts = (name, str(get_locale()), _zone(), repr(viewer), repr(tuple(vary)),
             *(f"{area}={generation(area)}" for area in areas))
    return "fragment-html:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def fill(html: str, holes: dict[str, Any] | None = None) -> Markup:
    """The cached HTML with every hole replaced by its value (escaped unless Markup), in one pass."""
    if _HOLE_PREFIX not in html:
        return Markup(html)  # noqa: S704 - our own autoescaped template rendered it
    nonce, given, values = _nonce(), holes or {}, {}
    capture = _capture()

    def value_of(match: re.Match[str]) -> str:
        name = match.group(1)
        if match.group(2) != nonce:
            return match.group(0)
        if capture is not None:
            if name in PAGE_HOLES or name in capture["holes"]:
                return match.group(0)  # the cached page keeps it; filled per viewer
            capture["per_viewer"] = True  # a value this page would keep for every viewer: not cached
        if name not in values:
            if name not in given:
                raise LookupError(f"a cached fragment has a hole without a value: {name!r}")
            value = given[name]
            values[name] = str(escape(value() if callable(value) else value))
        return values[name]

    return Markup(_HOLE_RE.sub(value_of, html))  # noqa: S704 - our own autoescaped template rendered it


def fill_bytes(html: str, holes: dict[str, Any]) -> bytes:
    """fill() for a whole page as the response's bytes: the page is cut at its holes once per
    process (kept with the page), so a request only joins the pieces with its values."""
    prepared = _prepared()
    pieces = prepared.get(html)
    if pieces is None:
        pieces = _cut(html)
        prepared.put(html, pieces)
    chunks, names = pieces
    values = {}
    for name in names:
        if name not in values:
            if name not in holes:
                raise LookupError(f"a cached page has a hole without a value: {name!r}")
            value = holes[name]
            values[name] = str(escape(value() if callable(value) else value)).encode()
    out = [chunks[0]]
    for name, chunk in zip(names, chunks[1:], strict=True):
        out += (values[name], chunk)
    return b"".join(out)


def _cut(html: str) -> tuple[tuple[bytes, ...], tuple[str, ...]]:
    """The page's text between its holes (as bytes) and the holes' names, in order."""
    nonce, chunks, names, start = _nonce(), [], [], 0
    for match in _HOLE_RE.finditer(html):
        if match.group(2) == nonce:
            chunks.append(html[start:match.start()].encode())
            names.append(match.group(1))
            start = match.end()
    chunks.append(html[start:].encode())
    return tuple(chunks), tuple(names)


def _prepared() -> RecentValues:
    return recent_values("prepared_pages", current_app.config.get("CACHE_FRAGMENT_SECONDS", 30), size=256)


def cache_fragment(name: str, render: Callable[[], Any], *, areas: str | Iterable[str], vary: Iterable[Any] = (),
                   holes: dict[str, Any] | None = None, viewer: Any = None, timeout: int | None = None,
                   enabled: bool = True) -> Markup:
    """render() once per key (see the module's docstring), then the holes filled for this request.
    enabled=False renders afresh and caches nothing (a form shown again with its errors)."""
    wanted = (areas,) if isinstance(areas, str) else tuple(areas)
    unknown = [area for area in wanted if area not in AREAS]
    if unknown:
        raise ValueError(f"unknown cache areas for fragment {name!r}: {unknown}")
    vary = tuple(vary)
    if not enabled or not current_app.config.get("FRAGMENT_CACHE", True) or any(changed_here(area) for area in wanted):
        return fill(str(render()), holes)
    html = stored((name, *vary), lambda: (str(render()), True), areas=wanted, viewer=viewer, timeout=timeout)
    return fill(html, holes)


def stored(vary: tuple, render: Callable[[], tuple[str, bool]], *, areas: tuple[str, ...], viewer: Any = None,
           timeout: int | None = None) -> str:
    """The HTML kept under the key of `vary` (its first item names the part; see _key), or
    render()'s — kept when render() says so (HTML, keep)."""
    key = _key(str(vary[0]), areas, vary[1:], viewer_class() if viewer is None else viewer)
    html: str = kept(key, render, recent=_local(), timeout=timeout)
    return html


def _local() -> RecentValues:
    return recent_values("fragments", current_app.config.get("FRAGMENT_LOCAL_SECONDS", 5))


def _template_fragment(name: str, areas: str | Iterable[str] | None = None, vary: Iterable[Any] = (),
                       holes: dict[str, Any] | None = None, viewer: Any = None, timeout: int | None = None,
                       enabled: bool = True, caller: Callable[[], Any] | None = None) -> Markup:
    if caller is None:
        raise TypeError("cache_fragment is used as {% call cache_fragment(...) %} … {% endcall %}")
    if areas is None:
        raise TypeError(f"cache_fragment {name!r} needs areas=… (the data it shows; () for none)")
    return cache_fragment(name, caller, areas=areas, vary=vary, holes=holes, viewer=viewer, timeout=timeout,
                          enabled=enabled)


def init_app(app: Flask) -> None:
    app.config.setdefault("FRAGMENT_CACHE", True)
    app.config.setdefault("FRAGMENT_LOCAL_SECONDS", 5)
    app.jinja_env.globals.update(cache_fragment=_template_fragment, hole=hole)
