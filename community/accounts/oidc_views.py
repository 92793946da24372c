"""Company sign-in pages: /login/oidc (start) and /login/oidc/callback (the provider's answer).

Every way the sign-in can fail ends on a page that says what happened and what to do next,
with a 4xx/502 status, so the unit of work rolls back and no account is created.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community.accounts import bp, oidc
from community.accounts.views import safe_next, sign_in
from community.extensions import limiter
from community.logs import security_event

log = logging.getLogger(__name__)
NEXT_KEY = "oidc_next"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def refused(reason: str, message: str, status: int = 400):
    """The sign-in did not happen: say why, offer to start again, never create anything."""
    security_event("login.oidc_refused", reason=reason)
    return render_template("accounts/oidc_error.html", message=message, reason=reason), status


def _provider_error_message(error: Any) -> str:
    code = error.error if isinstance(error.error, str) and re.fullmatch(r"[a-z_]{1,40}", error.error) else ""
    if code in ("access_denied", "consent_required", "interaction_required", "login_required"):
        return _("The sign-in was cancelled, or your identity provider did not allow it.")
    if code:
        return _("Your identity provider reported an error (%(code)s). Try again; if it happens again, tell your IT team.", code=code)
    return _("Your identity provider's answer could not be used. Start the sign-in again.")


@bp.get("/login/oidc")
@limiter.limit(_login_limit)
def oidc_start():
    if not oidc.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    import requests  # Authlib and its HTTP client load only where company sign-in is used

    session[NEXT_KEY] = safe_next(request.args.get("next"))
    try:
        return oidc.client().authorize_redirect(url_for("accounts.oidc_callback", _external=True))
    except (requests.RequestException, ValueError, KeyError, RuntimeError) as error:
        log.warning("identity provider unreachable at sign-in start: %s", type(error).__name__)
        return refused("provider_unreachable", _("Your identity provider cannot be reached just now. Try again in a few minutes."), 502)


@bp.get("/login/oidc/callback")
@limiter.limit(_login_limit)
def oidc_callback():
    if not oidc.enabled():
        abort(404)
    import requests
    from authlib.common.errors import AuthlibBaseError
    from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
    from joserfc.errors import JoseError

    provider = oidc.client()
    try:
        token = provider.authorize_access_token()
    except MismatchingStateError:
        return refused("state", _("This sign-in link has expired or was used already. Start the sign-in again."))
    except OAuthError as error:
        return refused("provider_error", _provider_error_message(error))
    except (JoseError, AuthlibBaseError, ValueError, KeyError, TypeError):
        log.warning("ID token rejected", exc_info=True)
        return refused("id_token", _("Your identity provider's answer could not be verified. Start the sign-in again."))
    except requests.RequestException as error:
        log.warning("identity provider unreachable at sign-in: %s", type(error).__name__)
        return refused("provider_unreachable", _("Your identity provider cannot be reached just now. Try again in a few minutes."), 502)
    raw = dict(token.get("userinfo") or {})
    if not raw:
        return refused("id_token", _("Your identity provider's answer could not be verified. Start the sign-in again."))
    raw = _with_userinfo(provider, token, raw)
    try:
        user = oidc.account_for(oidc.read_claims(raw))
    except oidc.SignInRefused as error:
        return refused(error.reason, error.message, 403)
    target = session.get(NEXT_KEY) or url_for("main.home")
    sign_in(user)
    if token.get("id_token"):
        session[oidc.ID_TOKEN_KEY] = token["id_token"]
    security_event("login.oidc", user=user)
    return redirect(safe_next(target))


def _with_userinfo(provider: Any, token: dict, claims: dict) -> dict:
    """Claims missing from the ID token (groups, department…) from the userinfo endpoint, when
    the provider has one; what the signed ID token says wins."""
    import requests
    from authlib.common.errors import AuthlibBaseError

    try:
        if not provider.load_server_metadata().get("userinfo_endpoint"):
            return claims
        extra = dict(provider.userinfo(token=token))
    except (requests.RequestException, AuthlibBaseError, ValueError):
        log.info("userinfo endpoint not usable; the ID token's claims are used alone")
        return claims
    if str(extra.get("sub")) != str(claims.get("sub")):
        return claims
    return {**extra, **claims}

