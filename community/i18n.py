"""Language and time zone of the current request; locale-aware formatting helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel import dates as babel_dates
from babel.core import get_global
from babel.lists import format_list
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    format_time,
    get_locale,
    to_user_timezone,
)

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
    if isinstance(chosen, str) and chosen in supported:
        return chosen
    return request.accept_languages.best_match(supported) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    reader: str | None = g.get("reader_timezone")  # an e-mail being made (community.outreach.services.in_zone_of)
    if reader:
        return reader
    user = peek_user()
    if user is not None and user.timezone:
        return user.timezone
    return current_app.config["DEFAULT_USER_TIMEZONE"]


def user_zone() -> ZoneInfo:
    return ZoneInfo(select_timezone())


def zone_of(user: Any) -> ZoneInfo:
    """A person's own time zone (the site's default when they chose none), outside their requests:
    e-mails, calendar files, the dates they enter."""
    try:
        return ZoneInfo(user.timezone or current_app.config["DEFAULT_USER_TIMEZONE"])
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


@cache
def zones() -> tuple[str, ...]:
    """The places to choose from: one zone per place, without the old names kept as aliases
    ("Asia/Istanbul" beside "Europe/Istanbul", "Africa/Asmera" beside "Africa/Asmara")."""
    named = {z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    aliases = get_global("zone_aliases")
    named = {z for z in named if aliases.get(z, z) == z or aliases[z] not in named}
    return (*sorted(named), "UTC")


@cache
def zone_places(locale: str) -> dict[str, str]:
    """Each zone's place in the reader's language, as CLDR names it ("Wien", "Tokio" in
    German); worked out once per language (it takes a fifth of a second)."""
    places = {}
    for zone in zones():
        try:
            places[zone] = babel_dates.get_timezone_location(zone, locale=locale, return_city=True)
        except (LookupError, ValueError):  # a zone newer than Babel's data: its own name
            places[zone] = zone.rpartition("/")[2].replace("_", " ")
    return places


def zone_place(zone: str | None, locale: str | None = None) -> str:
    """A stored zone as the settings and the session pages name it: "Europe/Vienna" is "Vienna"
    ("Wien" in German); a zone outside the list (UTC, an old alias) keeps its own name."""
    if not zone:
        return ""
    return zone_places(locale or str(get_locale() or "en")).get(zone, zone)


def local_datetime(value: datetime | None, fmt: str = "medium") -> str:
    """In the viewer's zone and language; "medium" is the date with hours and minutes
    (29 Nov 2026, 14:30 · 29.11.2026, 14:30) — nobody schedules to the second."""
    if not value:
        return ""
    if fmt == "medium":
        text = f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
        local = to_user_timezone(value)
        return f"{text} ({utc_offset(local)})" if occurs_twice(local) else text
    return format_datetime(value, fmt)


def occurs_twice(local: datetime) -> bool:
    """Whether this wall-clock time comes twice where it is (the hour the clocks go back): it
    then needs its UTC offset to say which one."""
    if local.tzinfo is None:
        return False
    name = getattr(local.tzinfo, "key", None) or getattr(local.tzinfo, "zone", None)  # zoneinfo, or pytz (Flask-Babel)
    try:
        zone = ZoneInfo(name) if name else local.tzinfo
    except (KeyError, ValueError):
        return False
    naive = local.replace(tzinfo=None)
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    # (a time the clocks skip also has two offsets, but neither reading of it comes back to it)
    return all(t.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive for t in (first, second))


def utc_offset(value: datetime) -> str:
    """"UTC+02:00" for an aware time."""
    offset = value.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def local_time_range(start: datetime | None, end: datetime | None) -> str:
    """29 Nov 2026, 14:30–15:15 (the end's date only when it falls on another day).

    Across a clock change each end carries its UTC offset, so the hour the clocks go back
    never reads "02:30–02:30": it reads "02:30 (UTC+02:00)–02:30 (UTC+01:00)"."""
    if not start or not end:
        return local_datetime(start or end)
    local_start, local_end = to_user_timezone(start), to_user_timezone(end)
    same_day = local_start.date() == local_end.date()
    tail = format_time(end, "short") if same_day else f"{format_date(end, 'medium')}, {format_time(end, 'short')}"
    head = f"{format_date(start, 'medium')}, {format_time(start, 'short')}"
    if local_start.utcoffset() != local_end.utcoffset() or occurs_twice(local_start) or occurs_twice(local_end):
        head, tail = f"{head} ({utc_offset(local_start)})", f"{tail} ({utc_offset(local_end)})"
    return f"{head}–{tail}" if same_day else f"{head} – {tail}"


def datetime_for(value: datetime, zone, locale: str | None) -> str:
    """Like local_datetime for another reader (texts stored now and read later, e-mails), with
    the zone named as the session page names it: "9 Dec 2026, 10:30 (New York)". The
    two people of a session often live in different zones, and an e-mail is read anywhere."""
    language = FORMAT_LOCALES.get(locale or "en", locale or "en")
    local = value.astimezone(zone)
    name = zone_place(getattr(zone, "key", None) or str(zone), language)
    if occurs_twice(local):  # the hour the clocks go back: which 02:30
        name = f"{name}, {utc_offset(local)}"
    return f"{babel_dates.format_date(local, 'medium', locale=language)}, " \
           f"{babel_dates.format_time(value, 'short', tzinfo=zone, locale=language)} ({name})"


def local_span(start: datetime, end: datetime, *, day: bool = True) -> str:
    """A session's time for a text (a notification) in the viewer's zone and language, the zone
    named as datetime_for names it: "3 Feb 2027, 10:00–11:30 (Berlin)". day=False: only
    the clock, for a text that names the day already ("10:00–10:45")."""
    if day:
        return f"{local_time_range(start, end)} ({zone_place(select_timezone())})"
    local_start, local_end = to_user_timezone(start), to_user_timezone(end)
    head, tail = format_time(start, "short"), format_time(end, "short")
    if local_start.utcoffset() != local_end.utcoffset() or occurs_twice(local_start) or occurs_twice(local_end):
        head, tail = f"{head} ({utc_offset(local_start)})", f"{tail} ({utc_offset(local_end)})"
    return f"{head}–{tail}"


def local_date(value, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def local_number(value, digits: int | None = None) -> str:
    """A figure in the reader's locale (1,234.5 / 1.234,5); digits fixes the decimals."""
    if value is None or value == "":
        return ""
    if digits is None:
        return format_decimal(value)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern)


def local_percent(value, digits: int = 0) -> str:
    """A share (0.42) as a percentage in the reader's locale (42% in English, 42 % in German)."""
    if value is None or value == "":
        return ""
    return format_percent(value) if digits <= 0 else format_percent(value, format="#,##0." + "0" * digits + "%")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.filters["number"] = local_number
    app.jinja_env.filters["percent"] = local_percent
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.filters["listed"] = listed
    app.jinja_env.globals["time_range"] = local_time_range

    @app.context_processor
    def language_context():
        return {"current_locale": str(get_locale()), "current_timezone": select_timezone()}


def language_name(code: str | None) -> str:
    """A language code ("de") by its name in the reader's language ("German", "Deutsch")."""
    if not code:
        return ""
    locale = get_locale()
    name = locale.languages.get(code.lower()) if locale is not None else None
    return name[:1].upper() + name[1:] if name else code


def listed(items) -> str:
    """Words as a list in the reader's language: "German and English" ("Deutsch und Englisch"),
    "A, B and C"."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return format_list(words, locale=str(get_locale() or "en"))


def language_names(codes) -> str:
    """Language codes as names, listed: "German and English" ("Deutsch und Englisch")."""
    return listed(language_name(code) for code in codes)
