"""schemathesis hooks for tests/test_api_served_schemathesis.py (loaded via SCHEMATHESIS_HOOKS).

A client picks a new Idempotency-Key for every new request (that is what the header is for);
the generator would otherwise reuse one well-formed key for different bodies, which the server
rightly refuses with 422 (replays and reuse are tested in tests/discussions/test_idempotency_keys.py).
Malformed keys are sent unchanged: they must still be refused.

No client can send a request line longer than gunicorn's `limit_request_line` (8,190 bytes,
gunicorn.conf.py): gunicorn refuses it with the product's 414 page before the app sees it
(tests/test_hardening_errors.py). Generated queries that long are left out.
"""

from __future__ import annotations

import re
import urllib.parse
import uuid

import schemathesis

WELL_FORMED = re.compile(r"^[!-~]{1,200}$")


def _leaves_a_header_out(case) -> bool:
    """A coverage case that tests a missing header (e.g. Authorization) stays as generated."""
    data = getattr(getattr(case.meta, "phase", None), "data", None)
    return "MISSING" in str(getattr(data, "scenario", "")).upper()


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.meta is not None and _leaves_a_header_out(case):
        return
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and WELL_FORMED.match(headers[name]):
            headers[name] = uuid.uuid4().hex


REQUEST_LINE_LIMIT = 8190  # gunicorn.conf.py: limit_request_line
PATH_ROOM = 200  # the method, the path and " HTTP/1.1"


@schemathesis.hook
def filter_query(context, query):
    if not query:
        return True
    try:
        encoded = urllib.parse.urlencode(query, doseq=True)
    except (TypeError, ValueError):
        return True  # sent as generated: the app answers what it cannot parse
    return len(encoded) + PATH_ROOM < REQUEST_LINE_LIMIT
