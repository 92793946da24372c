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

from collections.abc import Callable, Iterable

from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from community.fragments import cache_fragment, hole

# The callers name everything about the viewer in `parts`; no role class is added to the key.
VIEWER = ("page-part",)


def cached_html(name: str, areas: Iterable[str], parts: tuple, render: Callable[[], str],
                secrets: Iterable[str] = ()) -> Markup:
    """render() once per key and data generation. The viewer's CSRF token and the other
    per-request `secrets` (e.g. a signed token in a link) are never stored."""
    values = [generate_csrf(), *secrets]

    def with_holes() -> str:
        html = str(render())
        for i, value in enumerate(values):
            if value:
                html = html.replace(value, hole(f"secret{i}"))
        return html

    holes = {f"secret{i}": Markup(value) for i, value in enumerate(values)}  # noqa: S704 - our own tokens, as rendered
    return cache_fragment(name, with_holes, areas=tuple(sorted(areas)), vary=parts, holes=holes, viewer=VIEWER)
