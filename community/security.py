"""CSRF enforcement and security headers for every response."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from community.extensions import csrf

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def content_security_policy(oidc_issuer: str | None) -> str:
    """The policy; with company sign-in, the log-out form may lead on to the provider's
    end-session page (RP-initiated logout), which `form-action` governs in browsers."""
    if not oidc_issuer:
        return CONTENT_SECURITY_POLICY
    from urllib.parse import urlsplit

    parts = urlsplit(oidc_issuer)
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


def is_bearer_request() -> bool:
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def init_app(app: Flask) -> None:
    policy = content_security_policy(app.config.get("OIDC_ISSUER"))

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

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("HSTS_ENABLED"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _authenticated() or request.path.startswith("/api/"):
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
        return response


def _authenticated() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - a failed user lookup must never break the response
        return False
