"""CSRF enforcement and security headers for every response."""

from __future__ import annotations

import json
import re

from flask import Flask, abort, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from itsdangerous import URLSafeTimedSerializer

from community.errors import ValidationFailed
from community.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src data: {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


MAX_JSON_DEPTH = 32  # no request body of this API nests deeper than a few levels
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# PostgreSQL's text cannot hold NUL (it refused with "a value is out of range", naming no
# field) and SQLite stored it: refused alike on both, before anything reads the body.
_NUL = re.compile("\x00")


def json_body_problem(raw: bytes) -> str | None:
    """Why a JSON body cannot be used, or None. Checked before any parser sees it: bodies
    nested deeper than MAX_JSON_DEPTH (the parser would recurse until it fails) and strings
    with a lone UTF-16 surrogate (`"\\ud800"`: no database or encoder can store it)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _("The body is not valid UTF-8.")
    depth = deepest = 0
    text_to_scan = "" if text.count("[") + text.count("{") <= MAX_JSON_DEPTH else text
    in_string = escaped = False
    for char in text_to_scan:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return _("The JSON body is nested too deeply.")
        elif char in "]}":
            depth -= 1
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return None  # the API's own parser answers malformed JSON with its usual 400
    except ValueError:  # well-formed, but a number with more digits than Python converts
        return _("The JSON body holds a number with too many digits.")
    if _holds(value, _LONE_SURROGATE):
        return _("The JSON body contains an invalid character (a lone surrogate).")
    return None


def json_nul_fields(raw: bytes) -> dict[str, list[str]]:
    """The fields of a JSON body whose text holds a NUL character ("\\u0000"), each with its
    message; {} when none does (or the body is not JSON: its parser answers that)."""
    if b"\\u0000" not in raw:  # JSON must escape NUL so; a raw NUL byte is malformed JSON
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    message = _("Remove the NUL character (\\u0000): no field can hold it.")
    if isinstance(value, dict):
        named = {("body" if _holds(key, _NUL) else str(key)) for key, item in value.items()
                 if _holds(key, _NUL) or _holds(item, _NUL)}
        return {field: [message] for field in sorted(named)}
    return {"body": [message]} if _holds(value, _NUL) else {}


def _holds(value: object, pattern: re.Pattern[str]) -> bool:
    """Whether any string in a JSON value (keys too) matches `pattern`."""
    if isinstance(value, str):
        return bool(pattern.search(value))
    if isinstance(value, list):
        return any(_holds(item, pattern) for item in value)
    if isinstance(value, dict):
        return any(_holds(k, pattern) or _holds(v, pattern) for k, v in value.items())
    return False


_POLICIES: dict[tuple[str, str, bool, str | None], str] = {}


def content_security_policy(oidc_issuer: str | None = None) -> str:
    """Images only from the product's own static files (and the network pictures on the
    network pages, which are tied to the viewer's audited page view): nothing in user content
    can make a reader's browser request another page of the site (see community.markdown).

    One policy per scheme and host name, made once: a request only looks it up (building the
    origin, `request.host_url`, is the expensive part and happens on the first request only)."""
    try:
        scheme, host = request.scheme, request.host
        network_page = (request.endpoint or "").startswith("network.")
    except RuntimeError:  # outside a request (gunicorn's own error pages)
        scheme, host, network_page = "", "", False
    key = (scheme, host, network_page, oidc_issuer)
    policy = _POLICIES.get(key)
    if policy is not None:
        return policy
    origin = request.host_url.rstrip("/") if host else ""
    policy = _policy_for(origin, network_page, oidc_issuer)
    if len(_POLICIES) < 64:  # a few host names at most; never grows with odd Host headers
        _POLICIES[key] = policy
    return policy


def _policy_for(origin: str, network_page: bool, oidc_issuer: str | None) -> str:
    images = f"{origin}/static/"
    if network_page:
        images += f" {origin}/network/"
    policy = CONTENT_SECURITY_POLICY.format(images=images)
    if oidc_issuer:
        # With company sign-in, the log-out form may lead on to the provider's end-session
        # page (RP-initiated logout), which `form-action` governs in browsers.
        from urllib.parse import urlsplit

        parts = urlsplit(oidc_issuer)
        policy = policy.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")
    return policy


def constant_headers(app: Flask) -> tuple[tuple[str, str], ...]:
    """The security headers every response carries whatever it is (made once per app)."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if app.config.get("HSTS_ENABLED"):
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return tuple(headers)


def csrf_token() -> str:
    """The page's signed CSRF token (Flask-WTF's `generate_csrf`), signed once per login session
    in each process instead of on every page: the signature costs as much as a tenth of a cached
    page, and with WTF_CSRF_TIME_LIMIT unset the signed token never expires, so the same one is
    as good later. A new raw token in the session (a new login) is a new key."""
    from flask import current_app, g, session
    from flask_wtf.csrf import generate_csrf

    from community.caching import recent_values

    if "csrf_token" in g:
        return g.csrf_token
    if current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()  # tokens that expire are signed afresh
    signed = recent_values("csrf-tokens", 300, size=2048)
    raw = session.get("csrf_token")
    token = signed.get(raw) if isinstance(raw, str) else None
    if token is None:
        # Also the first page of a session, which has no raw token yet: generate_csrf makes one,
        # and what it signed is kept under it, so the session's later pages carry the same token
        # (signed again a second later, the token would differ by its timestamp).
        token = generate_csrf()
        raw = session.get("csrf_token")
        if isinstance(raw, str):
            signed.put(raw, token)
    else:
        g.csrf_token = token  # where Flask-WTF's forms and generate_csrf look first
    return token


def is_bearer_request() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def init_app(app: Flask) -> None:
    oidc_issuer = app.config.get("OIDC_ISSUER")

    @app.before_request
    def enforce_csrf():
        """Every state-changing request carries a CSRF token, unless it is a token-authenticated
        API call (browsers never attach an Authorization header on their own)."""
        if request.method in SAFE_METHODS or request.path.startswith("/scim/"):
            return None  # SCIM: provisioning tokens only, cookies are never looked at
        if request.path.startswith("/api/") and (
            is_bearer_request() or app.config["SESSION_COOKIE_NAME"] not in request.cookies
        ):
            return None  # a token, or no cookie at all: nothing a forged request could ride on
        if request.path.startswith("/unsubscribe/"):
            return None  # one-click unsubscribe (RFC 8058): the signed link is the authority
        csrf.protect()
        return None

    @app.before_request
    def reject_unusable_json():
        """400 (the documented error body) for JSON no handler could use without failing."""
        if request.method in SAFE_METHODS or not request.is_json:
            return None
        raw = request.get_data(cache=True)
        if raw:
            problem = json_body_problem(raw)
            if problem:
                abort(400, description=problem)
            fields = json_nul_fields(raw)
            if fields:  # well-formed, but no database stores it: 422 naming the field, on every database
                raise ValidationFailed(_("Remove the NUL character (\\u0000) from: %(fields)s.",
                                         fields=", ".join(fields)), fields)
        return None

    @app.before_request
    def reject_nul_in_forms():
        """400 for a form value holding NUL (no browser sends one from what a person types)."""
        if request.method in SAFE_METHODS or request.mimetype not in ("application/x-www-form-urlencoded",
                                                                      "multipart/form-data"):
            return None
        if any("\x00" in value for values in request.form.listvalues() for value in values):
            abort(400, description=_("The form contains a NUL character, which no field can hold."))
        return None

    constant = constant_headers(app)

    @app.after_request
    def security_headers(response):
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        if "content-security-policy" not in present:
            headers.add("Content-Security-Policy", content_security_policy(oidc_issuer))
        headers.extend([(name, value) for name, value in constant if name.lower() not in present])
        if _authenticated() or request.path.startswith("/api/"):
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
        return response

    app.session_interface = CachedSerializerSessionInterface()
    app.wsgi_app = Liveness(app, constant)  # type: ignore[method-assign]


class CachedSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per set of keys
    instead of on every request (Flask builds a new one, with a test signature, each time).
    The same keys, salt, digest and key rotation (SECRET_KEY_FALLBACKS) as Flask's own."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        try:
            return self._serializers[key]
        except KeyError:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) < 8:  # keys change only with a new configuration
                self._serializers[key] = serializer
            return serializer


LIVEZ_BODY = b'{"status":"ok"}\n'


class Liveness:
    """`GET /livez` (and HEAD) answered before Flask's request handling: no session, rate
    limiter, login, database or unit of work, since liveness uses none of them (it is
    exempt from the limits and reads nothing), with the same security headers as every
    other response (`security_headers`: the same Content-Security-Policy for the request's
    scheme and host) and `Cache-Control: no-store` (a cached "ok" would hide a dead worker).
    Any other method or path, and every request when TRUSTED_HOSTS restricts host names,
    goes on to the app as before."""

    def __init__(self, app: Flask, constant: tuple[tuple[str, str], ...]) -> None:
        self.app = app
        self.wsgi_app = app.wsgi_app
        self.constant = constant
        self.oidc_issuer = app.config.get("OIDC_ISSUER")
        self.headers: dict[tuple, list[tuple[str, str]]] = {}

    def __call__(self, environ: dict, start_response):
        if (environ.get("PATH_INFO") != "/livez" or environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
                or environ.get("SCRIPT_NAME") or self.app.config.get("TRUSTED_HOSTS")):
            return self.wsgi_app(environ, start_response)
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST"), environ.get("SERVER_NAME"),
               environ.get("SERVER_PORT"))
        headers = self.headers.get(key)
        if headers is None:
            headers = self._headers_for(environ)
            if len(self.headers) < 64:  # a few host names at most; never grows with odd Host headers
                self.headers[key] = headers
        start_response("200 OK", list(headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [LIVEZ_BODY]

    def _headers_for(self, environ: dict) -> list[tuple[str, str]]:
        from werkzeug.wrappers import Request

        origin = Request(environ).host_url.rstrip("/")
        return [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(LIVEZ_BODY))),
            ("Content-Security-Policy", _policy_for(origin, False, self.oidc_issuer)),
            *self.constant,
            ("Cache-Control", "no-store"),
        ]


def _authenticated() -> bool:
    from flask import g
    from flask_login import AnonymousUserMixin

    loaded = g.get("_login_user")
    if loaded is not None:
        # Already loaded (and checked) in this request: no attribute read, which after the
        # request's commit would cost a refresh query.
        return not isinstance(loaded, AnonymousUserMixin)
    # Not loaded: the response did not look at the user. A login cookie still gets no-store
    # (never less private than before), without a database query just for this header.
    from flask import session

    try:
        return "_user_id" in session
    except Exception:  # noqa: BLE001 - a broken session must never break the response
        return False
