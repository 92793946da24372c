from __future__ import annotations

import contextlib
import hashlib
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import (
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_time, format_timedelta, get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from community import submissions
from community.accounts import bp, oidc, services
from community.accounts.auth import SESSION_KEY
from community.accounts.forms import (
    ChangePasswordForm,
    CompleteRegistrationForm,
    ConfirmForm,
    EmptyForm,
    ForgotPasswordForm,
    LocaleForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    TokenForm,
)
from community.errors import NotFoundError
from community.extensions import limiter
from community.forms import service_checks_too
from community.logs import security_event
from community.templating import settings_links
from community.unit_of_work import form_attempt

if TYPE_CHECKING:
    from flask_limiter import RequestLimit

    from community.accounts.models import User


def safe_next(target: str | None, default: str = "main.home") -> str:
    """Only paths on this site; never another host, scheme or protocol-relative URL."""
    if target:
        target = target.strip()
        parts = urlsplit(target)
        if (
            target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
            and not parts.scheme
            and not parts.netloc
            and not any(ord(c) < 32 for c in target)
        ):
            return target
    return url_for(default)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:254]


def _login_account_key() -> str:
    """An account is limited per address it is tried from: whoever guesses from elsewhere
    cannot lock its owner out (the account as a whole is slowed instead, see below)."""
    return f"login-account:{_login_email()}|{get_remote_address()}"


def _account_failures_key() -> str:
    return "login-failures:" + hashlib.sha256(_login_email().encode()).hexdigest()


def _slow_down_guessed_account() -> None:
    """After LOGIN_SLOW_AFTER failed logins for one account within an hour, from any address,
    every further attempt for it waits longer (up to LOGIN_SLOW_MAX_SECONDS): guessing from
    many addresses gets slow, while the owner can still log in."""
    try:
        failures = int(limiter.storage.get(_account_failures_key()) or 0)
    except Exception:  # noqa: BLE001 - no rate-limit storage: no slowing, the limits still hold
        return
    over = failures - current_app.config["LOGIN_SLOW_AFTER"]
    if over > 0:
        time.sleep(min(current_app.config["LOGIN_SLOW_MAX_SECONDS"], 0.25 * over))


def _count_failure() -> None:
    with contextlib.suppress(Exception):
        limiter.storage.incr(_account_failures_key(), 3600)


def sign_in(user: User) -> None:
    """Fresh session for a fresh login (no fixation); keep only the chosen language."""
    locale = session.get("locale")
    session.clear()
    secret = services.open_login_session(user)
    login_user(user)
    session[SESSION_KEY] = secret
    if locale:
        session["locale"] = locale


def _too_many_logins(limit: RequestLimit) -> Response | None:
    """A login limit reached (per account and address, or per address): the login page again,
    the e-mail address as typed, saying when the next try is let through, with the 429 status.
    The limiter calls this for each limit reached; the latest reset wins. JSON callers keep
    the JSON 429 (community.error_pages)."""
    from community.error_pages import wants_json

    if wants_json():
        return None
    retry_at = max(int(limit.reset_at), g.get("login_retry_at", 0))
    g.login_retry_at = retry_at
    wait = max(1, retry_at - int(time.time()))
    when = format_timedelta(timedelta(seconds=wait), add_direction=True)
    if wait >= 300:
        message = _("Too many log-in attempts. Please try again %(when)s, at %(time)s.", when=when,
                    time=format_time(datetime.fromtimestamp(retry_at, UTC), "short"))
    else:
        message = _("Too many log-in attempts. Please try again %(when)s.", when=when)
    endpoint = request.endpoint or "accounts.login"
    password_form = endpoint == "accounts.login_password" or not oidc.only()
    form = LoginForm() if password_form else None  # a password field never shows what was typed
    if form is not None:
        form.form_errors.append(message)
    response = make_response(render_template(
        "accounts/login.html", form=form, form_endpoint=endpoint, refused=message,
        admins_only=endpoint == "accounts.login_password" and oidc.only(), next=request.args.get("next", "")), 429)
    response.headers["Retry-After"] = str(wait)
    return response


def _not_signed_in(response) -> bool:
    """Only an attempt that signed nobody in counts against the login limits (a sign-in answers
    with a redirect): colleagues signing in from one company address (a proxy, NAT) used up the
    address's limit with their successful sign-ins and then locked each other out for an hour.
    Wrong passwords still count, as does every refused or malformed attempt."""
    return response.status_code != 302


def _login_limits(view):
    view = limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"], key_func=_login_account_key,
                         methods=["POST"], on_breach=_too_many_logins, deduct_when=_not_signed_in)(view)
    return limiter.limit(_login_limit, methods=["POST"], on_breach=_too_many_logins, deduct_when=_not_signed_in)(view)


@bp.route("/login", methods=["GET", "POST"])
@_login_limits
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    if oidc.only():
        # Company sign-in only: no password form here (administrators use /login/password).
        return render_template("accounts/login.html", form=None, next=request.args.get("next", ""))
    return _password_login("accounts.login", admins_only=False)


@bp.route("/login/password", methods=["GET", "POST"])
@_login_limits
def login_password():
    """Password login; with OIDC_ONLY the break-glass way in for administrators only."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    return _password_login("accounts.login_password", admins_only=oidc.only())


def _password_login(endpoint: str, *, admins_only: bool):
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        _slow_down_guessed_account()
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None and admins_only and not user.is_admin:
            security_event("login.password_not_admin", user=user)
            user = None  # answered like a wrong password: nothing tells which accounts are admins
        if user is None:
            _count_failure()
            security_event("login.failed", email=(form.email.data or "")[:254])
            form.password.errors = [*form.password.errors, _("E-mail or password is not correct, or the account is inactive.")]
        else:
            sign_in(user)
            return redirect(safe_next(form.next.data))
    return render_template("accounts/login.html", form=form, form_endpoint=endpoint, admins_only=admins_only,
                           next=request.args.get("next", ""))


@bp.post("/logout")
def logout():
    id_token = session.get(oidc.ID_TOKEN_KEY)
    if current_user.is_authenticated:
        services.close_login_session(session.get(SESSION_KEY))
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You are logged out."), "success")
    # Signed in through the company's identity provider: end that session too when it offers it.
    return redirect(oidc.logout_target(id_token) or url_for("accounts.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    services.ensure_registration_open()
    form = RegisterForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            # The language this page is in (chosen, or the browser's): the e-mail and the account follow it.
            services.start_registration(email=form.email.data or "", locale=str(get_locale() or "") or None)
        if attempt.ok:
            # The same page for a new and for a taken address: only the mailbox tells them apart.
            return render_template("accounts/register_sent.html", hours=services.registration_link_hours())
    return render_template("accounts/register.html", form=form)


@bp.route("/register/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def complete_registration(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    services.ensure_registration_open()
    try:
        email, _locale = services.read_registration_link(token)
    except NotFoundError as error:
        return render_template("accounts/register_link_invalid.html", message=error.message), 404
    form = CompleteRegistrationForm(email=email)
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            user = services.complete_registration(
                token=token, name=form.name.data or "", password=form.password.data or "", locale=session.get("locale")
            )
        if attempt.ok:
            sign_in(user)
            flash(_("Welcome, %(name)s! Complete your profile so colleagues can find you.", name=user.name), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/register_complete.html", form=form, email=email, token=token)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.change_password"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.start_password_reset(email=form.email.data or "", locale=str(get_locale() or "") or None)
        if attempt.ok:
            # The same page whether or not the address has an account: only the mailbox tells.
            return render_template("accounts/password_forgot_sent.html", hours=services.registration_link_hours())
    return render_template("accounts/password_forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["REGISTER_RATE_LIMIT"], methods=["POST"])
def reset_password(token: str):
    if current_user.is_authenticated:
        return redirect(url_for("accounts.change_password"))  # signed in: the settings change it
    try:
        person = services.read_reset_link(token)
    except NotFoundError as error:
        return render_template("accounts/password_reset_invalid.html", message=error.message), 404
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            user = services.reset_password(token=token, new=form.password.data or "")
        if attempt.ok:
            sign_in(user)
            flash(_("Your new password is set. Other browsers signed in as you have been logged out."), "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/password_reset.html", form=form, email=person.email, token=token)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password():
    if not current_user.password_hash:  # signs in with the company account only
        flash(_("You sign in with your company account, so there is no password here to change."), "info")
        return redirect(url_for(settings_links(1)[0][0]))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with form_attempt(form) as attempt:
            services.change_password(
                current_user, form.current_password.data or "", form.new_password.data or "", keep_secret=session.get(SESSION_KEY),
                revoke_tokens=bool(form.revoke_tokens.data),
            )
        if attempt.ok:
            flash(_("Password changed. Other browsers signed in as you have been logged out."), "success")
            if form.revoke_tokens.data:
                flash(_("All your API tokens have been revoked."), "success")
            return redirect(url_for("accounts.change_password"))
    elif form.is_submitted():
        service_checks_too(form, lambda: services.check_password_change(
            current_user, None if form.current_password.errors else form.current_password.data or "",
            None if form.new_password.errors else form.new_password.data or ""))
    return render_template("accounts/password.html", form=form)


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["TOKEN_RATE_LIMIT"], methods=["POST"])
def tokens():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        replay = submissions.claim(current_user, form)
        if replay:
            return replay  # the first of the two made the token and showed it once
        with form_attempt(form) as attempt:
            _token, new_token = services.create_api_token(current_user, form.name.data or "")
        if attempt.ok:
            submissions.remember(current_user, form, url_for("accounts.tokens"))
            form = TokenForm(formdata=None)
    return render_template(
        "accounts/tokens.html",
        form=form,
        new_token=new_token,
        tokens=services.list_api_tokens(current_user),
        revoke_form=EmptyForm(),
        revoke_all_form=ConfirmForm(formdata=None),
    )


@bp.post("/settings/tokens/revoke-all")
@login_required
def revoke_all_tokens():
    form = ConfirmForm()
    if form.validate_on_submit():
        count = services.revoke_all_api_tokens(current_user)
        flash(ngettext("%(num)d token revoked.", "%(num)d tokens revoked.", count), "success")
    else:
        flash(_("Tick “I understand” to revoke all your tokens."), "error")
    return redirect(url_for("accounts.tokens"))


@bp.post("/settings/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    form = EmptyForm()
    if form.validate_on_submit():
        services.revoke_api_token(current_user, token_id)
        flash(_("Token revoked."), "success")
    return redirect(url_for("accounts.tokens"))


@bp.post("/locale")
def set_locale():
    form = LocaleForm()
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data  # stored by the request's unit of work
    return redirect(_shown_again(safe_next(form.next.data or request.referrer and urlsplit(request.referrer).path)))


def _shown_again(target: str) -> str:
    """The page to show in the new language: the target if it is a page (answers GET), else
    the home page (a form's POST address would answer 405)."""
    from werkzeug.exceptions import HTTPException
    from werkzeug.routing import RequestRedirect

    try:
        current_app.url_map.bind(request.host, script_name=request.script_root or None).match(
            urlsplit(target).path, method="GET")
    except RequestRedirect:
        return target  # e.g. a missing trailing slash: the page redirects itself
    except HTTPException:
        return url_for("main.home")
    return target
