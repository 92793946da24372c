"""People as a page's main part shows them in its tables and lists: each with their small avatar
(initials on a colour), read from the page's HTML as (initials, the text that follows)."""

from __future__ import annotations

import re

_FACE = re.compile(r'<span class="avatar avatar-sm [^"]*" aria-hidden="true">(.*?)</span>(?:\s*<[^>]+>)*\s*([^<]+)', re.S)


def faces_in(html: str) -> list[tuple[str, str]]:
    """(what the avatar shows: the initials, or "" for nobody's grey figure; the text after it),
    in the page's <main> (the header has the viewer's own)."""
    main = html[html.index("<main"):html.index("</main>")]
    return [(re.sub(r"<[^>]+>", "", initials).strip(), " ".join(text.split())) for initials, text in _FACE.findall(main)]
