"""Language and time zone of the current request; locale-aware formatting helpers."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, get_locale

from community.accounts.auth import peek_user

# English texts with European dates and times (29 Nov 2026, 14:30) for a European audience.
FORMAT_LOCALES = {"en": "en_GB"}


def select_locale() -> str:
    return FORMAT_LOCALES.get(_chosen_language(), _chosen_language())


def _chosen_language() -> str:
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user = peek_user()
    if user is not None and user.locale in supported:
        return user.locale
    chosen = session.get("locale")
    if chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    user = peek_user()
    if user is not None and user.timezone:
        return user.timezone
    return current_app.config["DEFAULT_USER_TIMEZONE"]


def user_zone() -> ZoneInfo:
    return ZoneInfo(select_timezone())


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    return format_datetime(value, fmt) if value else ""


def local_date(value, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["date"] = local_date

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale()), "current_timezone": select_timezone()}
