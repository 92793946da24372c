"""htmx requests (progressive enhancement): they get a fragment, ordinary requests a page."""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response


def is_htmx() -> bool:
    """An htmx request for a fragment (not a boosted full-page navigation)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def redirect_client(response: Response) -> Response:
    """For htmx, a redirect becomes a full-page navigation (HX-Redirect) instead of a fragment swap."""
    if is_htmx() and response.status_code in (301, 302, 303, 307, 308) and response.location:
        answer = Response("", status=200)
        answer.headers["HX-Redirect"] = response.location
        return answer
    return response
