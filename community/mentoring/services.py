"""Changes to the mentoring programme: runs, mentorships, sessions, notes, feedback, feeds.

Services take the acting person first, check what that person may see (404) and do (403),
refuse illegal state changes with 409, flush and never commit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import Enum, auto
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, delete, func, or_, select, update

from community.accounts import services as accounts
from community.accounts.auth import secret_hash
from community.accounts.models import User
from community.audit import services as audit
from community.database import rowcount, utcnow
from community.errors import (
    ConflictError,
    NotFoundError,
    PermissionDenied,
    Refusals,
    ValidationFailed,
)
from community.expertise.services import resolve_tags
from community.extensions import db
from community.i18n import local_datetime, zone_of
from community.labels import PHRASES, stored_phrase
from community.mentoring.models import (
    COHORT_STATUSES,
    GOAL_PROGRESS,
    HANDOVER_REASONS,
    OPEN_STATUSES,
    CalendarFeed,
    Cohort,
    MentoringSession,
    Mentorship,
    MentorshipGoal,
    SessionAgendaTag,
    SessionChange,
    SessionFeedback,
    SessionNote,
)
from community.notifications.models import Notification
from community.notifications.services import (
    FORMER_MEMBER,
    moment,
    moments,
    notify,
    register_addendum,
    register_kind,
    span,
)
from community.pagination import Page
from community.profiles.naming import may_name, nameable_ids

MIN_DURATION, MAX_DURATION = 15, 480
TEXT_MAX = 5_000
NOTES_MAX = 20_000
NAME_MAX = 120
LOCATION_MAX = 300
URL_LIKE = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)

register_kind("mentorship_requested", _l("%(actor)s asks you to be their mentor"))
register_kind("mentorship_requested_for", _l("%(actor)s asks you to mentor %(executive)s"))
register_kind("mentorship_requested_on_behalf", _l("%(actor)s asked %(mentor)s to be your mentor"))
register_kind("mentorship_accepted", _l("%(actor)s accepted the mentoring request for %(executive)s"))
register_kind("mentorship_accepted_yours", _l("%(actor)s accepted your mentoring request"))
register_kind("mentorship_declined", _l("%(actor)s declined the mentoring request for %(executive)s: %(reason)s"))
register_kind("mentorship_declined_yours", _l("%(actor)s declined your mentoring request: %(reason)s"))
register_kind("mentorship_withdrawn", _l("%(actor)s withdrew the mentoring request for %(executive)s"))
# The executive withdrew their own request: to the mentor, and to whoever asked on their behalf.
register_kind("mentorship_withdrawn_own", _l("%(actor)s withdrew their mentoring request"))
register_kind("mentorship_withdrawn_for_requester", _l("%(actor)s withdrew their mentoring request to %(mentor)s"))
# Someone else (who asked on the executive's behalf) withdrew it: to the executive.
register_kind("mentorship_withdrawn_for_you", _l("%(actor)s withdrew the request asking %(mentor)s to be your mentor"))
register_kind("mentorship_completed", _l("%(actor)s completed the mentorship of %(mentor)s and %(executive)s"))
# To each of the pair: by the other one, or by someone else (a change manager, an admin).
register_kind("mentorship_completed_yours", _l("%(actor)s completed your mentorship"))
register_kind("mentorship_completed_for_you", _l("%(actor)s completed your mentorship with %(other)s"))
register_kind("session_scheduled", _l("%(actor)s scheduled a mentoring session on %(when)s"))
register_kind("session_rescheduled", _l("%(actor)s moved the mentoring session of %(old)s to %(when)s: %(reason)s"))
# Only the length changed (the start stayed): "now 3 Feb 2027, 10:00–11:30 (Berlin) instead of 10:00–10:45".
register_kind("session_resized", _l("%(actor)s changed the length of the mentoring session: now %(when)s instead of "
                                    "%(old)s: %(reason)s"))
register_kind("session_cancelled", _l("%(actor)s cancelled the mentoring session on %(when)s: %(reason)s"))
# A session whose time had come is recorded as not held (no calendar cancellation: it is past).
register_kind("session_not_held", _l("%(actor)s recorded that the mentoring session of %(when)s did not take place: "
                                     "%(reason)s"))
# The end of a mentorship (completed, handed over) says once which sessions still to come it
# cancelled, instead of one notice per session; its e-mail carries each calendar cancellation.
register_addendum("cancelled_sessions", _l("The sessions still planned are cancelled: %(cancelled_sessions)s"))
# A session called off because the other person's account ended (left, deactivated, erased):
# one notice per session, as made before the end notice below (kept so that those still read).
register_kind("session_cancelled_gone", _l("The mentoring session with %(other)s on %(when)s was cancelled: %(reason)s"))
# The other person's account ended: one notice per partner, naming every session it cancelled
# (the `cancelled_sessions` addendum; its e-mail carries each calendar cancellation). It gives no
# reason, so that a deactivation, a leaver and an erasure read alike.
register_kind("mentorship_partner_gone", _l("%(other)s is no longer available for your mentorship"))
register_kind("mentorship_declined_leaver", _l("The mentoring request of %(executive)s with %(mentor)s was declined: the person left"))
register_kind("feedback_received", _l("%(actor)s gave feedback on the session of %(when)s"))
register_kind("handover_needed", _l("The mentorship of %(mentor)s and %(executive)s needs a new mentor (%(why)s)"))
register_kind("handed_over_old", _l("%(actor)s handed your mentorship with %(executive)s over to %(mentor)s"))
register_kind("handed_over_executive", _l("%(actor)s handed your mentorship over to %(mentor)s, who continues with your goals"))
register_kind("handed_over_new", _l("%(actor)s handed the mentorship of %(executive)s over to you (it continues from %(previous)s)"))
register_kind("mentoring_paused", _l("%(actor)s paused mentoring; their mentorships need a handover"))

HANDOVER_WHY = {reason: PHRASES[f"handover_{reason}"] for reason in HANDOVER_REASONS}


# Access --------------------------------------------------------------------------------

def is_participant(user: User, mentorship: Mentorship) -> bool:
    return getattr(user, "id", None) in (mentorship.mentor_id, mentorship.executive_id)


def can_view_mentorship(user: User, mentorship: Mentorship) -> bool:
    return (
        is_participant(user, mentorship)
        or (mentorship.requested_by_id is not None and mentorship.requested_by_id == user.id)
        or user.has_role("change_manager")
    )


def get_mentorship(user: User, mentorship_id: int) -> Mentorship:
    """A mentorship the person may see: its two participants, whoever requested it, change managers."""
    mentorship = db.session.get(Mentorship, mentorship_id)
    if mentorship is None or not can_view_mentorship(user, mentorship):
        raise NotFoundError(_("No such mentorship."))
    return mentorship


def get_session(user: User, session_id: int, *, with_history: bool = False) -> MentoringSession:
    """A session exists only for its two participants: everybody else, admins too, gets 404."""
    if with_history:
        from community.mentoring.queries import SESSION_PAGE

        session = db.session.scalar(select(MentoringSession).where(MentoringSession.id == session_id).options(*SESSION_PAGE))
    else:
        session = db.session.get(MentoringSession, session_id)
    if session is None or not is_participant(user, session.mentorship):
        raise NotFoundError(_("No such session."))
    return session


def require_participant(user: User, mentorship: Mentorship) -> None:
    if not is_participant(user, mentorship):
        raise PermissionDenied(_("Only the mentor and the executive of this mentorship can do this."))


def takes_part(user: User) -> bool:
    """Mentors and executives have mentoring of their own (the home page's card)."""
    return user.has_role("mentor", "executive")


def can_complete(user: User, mentorship: Mentorship) -> bool:
    return mentorship.status == "active" and (is_participant(user, mentorship) or user.has_role("change_manager"))


def may_request(user: User) -> bool:
    """Mentors are requested by executives, or by change managers on an executive's behalf."""
    return user.has_role("executive", "change_manager")


def require_requester(user: User) -> None:
    if not may_request(user):
        raise PermissionDenied(_("Mentors are requested by executives, or by change managers on their behalf."))


@dataclass(frozen=True)
class RequestOffer:
    """What a mentor's profile offers its viewer: `request` (the request form would take this
    mentor), or why not: `paused`, `full`, `open` (the viewer's own mentorship with them,
    `mentorship_id`) or `declined` (the mentor declined the viewer's request lately: on
    `declined_on`; they can be asked again from `again_from`)."""

    state: str
    mentorship_id: int | None = None
    declined_on: datetime | None = None
    again_from: datetime | None = None


def request_offer(viewer: User, mentor: User) -> RequestOffer | None:
    """The request form's rules (`request_mentorship`) read for a profile, before anything is
    sent; None when the viewer could not ask this person at all (not a mentor, oneself,
    someone the viewer may not name, or a viewer who does not request mentors)."""
    if not may_request(viewer) or viewer.id == mentor.id or not _askable(viewer, mentor):
        return None
    if mentor.mentoring_paused:
        return RequestOffer("paused")
    own = _open_pair(mentor.id, viewer.id) if viewer.has_role("executive") else None
    if own is not None:
        return RequestOffer("open", own)
    if viewer.has_role("executive") and not viewer.has_role("change_manager"):
        from community.mentoring import queries

        declined_on = queries.recent_declines(viewer.id).get(mentor.id)
        if declined_on is not None:
            return RequestOffer("declined", declined_on=declined_on, again_from=declined_on + queries.ask_again_after())
    if not _has_room(mentor):
        return RequestOffer("full")
    return RequestOffer("request")


@dataclass
class RequestChoices:
    """What the request form offers its author."""

    mentors: list[Any]
    cohorts: list[Cohort]  # open runs other than the current one
    current: Cohort | None  # the run a request without a chosen run joins
    executives: list[Any] | None  # None: the author asks for themselves (not a change manager)
    own_executive_id: int  # the author, when an executive (0 otherwise)
    waiting: list[Mentorship] = field(default_factory=list)  # the author's own requests not yet answered
    # Mentors not offered because they declined the author's request lately: (name, declined on, ask again from)
    declined: list[tuple[str, datetime, datetime]] = field(default_factory=list)


def runs_overview(actor: User) -> list[Any]:
    """Every programme run with its figures (change managers)."""
    from community.mentoring import queries

    require_change_manager(actor)
    return queries.cohorts_overview()


def sessions_page(actor: User, mentorship: Mentorship, *, page: int, per_page: int) -> Page:
    """A mentorship's sessions, for its two participants only."""
    from community.mentoring import queries

    require_participant(actor, mentorship)
    return queries.sessions_page(mentorship, page=page, per_page=per_page)


def request_choices(actor: User) -> RequestChoices:
    require_requester(actor)
    from community.mentoring import queries

    cohorts = db.session.scalars(select(Cohort).where(Cohort.status != "closed").order_by(Cohort.starts_on.desc())).all()
    current = current_cohort()
    rows = queries.mentors_with_room()
    nameable = nameable_ids(actor, rows)  # a mentor hidden from the directory is not offered
    own: list[Mentorship] = []
    if actor.has_role("executive"):  # one's own mentors and open requests are not offered again
        own = list(db.session.scalars(select(Mentorship).where(
            Mentorship.executive_id == actor.id, Mentorship.status.in_(OPEN_STATUSES)).order_by(Mentorship.requested_at)))
    # (A change manager asks for others too: their list stays whole.)
    taken = {m.mentor_id for m in own} if not actor.has_role("change_manager") else set()
    declines = queries.recent_declines(actor.id) if actor.has_role("executive") and not actor.has_role("change_manager") \
        else {}
    return RequestChoices(
        mentors=[(row.id, row.name, row.department) for row in rows
                 if row.id in nameable and row.id not in taken and row.id not in declines],
        cohorts=[cohort for cohort in cohorts if cohort is not current],
        current=current,
        executives=queries.executives() if actor.has_role("change_manager") else None,
        own_executive_id=actor.id if actor.has_role("executive") else 0,
        waiting=[m for m in own if m.status == "requested"],
        declined=sorted((row.name, declines[row.id], declines[row.id] + queries.ask_again_after())
                        for row in rows if row.id in nameable and row.id in declines),
    )


def require_change_manager(user: User) -> None:
    if not user.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers manage programme runs."))


def other_participant(user: User, mentorship: Mentorship) -> User:
    return mentorship.executive if user.id == mentorship.mentor_id else mentorship.mentor


# Small checks --------------------------------------------------------------------------

def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, {field: [message]})


def clean_text(value: str | None, field: str, limit: int = TEXT_MAX) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        _refuse(field, _("At most %(n)d characters.", n=limit))
    return value or None


def required_reason(value: str | None, field: str = "reason") -> str:
    reason = clean_text(value, field, 2_000)
    if not reason:
        _refuse(field, _("Please give a reason."))
    return reason


def capacity_of(user: User) -> int:
    """How many mentees a mentor takes at once (the profile setting)."""
    return max(0, user.capacity or 0)


def open_count(mentor_id: int, *, excluding: int | None = None) -> int:
    stmt = select(func.count()).select_from(Mentorship).where(
        Mentorship.mentor_id == mentor_id, Mentorship.status.in_(OPEN_STATUSES)
    )
    if excluding is not None:
        stmt = stmt.where(Mentorship.id != excluding)
    return db.session.execute(stmt).scalar_one()


def lock_person(user_id: int) -> User | None:
    """Serialise decisions about one mentor (capacity, double booking) across requests.

    PostgreSQL: a row lock held until commit. SQLite: ignored here, because write
    transactions already begin IMMEDIATE (see community.database) and so run one at a time.
    """
    stmt = select(User).where(User.id == user_id).with_for_update().execution_options(populate_existing=True)
    person: User | None = db.session.scalar(stmt)
    return person


def lock_pair(mentorship: Mentorship) -> None:
    """Both calendars of a pair, always in the same order so two requests cannot deadlock."""
    for user_id in sorted({mentorship.mentor_id, mentorship.executive_id}):
        lock_person(user_id)


def clock_change_options(value: datetime, zone_name: str) -> list[tuple[str, str]]:
    """The two readings of a wall-clock time that occurs twice (the clocks go back), as
    (fold, label) choices; [] when the time is unambiguous or does not exist."""
    from community.i18n import utc_offset

    zone = ZoneInfo(zone_name)
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return []
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value.replace(tzinfo=None):
        return []  # skipped by the clocks: not ambiguous, impossible
    time = value.strftime("%H:%M")
    return [
        ("0", _("%(time)s %(offset)s, the first time (before the clocks go back)", time=time, offset=utc_offset(first))),
        ("1", _("%(time)s %(offset)s, the second time (after the clocks go back)", time=time, offset=utc_offset(second))),
    ]


def aware_from_local(value: datetime, zone_name: str, field: str = "starts_at", fold: int | None = None) -> datetime:
    """A wall-clock time entered in a time zone, as UTC.

    Refuses times the clocks skip. A time that occurs twice (the clocks go back) needs `fold`
    (0: the first, 1: the second); without it the caller is asked to choose, the two offsets named.
    """
    from community.i18n import utc_offset

    zone = ZoneInfo(zone_name)
    local = value.replace(tzinfo=zone, fold=0)
    as_utc = local.astimezone(UTC)
    if as_utc.astimezone(zone).replace(tzinfo=None) != value.replace(tzinfo=None):
        _refuse(field, _("This time does not exist in %(zone)s (the clocks are put forward); choose another.", zone=zone_name))
    later = value.replace(tzinfo=zone, fold=1)
    if later.utcoffset() != local.utcoffset():
        if fold not in (0, 1):
            _refuse(field, _("%(time)s occurs twice in %(zone)s (the clocks go back): choose %(first)s (the first) "
                             "or %(second)s (the second).", time=value.strftime("%H:%M"), zone=zone_name,
                             first=utc_offset(local), second=utc_offset(later)))
        return (later if fold == 1 else local).astimezone(UTC)
    return as_utc


def check_start(starts_at: datetime | None, field: str = "starts_at") -> datetime:
    if not isinstance(starts_at, datetime):
        _refuse(field, _("Give a start time."))
    if starts_at.tzinfo is None or starts_at.utcoffset() is None:
        _refuse(field, _("Give the start time with its UTC offset, e.g. 2030-05-04T10:00:00+02:00."))
    starts_at = starts_at.astimezone(UTC).replace(microsecond=0)
    if starts_at <= utcnow():
        _refuse(field, _("A session cannot start in the past."))
    if starts_at > utcnow() + timedelta(days=3 * 366):
        _refuse(field, _("Plan at most three years ahead."))
    return starts_at


def whole_number(value: object) -> int:
    """`int(value)` for what forms and JSON send (numbers and digits); TypeError for the rest."""
    if not isinstance(value, int | float | str):
        raise TypeError(f"not a number: {value!r}")
    return int(value)


def check_duration(value: int | str | None, field: str = "duration_minutes") -> int:
    try:
        minutes = whole_number(value)
    except (TypeError, ValueError):
        _refuse(field, _("Give the duration in minutes."))
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        _refuse(field, _("A session lasts between %(min)d and %(max)d minutes.", min=MIN_DURATION, max=MAX_DURATION))
    return minutes


def is_link(location: str | None) -> bool:
    return bool(location) and URL_LIKE.match(location or "") is not None and " " not in (location or "")


def check_location(value: str | None, field: str = "location") -> str | None:
    """A place ("Room 4.12, Munich") or a video link; links must be http(s)."""
    location = clean_text(value, field, LOCATION_MAX)
    if location and is_link(location):
        parts = urlsplit(location)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            _refuse(field, _("A link must start with http:// or https://."))
    return location


def path_for(endpoint: str, **values: Any) -> str:
    """A link on this site, also outside a request (CLI, background work, tests)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


# Programme runs ------------------------------------------------------------------------

RUN_YEARS_BACK, RUN_YEARS_AHEAD, RUN_YEARS_LONGEST = 20, 5, 5


def _check_cohort_fields(actor: User, name: str | None, starts_on: date | None, ends_on: date | None, status: str,
                         exclude_id: int | None) -> tuple[str, date, date]:
    """The cleaned name and the two dates, or a field error."""
    name = " ".join((name or "").split())
    if not name:
        _refuse("name", _("Give the programme run a name."))
    if len(name) > NAME_MAX:
        _refuse("name", _("At most %(n)d characters.", n=NAME_MAX))
    if not isinstance(starts_on, date):
        _refuse("starts_on", _("Give a start date."))
    if not isinstance(ends_on, date):
        _refuse("ends_on", _("Give an end date."))
    if ends_on < starts_on:
        _refuse("ends_on", _("The run cannot end before it starts."))
    if status not in COHORT_STATUSES:
        _refuse("status", _("Unknown status."))
    today = utcnow().astimezone(zone_of(actor)).date()  # today where the actor is
    # A run is a programme of months, recorded for the years around now: 1900 to 2999 is a typo.
    if not today.replace(year=today.year - RUN_YEARS_BACK, day=min(today.day, 28)) <= starts_on \
            <= today.replace(year=today.year + RUN_YEARS_AHEAD, day=min(today.day, 28)):
        _refuse("starts_on", _("Check the start date: a run starts within %(back)d years before or %(ahead)d years "
                               "after today.", back=RUN_YEARS_BACK, ahead=RUN_YEARS_AHEAD))
    if (ends_on - starts_on).days > RUN_YEARS_LONGEST * 366:
        _refuse("ends_on", ngettext("Check the end date: a run lasts at most %(num)d year.",
                                    "Check the end date: a run lasts at most %(num)d years.", RUN_YEARS_LONGEST))
    if status == "closed" and starts_on > today:
        _refuse("status", _("A run that has not started cannot be closed; record it as planned."))
    if status == "planned" and ends_on < today:
        # A run over already is recorded as closed (with its dates); "planned" would put it
        # among the runs to come and open its surveys to nobody.
        _refuse("ends_on", _("A planned run cannot have ended already; record a past run as closed."))
    if status == "running" and ends_on < today:
        # Over already, "running" kept it among the current runs, its report unfinished for good.
        _refuse("ends_on", _("A running run cannot have ended already; close it, or move its end date."))
    taken = db.session.scalar(select(Cohort.id).where(func.lower(Cohort.name) == name.lower()))
    if taken is not None and taken != exclude_id:
        message = _("A programme run with this name exists already.")
        raise ConflictError(message, {"name": [message]})
    return name, starts_on, ends_on


def create_cohort(actor: User, *, name: str | None, starts_on: date | None, ends_on: date | None, status: str = "planned",
                  description: str | None = None) -> Cohort:
    require_change_manager(actor)
    name, starts_on, ends_on = _check_cohort_fields(actor, name, starts_on, ends_on, status, None)
    cohort = Cohort(name=name, starts_on=starts_on, ends_on=ends_on, status=status,
                    description=clean_text(description, "description"))
    db.session.add(cohort)
    db.session.flush()
    audit.record("cohort.created", actor=actor, subject_type="cohort", subject_id=cohort.id, data={"name": name})
    return cohort


def update_cohort(actor: User, cohort: Cohort, *, name: str | None, starts_on: date | None, ends_on: date | None, status: str,
                  description: str | None = None) -> Cohort:
    require_change_manager(actor)
    cohort.name, starts_on, ends_on = _check_cohort_fields(actor, name, starts_on, ends_on, status, cohort.id)
    cohort.starts_on, cohort.ends_on, cohort.status = starts_on, ends_on, status
    cohort.description = clean_text(description, "description")
    db.session.flush()
    audit.record("cohort.updated", actor=actor, subject_type="cohort", subject_id=cohort.id, data={"status": status})
    return cohort


def get_cohort(actor: User, cohort_id: int) -> Cohort:
    require_change_manager(actor)
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFoundError(_("No such programme run."))
    return cohort


def current_cohort() -> Cohort | None:
    """The run a request without a chosen run joins: of the running runs, the one under way today
    that started last; with none under way today, the one that started last. (A run saved as
    running with a start next year took over every request made today.)"""
    today = utcnow().date()
    under_way = case((and_(Cohort.starts_on <= today, Cohort.ends_on >= today), 1), else_=0)
    cohort: Cohort | None = db.session.scalar(
        select(Cohort).where(Cohort.status == "running")
        .order_by(under_way.desc(), Cohort.starts_on.desc(), Cohort.id.desc()).limit(1)
    )
    return cohort


def other_running(cohort: Cohort) -> list[Cohort]:
    """The other runs marked running (a change manager is told which one new requests join)."""
    return list(db.session.scalars(select(Cohort).where(Cohort.status == "running", Cohort.id != cohort.id)
                                   .order_by(Cohort.starts_on)))


# Mentorships ---------------------------------------------------------------------------

def request_mentorship(actor: User, *, mentor_id: int | None, executive_id: int | None = None, cohort_id: int | None = None,
                       goals: Iterable[str] = (), goal_text: str | None = None) -> Mentorship:
    """An executive asks a mentor; a change manager may ask on an executive's behalf.
    (Anyone else is refused on the executive field: 422, as the API documents.)"""
    executive, mentor = _request_parties(actor, mentor_id, executive_id)
    cohort = _request_cohort(cohort_id)
    goal_tags = resolve_tags(goals or (), field="goals")
    goal_text = clean_text(goal_text, "goal_text")
    if not goal_tags and not goal_text:
        _refuse("goals", _("Name at least one learning goal."))

    lock_person(mentor.id)  # refreshes `mentor` (the same object) under the lock
    _require_free_place(mentor, executive)
    mentorship = Mentorship(
        mentor_id=mentor.id, executive_id=executive.id, cohort_id=cohort.id if cohort else None, status="requested",
        goal_text=goal_text, requested_by_id=actor.id, requested_at=utcnow(),
    )
    mentorship.goals = [MentorshipGoal(tag_id=tag.id) for tag in goal_tags]
    db.session.add(mentorship)
    db.session.flush()
    link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
    if actor.id == executive.id:
        notify(mentor.id, "mentorship_requested", actor=actor, link=link)
    else:
        notify(mentor.id, "mentorship_requested_for", actor=actor, link=link, executive=executive)
        notify(executive.id, "mentorship_requested_on_behalf", actor=actor, link=link, mentor=mentor)
    audit.record("mentorship.requested", actor=actor, subject_type="mentorship", subject_id=mentorship.id,
                 data={"mentor_id": mentor.id, "executive_id": executive.id})
    return mentorship


def _request_parties(actor: User, mentor_id: int | None, executive_id: int | None) -> tuple[User, User]:
    """(executive, mentor) of a request, checked: the actor may ask for the executive."""
    executive_id = executive_id or actor.id
    if executive_id != actor.id and not actor.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers request a mentor on someone else's behalf."))
    executive = db.session.get(User, executive_id)
    if executive is None or not executive.active or not executive.has_role("executive"):
        _refuse("executive_id", _("Mentoring is for executives: choose a person with the executive role."))
    if not mentor_id:  # the form's "— choose a mentor —"
        _refuse("mentor_id", _("Please choose a mentor."))
    mentor = db.session.get(User, mentor_id)
    if mentor is None or not _askable(actor, mentor):
        # Someone hidden from the directory the actor may not name answers like nobody.
        _refuse("mentor_id", _("Choose a person with the mentor role."))
    if mentor.id == executive.id:
        _refuse("mentor_id", _("Nobody can mentor themselves."))
    if mentor.mentoring_paused:
        _refuse("mentor_id", _("%(name)s has paused mentoring; please choose another mentor.", name=mentor.name))
    if actor.id == executive.id and not actor.has_role("change_manager"):
        from community.mentoring import queries

        declined_at = queries.recent_declines(executive.id).get(mentor.id)
        if declined_at is not None:
            _refuse("mentor_id", _("%(name)s declined your request on %(date)s; you can ask again from %(again)s, "
                                   "or ask a change manager to arrange it.", name=mentor.name, date=format_date(declined_at),
                                   again=format_date(declined_at + queries.ask_again_after())))
    return executive, mentor


def _askable(actor: User, mentor: User) -> bool:
    """An active mentor the actor may name (someone hidden from them answers like nobody)."""
    return mentor.active and mentor.has_role("mentor") and may_name(actor, mentor)


def _open_pair(mentor_id: int, executive_id: int) -> int | None:
    """The id of the pair's open (requested or active) mentorship, if any."""
    found: int | None = db.session.scalar(
        select(Mentorship.id).where(
            Mentorship.mentor_id == mentor_id, Mentorship.executive_id == executive_id, Mentorship.status.in_(OPEN_STATUSES)
        ).limit(1)
    )
    return found


def _has_room(mentor: User) -> bool:
    return open_count(mentor.id) < capacity_of(mentor)


def _request_cohort(cohort_id: int | None) -> Cohort | None:
    """The programme run asked for (open), or the current one."""
    if not cohort_id:
        return current_cohort()
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        _refuse("cohort_id", _("No such programme run."))
    if cohort.status == "closed":
        _refuse("cohort_id", _("This programme run is closed."))
    return cohort


def _require_free_place(mentor: User, executive: User) -> None:
    """No open mentorship of the pair yet, and a free place with the mentor (mentor locked)."""
    if _open_pair(mentor.id, executive.id) is not None:
        message = _("%(mentor)s and %(executive)s already have an open mentorship.", mentor=mentor.name, executive=executive.name)
        raise ConflictError(message, {"mentor_id": [message]})
    _require_room(mentor)


def _require_room(mentor: User) -> None:
    """A free place with the mentor (mentor locked); the refusal names the places taken."""
    if not _has_room(mentor):
        capacity, taken = capacity_of(mentor), open_count(mentor.id)
        message = _("%(name)s has no free mentoring place (%(taken)d of %(capacity)d taken); please choose another mentor.",
                    name=mentor.name, taken=taken, capacity=capacity)
        raise ConflictError(message, {"mentor_id": [message]})


def _require_mentor(actor: User, mentorship: Mentorship) -> None:
    if actor.id != mentorship.mentor_id:
        raise PermissionDenied(_("Only the requested mentor can accept or decline."))


def _refresh_status(mentorship: Mentorship) -> None:
    db.session.refresh(mentorship, ["status"])


def accept_mentorship(actor: User, mentorship: Mentorship, reason: str | None = None) -> Mentorship:
    _require_mentor(actor, mentorship)
    mentor = mentorship.mentor
    lock_person(mentor.id)  # refreshes `mentor` (the same object) under the lock
    _refresh_status(mentorship)
    if mentorship.status != "requested":
        raise ConflictError(_("Only a requested mentorship can be accepted."))
    capacity = capacity_of(mentor)
    if open_count(mentor.id, excluding=mentorship.id) >= capacity:
        raise ConflictError(
            _("You have no free mentoring place (capacity %(capacity)d); decline or complete another mentorship first, or raise your capacity in your profile.",
              capacity=capacity)
        )
    mentorship.status = "active"
    mentorship.decided_at = utcnow()
    mentorship.decision_reason = clean_text(reason, "reason", 2_000)
    db.session.flush()
    link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
    for user_id in {uid for uid in (mentorship.executive_id, mentorship.requested_by_id) if uid is not None}:
        kind = "mentorship_accepted_yours" if user_id == mentorship.executive_id else "mentorship_accepted"
        notify(user_id, kind, actor=actor, link=link, executive=mentorship.executive)
    audit.record("mentorship.accepted", actor=actor, subject_type="mentorship", subject_id=mentorship.id)
    return mentorship


def decline_mentorship(actor: User, mentorship: Mentorship, reason: str | None) -> Mentorship:
    _require_mentor(actor, mentorship)
    lock_person(mentorship.mentor_id)
    _refresh_status(mentorship)
    if mentorship.status != "requested":
        raise ConflictError(_("Only a requested mentorship can be declined."))
    reason = required_reason(reason)
    _cancel_planned_and_tell(actor, mentorship, utcnow(), reason)
    mentorship.status = "declined"
    mentorship.decided_at = utcnow()
    mentorship.decision_reason = reason
    db.session.flush()
    link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
    for user_id in {uid for uid in (mentorship.executive_id, mentorship.requested_by_id) if uid is not None}:
        kind = "mentorship_declined_yours" if user_id == mentorship.executive_id else "mentorship_declined"
        notify(user_id, kind, actor=actor, link=link, executive=mentorship.executive, reason=reason)
    audit.record("mentorship.declined", actor=actor, subject_type="mentorship", subject_id=mentorship.id, note=reason)
    return mentorship


def can_withdraw(user: User, mentorship: Mentorship) -> bool:
    """The executive, or whoever requested on their behalf, may withdraw a request still waiting for an answer."""
    uid = getattr(user, "id", None)
    return mentorship.status == "requested" and uid is not None and uid in (mentorship.executive_id, mentorship.requested_by_id)


def withdraw_mentorship(actor: User, mentorship: Mentorship, reason: str | None = None) -> Mentorship:
    """The executive (or the requester) takes back a pending request; the mentor is told."""
    if actor.id not in (mentorship.executive_id, mentorship.requested_by_id):
        raise PermissionDenied(_("Only the executive or whoever sent the request can withdraw it."))
    lock_person(mentorship.mentor_id)
    _refresh_status(mentorship)
    if mentorship.status != "requested":
        raise ConflictError(_("Only a request still waiting for an answer can be withdrawn."))
    reason = clean_text(reason, "reason", 2_000)
    now = utcnow()
    _cancel_planned_and_tell(actor, mentorship, now, stored_phrase("request_withdrawn"))
    mentorship.status = "withdrawn"
    mentorship.decided_at = now
    mentorship.decision_reason = reason
    db.session.flush()
    link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
    _tell_withdrawn(actor, mentorship, link, now)
    audit.record("mentorship.withdrawn", actor=actor, subject_type="mentorship", subject_id=mentorship.id, note=reason)
    return mentorship


REQUEST_KINDS = ("mentorship_requested", "mentorship_requested_for", "mentorship_requested_on_behalf")


def _tell_withdrawn(actor: User, mentorship: Mentorship, link: str, now: datetime) -> None:
    """The mentor, the executive and whoever asked on the executive's behalf hear of a withdrawal
    (not the one who withdrew). The request's own notices are answered now: marked read, so none
    stays "new" and asks the mentor to answer a request that is gone."""
    if actor.id == mentorship.executive_id:
        notify(mentorship.mentor_id, "mentorship_withdrawn_own", actor=actor, link=link)
        if mentorship.requested_by_id is not None and mentorship.requested_by_id != mentorship.executive_id:
            notify(mentorship.requested_by_id, "mentorship_withdrawn_for_requester", actor=actor, link=link,
                   mentor=mentorship.mentor)
    else:
        notify(mentorship.mentor_id, "mentorship_withdrawn", actor=actor, link=link, executive=mentorship.executive)
        notify(mentorship.executive_id, "mentorship_withdrawn_for_you", actor=actor, link=link, mentor=mentorship.mentor)
    db.session.execute(
        update(Notification)
        .where(Notification.kind.in_(REQUEST_KINDS), Notification.read_at.is_(None), Notification.link == link,
               Notification.user_id.in_((mentorship.mentor_id, mentorship.executive_id)))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )


def complete_mentorship(actor: User, mentorship: Mentorship, reason: str | None = None) -> Mentorship:
    """Either participant or a change manager ends an active mentorship; planned sessions are cancelled."""
    if not (is_participant(actor, mentorship) or actor.has_role("change_manager")):
        raise PermissionDenied(_("Only the participants or a change manager can complete a mentorship."))
    lock_person(mentorship.mentor_id)
    _refresh_status(mentorship)
    if mentorship.status != "active":
        raise ConflictError(_("Only an active mentorship can be completed."))
    reason = clean_text(reason, "reason", 2_000)
    now = utcnow()
    cancelled = _cancel_planned(actor, mentorship, now, stored_phrase("mentorship_completed"))
    mentorship.status = "completed"
    mentorship.completed_at = now
    mentorship.completion_reason = reason
    mentorship.completed_by_id = actor.id
    db.session.flush()
    link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
    for person, other in ((mentorship.mentor, mentorship.executive), (mentorship.executive, mentorship.mentor)):
        told = _cancelled_params(person, cancelled)
        if actor.id == other.id:
            notify(person.id, "mentorship_completed_yours", actor=actor, link=link, **told)
        else:
            notify(person.id, "mentorship_completed_for_you", actor=actor, link=link, other=other, **told)
    audit.record("mentorship.completed", actor=actor, subject_type="mentorship", subject_id=mentorship.id, note=reason)
    return mentorship


def handover_reason_label(reason: str | None) -> str:
    labels = {
        "left": _("someone of the pair left"),
        "deactivated": _("an account of the pair was deactivated"),
        "paused": _("the mentor paused mentoring"),
        "erased": _("an account of the pair was erased"),
    }
    return str(labels.get(reason or "", reason or ""))


@dataclass(frozen=True)
class CancelledSession:
    id: int
    starts_at: datetime


def _cancel_planned(actor: User, mentorship: Mentorship, now: datetime, why: str) -> list[CancelledSession]:
    """Cancel the sessions still to come of a mentorship that ends (one that has started stays as
    it is, to be recorded as held or not), each with `why` in its history. Nobody is told here:
    the end's own notice says which (`_cancelled_params`), and its e-mail carries each calendar
    cancellation (the .ics CANCEL with the same UID and a higher SEQUENCE, so calendars drop the
    entry). An actor who takes part gets the cancellations for their own calendar, in one e-mail."""
    cancelled = []
    for session in sessions_an_end_cancels(mentorship, now):
        starts_at = session.starts_at
        _bump(session, session.version, status="cancelled", cancel_reason=why)
        db.session.add(SessionChange(session_id=session.id, kind="cancelled", changed_by_id=actor.id, changed_at=now,
                                     old_starts_at=starts_at, reason=why))
        cancelled.append(CancelledSession(session.id, starts_at))
    db.session.flush()
    if cancelled and is_participant(actor, mentorship):
        _calendar_cancellations(actor, [c.id for c in cancelled])
    return cancelled


def sessions_an_end_cancels(mentorship: Mentorship, now: datetime | None = None) -> list[MentoringSession]:
    """The planned sessions still to come, which completing (or declining, withdrawing) the
    mentorship now would cancel: what the check before completing lists."""
    return list(db.session.scalars(
        select(MentoringSession).where(MentoringSession.mentorship_id == mentorship.id, MentoringSession.status == "planned",
                                       MentoringSession.starts_at > (now or utcnow()))
        .order_by(MentoringSession.starts_at)
    ))


def _cancelled_params(person: User, cancelled: list[CancelledSession]) -> dict[str, Any]:
    """What an end-of-mentorship notice adds about the sessions it cancelled: their times in
    the reader's zone and language, and their ids (for the calendar cancellations)."""
    if not cancelled:
        return {}
    return {"cancelled_sessions": moments(c.starts_at for c in cancelled),
            "cancelled_session_ids": [c.id for c in cancelled]}


def _cancel_planned_and_tell(actor: User, mentorship: Mentorship, now: datetime, why: str) -> None:
    """A request that ends (declined, withdrawn) has no end notice for its pair: should it hold
    sessions, each is told as a cancelled session is."""
    for cancelled in _cancel_planned(actor, mentorship, now, why):
        link = path_for("mentoring.session_detail", session_id=cancelled.id)
        for person in (mentorship.mentor, mentorship.executive):
            if person.active and person.erased_at is None and person.id != actor.id:
                notify(person.id, "session_cancelled", actor=actor, link=link, session_id=cancelled.id,
                       when=moment(cancelled.starts_at), reason=why)


# Handover ------------------------------------------------------------------------------

def change_manager_ids() -> list[int]:
    from community.accounts.models import UserRole

    return list(db.session.scalars(
        select(User.id).join(UserRole, (UserRole.user_id == User.id) & (UserRole.role == "change_manager"))
        .where(User.active.is_(True)).order_by(User.id)
    ))


def request_handover(mentorship: Mentorship, reason: str) -> None:
    """Mark a mentorship as needing a new mentor (once) and tell the change managers in-app."""
    if reason not in HANDOVER_REASONS:
        raise ValueError(f"unknown handover reason {reason!r}")
    if mentorship.handover_requested_at is not None or mentorship.handed_over_at is not None:
        return
    mentorship.handover_requested_at = utcnow()
    mentorship.handover_reason = reason
    db.session.flush()
    link = path_for("pool.handover", mentorship_id=mentorship.id)
    for user_id in change_manager_ids():
        if user_id in (mentorship.mentor_id, mentorship.executive_id):
            continue
        # An erased mentor is "Former member" in each reader's language, as after any erasure.
        mentor: User | str = FORMER_MEMBER if reason == "erased" else mentorship.mentor
        notify(user_id, "handover_needed", link=link, mentor=mentor,
               executive=mentorship.executive, why=stored_phrase(f"handover_{reason}"))


def mentorships_needing_handover(mentor: User) -> list[Mentorship]:
    """The active mentorships of a mentor (what will need a handover if they go)."""
    return list(db.session.scalars(
        select(Mentorship).where(Mentorship.mentor_id == mentor.id, Mentorship.status == "active")
        .order_by(Mentorship.id)
    ).unique())


def request_handovers_for_mentor(mentor: User, reason: str) -> list[Mentorship]:
    """Every active mentorship of a mentor who leaves, pauses or is deactivated or erased."""
    mentorships = mentorships_needing_handover(mentor)
    for mentorship in mentorships:
        request_handover(mentorship, reason)
    return mentorships


def _handover_on_deactivation(user: User) -> None:
    request_handovers_for_mentor(user, "deactivated")
    cancel_sessions_of_leaver(user, stored_phrase("account_deactivated"))


accounts.on_deactivation(_handover_on_deactivation)


def can_hand_over(user: User, mentorship: Mentorship) -> bool:
    return user.has_role("change_manager") or user.id == mentorship.executive_id


def require_handover_rights(user: User, mentorship: Mentorship) -> None:
    if not can_view_mentorship(user, mentorship):
        raise NotFoundError(_("No such mentorship."))
    if not can_hand_over(user, mentorship):
        raise PermissionDenied(_("Only change managers and the executive hand a mentorship over."))


def handover_open(mentorship: Mentorship) -> bool:
    """Active, or completed because the mentor went (erasure) and not handed over yet."""
    if mentorship.handed_over_at is not None:
        return False
    return mentorship.status == "active" or (
        mentorship.status == "completed" and mentorship.handover_requested_at is not None
    )


def hand_over(actor: User, mentorship: Mentorship, *, mentor_id: int | None, note: str | None = None) -> Mentorship:
    """Complete the mentorship as handed over and open an active one with the new mentor.

    The new mentorship keeps the goals, the goal text and the programme run, and points back to
    the old one (its sessions are listed as earlier sessions; their private notes stay with the
    old pair). The old mentor, the executive and the new mentor are notified."""
    require_handover_rights(actor, mentorship)
    note = clean_text(note, "note", 2_000)
    from community.database import MAX_ID

    if not mentor_id:  # nobody chosen
        _refuse("mentor_id", _("Please choose a mentor."))
    valid_id = isinstance(mentor_id, int) and 0 < mentor_id <= MAX_ID
    mentor = db.session.get(User, mentor_id) if valid_id else None
    if (mentor is None or not mentor.active or not mentor.has_role("mentor") or mentor.erased_at is not None
            or not may_name(actor, mentor)):  # hidden from the directory: like nobody
        _refuse("mentor_id", _("Choose a person with the mentor role."))
    if mentor.id == mentorship.executive_id:
        _refuse("mentor_id", _("Nobody can mentor themselves."))
    if mentor.id == mentorship.mentor_id:
        _refuse("mentor_id", _("Choose another mentor than the current one."))
    if mentor.mentoring_paused:
        _refuse("mentor_id", _("%(name)s has paused mentoring; please choose another mentor.", name=mentor.name))
    lock_pair(mentorship)
    lock_person(mentor.id)  # refreshes `mentor` (the same object) under the lock
    _refresh_status(mentorship)
    db.session.refresh(mentorship, ["handed_over_at"])
    if not handover_open(mentorship):
        raise ConflictError(_("This mentorship cannot be handed over (it is not active, or was handed over already)."))
    pair_open = db.session.scalar(
        select(Mentorship.id).where(Mentorship.mentor_id == mentor.id, Mentorship.executive_id == mentorship.executive_id,
                                    Mentorship.status.in_(OPEN_STATUSES))
    )
    if pair_open is not None:
        message = _("%(mentor)s and %(executive)s already have an open mentorship.", mentor=mentor.name,
                    executive=mentorship.executive.name)
        raise ConflictError(message, {"mentor_id": [message]})
    _require_room(mentor)
    now = utcnow()
    previous_mentor = mentorship.mentor
    # The old pair's planned sessions end; the handover's notices name them, and their e-mails
    # carry the calendar cancellations (the .ics CANCEL).
    cancelled = _cancel_planned(actor, mentorship, now, stored_phrase("mentorship_handed_over"))
    mentorship.status = "completed"
    mentorship.completed_at = mentorship.completed_at or now
    mentorship.handed_over_at = now
    successor = Mentorship(
        mentor_id=mentor.id, executive_id=mentorship.executive_id, cohort_id=mentorship.cohort_id, status="active",
        goal_text=mentorship.goal_text, requested_by_id=actor.id, requested_at=now, decided_at=now,
        continues_id=mentorship.id, handover_note=note,
    )
    # The goals go on where they stood (they started again at "planned").
    successor.goals = [MentorshipGoal(tag_id=goal.tag_id, progress=goal.progress, progress_changed_at=goal.progress_changed_at)
                       for goal in mentorship.goals]
    db.session.add(successor)
    db.session.flush()
    link = path_for("mentoring.mentorship_detail", mentorship_id=successor.id)
    old_link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
    executive = mentorship.executive
    if previous_mentor.active and previous_mentor.erased_at is None:
        notify(previous_mentor.id, "handed_over_old", actor=actor, link=old_link, executive=executive,
               mentor=mentor, **_cancelled_params(previous_mentor, cancelled))
    notify(executive.id, "handed_over_executive", actor=actor, link=link, mentor=mentor,
           **_cancelled_params(executive, cancelled))
    notify(mentor.id, "handed_over_new", actor=actor, link=link, executive=executive,
           previous=previous_mentor)
    # The change managers' "needs a new mentor" notices are answered now: read for everyone, so
    # none stays "new" and leads to a page with nothing left to do.
    db.session.execute(
        update(Notification)
        .where(Notification.kind == "handover_needed", Notification.read_at.is_(None),
               Notification.link == path_for("pool.handover", mentorship_id=mentorship.id))
        .values(read_at=now)
    )
    audit.record("mentorship.handed_over", actor=actor, subject_type="mentorship", subject_id=mentorship.id,
                 data={"to_mentor_id": mentor.id, "new_mentorship_id": successor.id}, note=note)
    return successor


def set_mentoring_paused(actor: User, paused: bool) -> list[Mentorship]:
    """A mentor pauses (or resumes) mentoring: no new requests; their active mentorships need a handover."""
    paused = bool(paused)
    if paused and not actor.has_role("mentor"):
        _refuse("mentoring_paused", _("Only mentors pause mentoring."))
    if actor.mentoring_paused == paused:
        return []
    actor.mentoring_paused = paused
    db.session.flush()
    audit.record("mentoring.paused" if paused else "mentoring.resumed", actor=actor, subject_type="user",
                 subject_id=actor.id)
    if not paused:
        _withdraw_paused_handovers(actor)
        return []
    return request_handovers_for_mentor(actor, "paused")


def _withdraw_paused_handovers(mentor: User) -> None:
    """A mentor who resumes keeps their mentees: the handovers their pause asked for are no
    longer needed (handovers asked for another reason stay), nor the notices about them."""
    from community.notifications.models import Notification

    waiting = list(db.session.scalars(select(Mentorship).where(
        Mentorship.mentor_id == mentor.id, Mentorship.status == "active", Mentorship.handed_over_at.is_(None),
        Mentorship.handover_requested_at.is_not(None), Mentorship.handover_reason == "paused")))
    for mentorship in waiting:
        mentorship.handover_requested_at, mentorship.handover_reason = None, None
    if waiting:
        links = [path_for("pool.handover", mentorship_id=m.id) for m in waiting]
        db.session.execute(update(Notification).where(
            Notification.kind == "handover_needed", Notification.link.in_(links), Notification.read_at.is_(None))
            .values(read_at=utcnow()))
    db.session.flush()


def successor_id(mentorship: Mentorship) -> int | None:
    if mentorship.handed_over_at is None:
        return None
    return db.session.scalar(select(Mentorship.id).where(Mentorship.continues_id == mentorship.id).limit(1))


def earlier_sessions(mentorship: Mentorship) -> list[MentoringSession]:
    """Sessions of the mentorships this one continues (dates, agendas; never their private notes)."""
    ids: list[int] = []
    seen = {mentorship.id}
    current = mentorship.continues_id
    while current is not None and current not in seen and len(ids) < 20:
        seen.add(current)
        ids.append(current)
        current = db.session.scalar(select(Mentorship.continues_id).where(Mentorship.id == current))
    if not ids:
        return []
    return list(db.session.scalars(
        select(MentoringSession).where(MentoringSession.mentorship_id.in_(ids)).order_by(MentoringSession.starts_at)
    ).unique())


def planned_sessions_of(user: User) -> list[MentoringSession]:
    """The planned sessions still to come that a person takes part in (what ends if their account
    ends; one that has started is not called off, nor announced as cancelled)."""
    return list(db.session.scalars(
        select(MentoringSession).join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(MentoringSession.status == "planned", MentoringSession.starts_at > utcnow(),
               or_(Mentorship.mentor_id == user.id, Mentorship.executive_id == user.id))
        .order_by(MentoringSession.starts_at)
    ))


def cancel_sessions_of_leaver(user: User, reason: str) -> int:
    """A person whose account ends (left, deactivated, erased): their planned sessions are
    called off, each with `reason` (a stored phrase, community.labels) in its history, and the
    other one of each pair is told once (`_tell_partners_of_leaver`). Returns how many sessions ended."""
    planned = planned_sessions_of(user)
    now = utcnow()
    if planned:  # no optimistic lock: the account ends, whatever was edited meanwhile
        db.session.execute(
            update(MentoringSession)
            .where(MentoringSession.id.in_([session.id for session in planned]), MentoringSession.status == "planned")
            .values(status="cancelled", cancel_reason=reason, version=MentoringSession.version + 1)
            .execution_options(synchronize_session=False)
        )
    by_partner: dict[int, tuple[User, Mentorship, list[CancelledSession]]] = {}
    for session in planned:
        starts_at = session.starts_at
        db.session.expire(session, ["status", "cancel_reason", "version"])
        db.session.add(SessionChange(session_id=session.id, kind="cancelled", changed_at=now,
                                     old_starts_at=starts_at, reason=reason))
        mentorship = session.mentorship
        other = mentorship.executive if mentorship.mentor_id == user.id else mentorship.mentor
        _other, latest, cancelled = by_partner.setdefault(other.id, (other, mentorship, []))
        cancelled.append(CancelledSession(session.id, starts_at))
        if mentorship.id > latest.id:
            by_partner[other.id] = (other, mentorship, cancelled)
    db.session.flush()
    # Erased: named "former member" in each reader's language, never by the name they had.
    named: User | str = FORMER_MEMBER if user.erased_at is not None or reason == stored_phrase("account_erased") else user
    _tell_partners_of_leaver(named, list(by_partner.values()))
    return len(planned)


def _tell_partners_of_leaver(named: User | str,
                             partners: list[tuple[User, Mentorship, list[CancelledSession]]]) -> None:
    """Each partner of a person whose account ended gets one notice: the mentorship with them has
    ended, and these sessions are cancelled (in the reader's zone and language); its e-mail
    carries each calendar cancellation (same UID, higher SEQUENCE), as a completed mentorship's
    does. It names no reason: the sessions' history and the mentorship's page say what they say."""
    for other, mentorship, cancelled in partners:
        if other.active and other.erased_at is None:
            notify(other.id, "mentorship_partner_gone", other=named,
                   link=path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id),
                   **_cancelled_params(other, cancelled))


def decline_open_requests_for_leaver(user: User, reason: str) -> int:
    """A person who left: requests they were asked to answer, or that wait for them, are declined."""
    pending = db.session.scalars(
        select(Mentorship).where(
            Mentorship.status == "requested",
            or_(Mentorship.mentor_id == user.id, Mentorship.executive_id == user.id),
        )
    ).all()
    now = utcnow()
    for mentorship in pending:
        mentorship.status = "declined"
        mentorship.decided_at = now
        mentorship.decision_reason = reason
        link = path_for("mentoring.mentorship_detail", mentorship_id=mentorship.id)
        recipients = {mentorship.executive_id, mentorship.requested_by_id, mentorship.mentor_id} - {None, user.id}
        for user_id in (r for r in recipients if r is not None):
            notify(user_id, "mentorship_declined_leaver", link=link, mentor=mentorship.mentor,
                   executive=mentorship.executive)
        audit.record("mentorship.declined", subject_type="mentorship", subject_id=mentorship.id, note=reason,
                     data={"by": "leaver"})
    db.session.flush()
    return len(pending)


# Goal progress -------------------------------------------------------------------------

def set_goal_progress(actor: User, mentorship: Mentorship, tag_slug: str, progress: str) -> MentorshipGoal:
    """The pair marks a learning goal planned, in progress or reached (nobody else may)."""
    require_participant(actor, mentorship)
    if mentorship.status not in ("active", "completed"):
        raise ConflictError(_("Goals are marked once the mentorship has started."))
    if progress not in GOAL_PROGRESS:
        _refuse("progress", _("Choose planned, in progress or reached."))
    goal = next((g for g in mentorship.goals if g.tag.slug == (tag_slug or "").strip().lower()), None)
    if goal is None:
        raise NotFoundError(_("This mentorship has no such learning goal."))
    if goal.progress != progress:
        goal.progress = progress
        goal.progress_changed_at = utcnow()
        db.session.flush()
    return goal


# Sessions ------------------------------------------------------------------------------

def _check_free(mentorship: Mentorship, starts_at: datetime, ends_at: datetime, *, excluding: int | None = None) -> None:
    """Neither the mentor nor the executive may have another planned session at that time, in
    either role (someone who is a mentor and an executive has sessions on both sides)."""
    pair = (mentorship.mentor_id, mentorship.executive_id)
    stmt = (
        select(MentoringSession, Mentorship.executive_id)
        .join(Mentorship, Mentorship.id == MentoringSession.mentorship_id)
        .where(
            MentoringSession.status == "planned",
            MentoringSession.starts_at < ends_at,
            MentoringSession.ends_at > starts_at,
            or_(MentoringSession.mentor_id.in_(pair), Mentorship.executive_id.in_(pair)),
        )
        .order_by(MentoringSession.starts_at)
        .limit(1)
    )
    if excluding is not None:
        stmt = stmt.where(MentoringSession.id != excluding)
    row = db.session.execute(stmt).first()
    if row is None:
        return
    clash, clash_executive_id = row
    busy = mentorship.mentor if mentorship.mentor_id in (clash.mentor_id, clash_executive_id) else mentorship.executive
    message = _("%(name)s already has a session from %(start)s to %(end)s; choose another time.",
                name=busy.name, start=local_datetime(clash.starts_at), end=local_datetime(clash.ends_at))
    raise ValidationFailed(message, {"starts_at": [message]})


def _bump(session: MentoringSession, version: int, **values: object) -> None:
    """Change a session only if nobody changed it since `version` was read (optimistic lock)."""
    result = db.session.execute(
        update(MentoringSession)
        .where(MentoringSession.id == session.id, MentoringSession.version == version)
        .values(version=MentoringSession.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        message = _("Someone changed this session in the meantime; reload it and try again.")
        raise ConflictError(message, {"version": [message]})
    db.session.expire(session, ["version", *values])


def _check_version(session: MentoringSession, given: int | str | None) -> int:
    if given is None or given == "":
        return session.version
    try:
        version = whole_number(given)
    except (TypeError, ValueError):
        _refuse("version", _("Not a valid version."))
    if version != session.version:
        message = _("Someone changed this session in the meantime; reload it and try again.")
        raise ConflictError(message, {"version": [message]})
    return version


def schedule_session(actor: User, mentorship: Mentorship, *, starts_at: datetime | None,
                     duration_minutes: int | str | None, location: str | None = None,
                     agenda_tags: Iterable[str] = (), agenda: str | None = None) -> MentoringSession:
    require_participant(actor, mentorship)
    if mentorship.status != "active":
        raise ConflictError(_("Sessions can be scheduled only in an active mentorship."))
    refusals = Refusals()  # every field's error at once
    starts_at = refusals.check(lambda: check_start(starts_at), field="starts_at")
    duration = refusals.check(lambda: check_duration(duration_minutes), field="duration_minutes")
    location = refusals.check(lambda: check_location(location), field="location")
    tags = refusals.check(lambda: resolve_tags(agenda_tags or (), field="agenda_tags"), field="agenda_tags")
    agenda = refusals.check(lambda: clean_text(agenda, "agenda"), field="agenda")
    refusals.raise_if_any()
    ends_at = starts_at + timedelta(minutes=duration)
    lock_pair(mentorship)
    _refresh_status(mentorship)
    if mentorship.status != "active":
        raise ConflictError(_("Sessions can be scheduled only in an active mentorship."))
    other = other_participant(actor, mentorship)
    if not other.active or other.erased_at is not None:
        # Their account ended (its sessions were cancelled): the mentorship waits for a handover.
        raise ConflictError(_("%(name)s can no longer take part: the mentorship waits for a new mentor or its end.",
                              name=other.name))
    _check_free(mentorship, starts_at, ends_at)
    now = utcnow()
    session = MentoringSession(
        mentorship_id=mentorship.id, mentor_id=mentorship.mentor_id, starts_at=starts_at, ends_at=ends_at,
        duration_minutes=duration, location=location, agenda=agenda, status="planned", version=1,
        created_by_id=actor.id, created_at=now,
    )
    session.agenda_tags = [SessionAgendaTag(tag_id=tag.id) for tag in tags]
    db.session.add(session)
    db.session.flush()
    db.session.add(SessionChange(session_id=session.id, kind="created", changed_by_id=actor.id, changed_at=now,
                                 new_starts_at=starts_at))
    notify(other.id, "session_scheduled", actor=actor, link=path_for("mentoring.session_detail", session_id=session.id), session_id=session.id,
           when=moment(starts_at))
    _calendar_copy(actor, session, "session_scheduled")
    db.session.flush()
    return session


def _calendar_copy(actor: User, session: MentoringSession, kind: str) -> None:
    """The actor's own calendar follows too: an invitation (or cancellation) by e-mail after the
    commit, through the task queue (community.outreach.jobs.calendar_copy)."""
    from community import tasks

    if "outreach.calendar_copy" in tasks.registered():
        tasks.enqueue("outreach.calendar_copy", session.id, actor.id, kind)


def _calendar_cancellations(actor: User, session_ids: list[int]) -> None:
    """The actor's own calendar drops the sessions an end of their mentorship cancelled: one
    e-mail with every cancellation (community.outreach.jobs.calendar_cancellations)."""
    from community import tasks

    if "outreach.calendar_cancellations" in tasks.registered():
        tasks.enqueue("outreach.calendar_cancellations", session_ids, actor.id)


def has_started(session: MentoringSession) -> bool:
    """Its time has come: it is recorded as held (done) or not held, no longer called off."""
    return session.starts_at <= utcnow()


def reschedule_session(actor: User, session: MentoringSession, *, starts_at: datetime | None, reason: str | None,
                       version: int | str | None, duration_minutes: int | str | None = None) -> MentoringSession:
    """Move a planned session; the old and new time, who and why are kept in its history."""
    if version is None or version == "":
        _refuse("version", _("Send the version of the session you are changing."))
    if session.status != "planned":
        raise ConflictError(_("Only a planned session can be rescheduled."))
    if session.mentorship.status != "active":
        # A session that had started when the mentorship ended stays, to be marked done or
        # cancelled; it is not moved into a future the pair no longer has.
        raise ConflictError(_("The mentorship has ended: its sessions cannot be moved."))
    version = _check_version(session, version)
    refusals = Refusals()  # every field's error at once
    new_start = refusals.check(lambda: check_start(starts_at), field="starts_at")
    duration = refusals.check(
        lambda: check_duration(duration_minutes if duration_minutes is not None else session.duration_minutes),
        field="duration_minutes")
    reason = refusals.check(lambda: required_reason(reason), field="reason")
    refusals.raise_if_any()
    if new_start == session.starts_at and duration == session.duration_minutes:
        _refuse("starts_at", _("Choose a different time."))
    ends_at = new_start + timedelta(minutes=duration)
    mentorship = session.mentorship
    lock_pair(mentorship)
    _check_free(mentorship, new_start, ends_at, excluding=session.id)
    old_start, old_end, old_duration = session.starts_at, session.ends_at, session.duration_minutes
    _bump(session, version, starts_at=new_start, ends_at=ends_at, duration_minutes=duration)
    db.session.add(SessionChange(session_id=session.id, kind="rescheduled", changed_by_id=actor.id, changed_at=utcnow(),
                                 old_starts_at=old_start, new_starts_at=new_start, old_ends_at=old_end,
                                 new_ends_at=ends_at, reason=reason))
    other = other_participant(actor, mentorship)
    link = path_for("mentoring.session_detail", session_id=session.id)
    if new_start == old_start:  # only the length changed: say the old and the new end
        notify(other.id, "session_resized", actor=actor, link=link, session_id=session.id,
               when=span(new_start, ends_at), old=span(old_start, old_end, day=False), reason=reason)
    elif duration != old_duration:
        notify(other.id, "session_rescheduled", actor=actor, link=link, session_id=session.id,
               old=span(old_start, old_end), when=span(new_start, ends_at),
               reason=reason)
    else:
        notify(other.id, "session_rescheduled", actor=actor, link=link, session_id=session.id,
               old=moment(old_start), when=moment(new_start), reason=reason)
    _calendar_copy(actor, session, "session_rescheduled")
    db.session.flush()
    return session


def cancel_session(actor: User, session: MentoringSession, *, reason: str | None,
                   version: int | str | None = None) -> MentoringSession:
    if session.status != "planned":
        raise ConflictError(_("Only a planned session can be cancelled."))
    version = _check_version(session, version)
    reason = required_reason(reason)
    starts_at = session.starts_at
    _bump(session, version, status="cancelled", cancel_reason=reason)
    db.session.add(SessionChange(session_id=session.id, kind="cancelled", changed_by_id=actor.id, changed_at=utcnow(),
                                 old_starts_at=starts_at, reason=reason))
    other = other_participant(actor, session.mentorship)
    link = path_for("mentoring.session_detail", session_id=session.id)
    if starts_at <= utcnow():
        # Not held: the other one hears of it, without a calendar cancellation of a past event.
        notify(other.id, "session_not_held", actor=actor, link=link, when=moment(starts_at), reason=reason)
    else:
        notify(other.id, "session_cancelled", actor=actor, link=link, session_id=session.id,
               when=moment(starts_at), reason=reason)
        _calendar_copy(actor, session, "session_cancelled")
    db.session.flush()
    return session


def mark_done(actor: User, session: MentoringSession, *, version: int | str | None = None) -> MentoringSession:
    """A session can be marked done once it has started."""
    if session.status != "planned":
        raise ConflictError(_("Only a planned session can be marked done."))
    if session.starts_at > utcnow():
        raise ConflictError(_("A session can be marked done once it has started."))
    version = _check_version(session, version)
    now = utcnow()
    _bump(session, version, status="done", done_at=now)
    db.session.add(SessionChange(session_id=session.id, kind="done", changed_by_id=actor.id, changed_at=now))
    db.session.flush()
    return session


class _Unchanged(Enum):
    """A text that was not sent (None is a value: "clear it")."""

    UNCHANGED = auto()


_UNCHANGED: Final = _Unchanged.UNCHANGED


def notes_of(user: User, session: MentoringSession) -> SessionNote | None:
    """The private notes, for the two participants only."""
    if not is_participant(user, session.mentorship):
        raise NotFoundError(_("No such session."))
    return db.session.get(SessionNote, session.id)


def notes_fingerprint(note: SessionNote | None) -> str:
    """The version of a session's private notes an editor starts from: a fingerprint of the
    text (the notes change without a version counter of their own)."""
    return _text_fingerprint(note.notes if note else None)


def _text_fingerprint(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def update_notes(actor: User, session: MentoringSession, *, notes: str | None | _Unchanged = _UNCHANGED,
                 tried: str | None | _Unchanged = _UNCHANGED, notes_version: str | None = None) -> SessionNote:
    """Private notes (either participant) and the executive's "what I tried since".

    `notes_version` (optional; `notes_fingerprint` of the notes the editor started from) refuses
    a save over notes someone else saved in the meantime, instead of silently losing their
    text; notes sent back as they were found are left as they are now. Without it the notes
    are written as sent."""
    if not is_participant(actor, session.mentorship):
        raise NotFoundError(_("No such session."))
    if tried is not _UNCHANGED and actor.id != session.mentorship.executive_id:
        raise PermissionDenied(_("Only the executive writes what they tried since."))
    if notes_version is not None and not isinstance(notes_version, str):
        _refuse("notes_version", _("Not a valid version."))
    cleaned_notes = clean_text(notes, "notes", NOTES_MAX) if notes is not _UNCHANGED else _UNCHANGED
    cleaned_tried = clean_text(tried, "tried", NOTES_MAX) if tried is not _UNCHANGED else _UNCHANGED
    if notes_version:
        lock_pair(session.mentorship)  # two saves of the pair's notes take turns, the first one row included
    note = db.session.get(SessionNote, session.id, populate_existing=bool(notes_version))
    if cleaned_notes is not _UNCHANGED and notes_version:
        if _text_fingerprint(cleaned_notes) == notes_version:
            cleaned_notes = _UNCHANGED  # left as found: nothing of this editor's to write
        elif notes_fingerprint(note) != notes_version:
            message = _("The notes were changed after you opened them, and your text was not saved. "
                        "Compare it with the current notes, then save again.")
            raise ConflictError(message, {"notes": [message]})
    if note is None:
        note = SessionNote(session_id=session.id)
        db.session.add(note)
    if cleaned_notes is not _UNCHANGED:
        note.notes = cleaned_notes
    if cleaned_tried is not _UNCHANGED:
        note.tried = cleaned_tried
    note.updated_by_id = actor.id
    note.updated_at = utcnow()
    db.session.flush()
    return note


# Feedback ------------------------------------------------------------------------------

def give_feedback(actor: User, session: MentoringSession, *, rating: int | str | None, comment: str | None = None,
                  shared_with_programme: bool = False) -> SessionFeedback:
    if not is_participant(actor, session.mentorship):
        raise NotFoundError(_("No such session."))
    if session.status != "done":
        raise ConflictError(_("Feedback can be given once the session is done."))
    try:
        stars = whole_number(rating)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        _refuse("rating", _("Rate from 1 to 5."))
    comment = clean_text(comment, "comment")
    given = db.session.scalar(
        select(SessionFeedback.id).where(SessionFeedback.session_id == session.id, SessionFeedback.author_id == actor.id)
    )
    if given is not None:
        raise ConflictError(_("You have given feedback on this session already."))
    feedback = SessionFeedback(session_id=session.id, author_id=actor.id, rating=stars, comment=comment,
                               shared_with_programme=bool(shared_with_programme and comment), created_at=utcnow())
    db.session.add(feedback)
    db.session.flush()
    other = other_participant(actor, session.mentorship)
    notify(other.id, "feedback_received", actor=actor, link=path_for("mentoring.session_detail", session_id=session.id),
           when=moment(session.starts_at))
    return feedback


# Calendar feed -------------------------------------------------------------------------

def regenerate_feed(actor: User) -> str:
    """A new secret feed address; the old one stops working. Returns the secret (shown once)."""
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == actor.id))
    db.session.add(CalendarFeed(user_id=actor.id, token_hash=secret_hash(token), created_at=utcnow()))
    db.session.flush()
    audit.record("calendar_feed.created", actor=actor, subject_type="user", subject_id=actor.id)
    return token


def revoke_feed(actor: User) -> bool:
    removed = rowcount(db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == actor.id)))
    if removed:
        audit.record("calendar_feed.revoked", actor=actor, subject_type="user", subject_id=actor.id)
    return bool(removed)


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user.id)


def feed_owner(token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    owner: User | None = db.session.scalar(
        select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == secret_hash(token), User.active.is_(True))
    )
    return owner
