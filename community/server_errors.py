"""The product's error page for what gunicorn refuses before the app runs.

gunicorn writes a bare HTML page without security headers for a request line that is too long
(414), header fields that are too large (431), a malformed request (400) and a crash outside
the app (500). `install()` (called from gunicorn.conf.py) replaces that writer, so these
answers look like every other error page of the product (in English and German: the request
was not read far enough to know the reader's language or whether they want JSON), with the
security headers of community.security.
"""

from __future__ import annotations

from html import escape

MESSAGES = {
    400: ("The request could not be understood.", "Die Anfrage war nicht verständlich."),
    403: ("You are not allowed to do this.", "Das dürfen Sie nicht."),
    414: ("The address is too long.", "Die Adresse ist zu lang."),
    417: ("The request could not be understood.", "Die Anfrage war nicht verständlich."),
    431: ("The request's header fields are too large.", "Die Kopfzeilen der Anfrage sind zu groß."),
    500: ("Something went wrong on our side. It has been logged.",
          "Bei uns ist etwas schiefgegangen. Es wurde protokolliert."),
    501: ("This transfer coding is not supported.", "Diese Übertragungskodierung wird nicht unterstützt."),
}
MARKER = 'class="error-page"'


def error_response(status: int, reason: str) -> bytes:
    """A complete HTTP/1.1 response (HTML in English and German) with the security headers."""
    from community.security import CONTENT_SECURITY_POLICY

    policy = CONTENT_SECURITY_POLICY.format(images="").replace("img-src data: ;", "img-src data:;")

    english, german = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{status}</title>"
        '<link rel="stylesheet" href="/static/css/app.css"></head><body><main>'
        f'<section class="error-page"><h1>{status}</h1><p>{escape(english)}</p>'
        f'<p lang="de">{escape(german)}</p>'
        '<p><a href="/">Start page · Startseite</a></p></section></main></body></html>'
    ).encode()
    headers = [
        f"HTTP/1.1 {status} {reason}",
        "Connection: close",
        "Content-Type: text/html; charset=utf-8",
        f"Content-Length: {len(body)}",
        f"Content-Security-Policy: {policy}",
        "X-Content-Type-Options: nosniff",
        "Referrer-Policy: same-origin",
        "X-Frame-Options: DENY",
        "Cross-Origin-Opener-Policy: same-origin",
        "Cache-Control: no-store",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1") + body


def install() -> None:
    """Make gunicorn write the product's error page instead of its own."""
    from gunicorn import util

    def write_error(sock, status_int, reason, mesg):  # noqa: ARG001 - gunicorn's signature
        util.write_nonblock(sock, error_response(int(status_int), str(reason)))

    write_error.__product__ = True  # type: ignore[attr-defined]
    util.write_error = write_error

