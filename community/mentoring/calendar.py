"""iCalendar (.ics) for sessions: one event per session, a stable UID, SEQUENCE per change.

Times are written in the reader's time zone with its VTIMEZONE, so calendar programs show
the same wall-clock time the pages show, also across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import func, select

from community.database import utcnow
from community.extensions import db
from community.i18n import zone_of
from community.mentoring.models import MentoringSession, SessionChange

if TYPE_CHECKING:
    from community.accounts.models import User

PRODID = "-//Mentor Community//Mentoring sessions//EN"
# Changes that make calendar programs replace an event they already hold.
SEQUENCE_KINDS = ("rescheduled", "cancelled")


def uid_for(session_id: int) -> str:
    domain = current_app.config.get("CALENDAR_UID_DOMAIN") or "mentor-community.local"
    return f"session-{session_id}@{domain}"


def sequence_numbers(session_ids: Iterable[int]) -> dict[int, int]:
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(SessionChange.session_id, func.count())
        .where(SessionChange.session_id.in_(ids), SessionChange.kind.in_(SEQUENCE_KINDS))
        .group_by(SessionChange.session_id)
    )
    return dict(rows.all())


def _event(session: MentoringSession, viewer: User, zone: ZoneInfo, sequence: int, link: str | None = None) -> Event:
    mentorship = session.mentorship
    other = mentorship.executive if viewer.id == mentorship.mentor_id else mentorship.mentor
    event = Event()
    event.add("uid", uid_for(session.id))
    event.add("dtstamp", utcnow())
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    event.add("sequence", sequence)
    event.add("summary", _("Mentoring session with %(name)s", name=other.name))
    if session.location:
        event.add("location", session.location)
    lines = []
    topics = ", ".join(row.tag.display_name for row in session.agenda_tags)
    if topics:
        lines.append(_("Topics: %(topics)s", topics=topics))
    if session.agenda:
        lines.append(session.agenda)
    lines.append(link or url_for("mentoring.session_detail", session_id=session.id, _external=True))
    event.add("description", "\n\n".join(lines))  # the agenda only: private notes never leave the page
    event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
    if session.created_at:
        event.add("created", session.created_at.astimezone(UTC))
    return event


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def session_ics(session: MentoringSession, viewer: User) -> bytes:
    """One session for one participant; a cancelled one as METHOD:CANCEL so it disappears."""
    sequence = sequence_numbers([session.id]).get(session.id, 0)
    calendar = _calendar("CANCEL" if session.status == "cancelled" else "PUBLISH")
    calendar.add_component(_event(session, viewer, zone_of(viewer), sequence))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def feed_ics(user: User, sessions: list[MentoringSession]) -> bytes:
    """A person's subscription: recent and upcoming sessions, cancelled ones marked CANCELLED."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", _("Mentoring sessions"))
    zone = zone_of(user)
    calendar.add("x-wr-timezone", str(zone.key))
    sequences = sequence_numbers(s.id for s in sessions)
    for session in sessions:
        calendar.add_component(_event(session, user, zone, sequences.get(session.id, 0)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def invitation_ics(session: MentoringSession, recipient, method: str, organizer: str, link: str | None = None) -> bytes:
    """The invitation an e-mail carries: METHOD:REQUEST (new or moved) or METHOD:CANCEL, with the
    session's stable UID and a SEQUENCE that grows with every move, so calendars update the
    event they hold instead of adding a second one."""
    from icalendar import vCalAddress

    sequence = sequence_numbers([session.id]).get(session.id, 0)
    calendar = _calendar(method)
    event = _event(session, recipient, zone_of(recipient), sequence, link=link)
    if method == "CANCEL":
        event["status"] = "CANCELLED"
    boss = vCalAddress(f"mailto:{organizer}")
    boss.params["cn"] = _("Mentor Community")  # as the reader's e-mail names the platform
    event.add("organizer", boss)
    attendee = vCalAddress(f"mailto:{recipient.email}")
    attendee.params["cn"] = recipient.name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = "ACCEPTED" if method == "CANCEL" else "NEEDS-ACTION"
    # The organizer is the platform's sender, which reads no replies: calendars are told not to
    # send an accept or decline (the pair agree on a date here, by moving or cancelling).
    attendee.params["rsvp"] = "FALSE"
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
