"""Peer learning circles: proposals from the network's communities, creation by change managers,
invitations accepted or declined, a private discussion and a meeting rhythm with a calendar entry."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NoReturn, SupportsIndex, SupportsInt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from icalendar import Calendar, Event, vRecur
from sqlalchemy import func, or_, select

from community.accounts.models import User, UserRole
from community.audit import services as audit
from community.database import MAX_ID, ascii_digits, utcnow
from community.errors import ConflictError, NotFoundError, PermissionDenied, ValidationFailed
from community.expertise.models import Tag
from community.expertise.services import resolve_tags
from community.extensions import db
from community.markdown import mentioned_handles, render
from community.mentoring.services import path_for
from community.network import circles as model
from community.network.pseudonyms import pseudonymised, resolve_person
from community.network.queries import PersonRef, people_refs
from community.notifications.services import notify, register_kind
from community.pool import queries
from community.pool.models import Circle, CircleMember, CirclePost, CircleTopic

register_kind("circle_invited", _l("%(actor)s invites you to the peer learning circle %(circle)s"))
register_kind("circle_accepted", _l("%(actor)s joined the circle %(circle)s"))
register_kind("circle_declined", _l("%(actor)s declined the invitation to the circle %(circle)s"))
register_kind("circle_post", _l("%(actor)s wrote in the circle %(circle)s"))

MIN_MEMBERS, MAX_MEMBERS = model.MIN_SIZE, model.MAX_SIZE
POST_MAX = 10_000
NAME_MAX = 120


def _refuse(field_name: str, message: str) -> NoReturn:
    raise ValidationFailed(message, {field_name: [message]})


def require_change_manager(actor: User) -> None:
    if not actor.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers propose and create peer learning circles."))


def membership(circle: Circle, user: User) -> CircleMember | None:
    return next((m for m in circle.members if m.user_id == user.id), None)


def is_member(circle: Circle, user: User, *statuses: str) -> bool:
    member = membership(circle, user)
    return member is not None and (not statuses or member.status in statuses)


def get_circle(actor: User, circle_id: int) -> Circle:
    """Members (invited or accepted) and change managers see a circle; anyone else gets 404."""
    circle = db.session.get(Circle, circle_id)
    if circle is None or not (is_member(circle, actor, "invited", "accepted") or actor.has_role("change_manager")):
        raise NotFoundError(_("No such circle."))
    return circle


@dataclass
class MembersShown:
    """A circle's members as one person may see them."""

    named: list[CircleMember]  # with their status
    others_invited: int = 0  # invited, not named: out of the directory until they join
    linked: set[int] = field(default_factory=set)  # whose profile the viewer may open
    former_members: int = 0  # joined, and their account has ended since: counted, not named
    ended: set[int] = field(default_factory=set)  # named (to change managers), though their account has ended


def account_ended(person: User) -> bool:
    """Deactivated (left, by an administrator or the HR system) or erased: out of the directory
    for good, so a circle names them no more (reactivated, they are named again)."""
    return not person.active or person.erased_at is not None


def _shown_as(viewer: User, member: CircleMember, runs_circles: bool) -> str | None:
    """How one member appears to the viewer: "named", counted among the "invited" or the
    "former" members, or not at all (None)."""
    person = member.user
    if runs_circles or member.user_id == viewer.id:
        return "named"
    if account_ended(person):
        # Like someone who left anywhere else: a former member, not named. An invitation they
        # can no longer answer is not counted as waiting.
        return "former" if member.status == "accepted" else None
    if member.status == "accepted" or (member.status == "invited" and person.directory_visible):
        return "named"
    return "invited" if member.status == "invited" else None


def members_shown(viewer: User, circle: Circle) -> MembersShown:
    """Change managers (who run the circles and see everyone in the pool) see every member as
    they answered, those whose account has ended marked so. The others see the members who
    joined (joining, they chose to meet the group), the invited ones the directory lists, and
    themselves; someone invited who keeps their profile out of the directory is only counted
    until they join, and whoever declined is not shown at all (their answer is theirs, as is
    who was asked). A member whose account has ended since is counted as a former member."""
    from community.profiles.services import can_view

    runs_circles = viewer.has_role("change_manager")
    shown = MembersShown(named=[])
    for member in circle.members:
        how = _shown_as(viewer, member, runs_circles)
        if how == "named":
            shown.named.append(member)
        elif how == "invited":
            shown.others_invited += 1
        elif how == "former":
            shown.former_members += 1
    shown.linked = {m.user_id for m in shown.named if can_view(viewer, m.user)}
    shown.ended = {m.user_id for m in shown.named if account_ended(m.user)}
    return shown


def _still_here(member: CircleMember) -> bool:
    """A member who joined and whose account still works: whom circle notices go to."""
    return member.status == "accepted" and not account_ended(member.user)


# --------------------------------------------------------------------------- proposals


@dataclass
class ProposalView:
    members: list[User]  # empty in pseudonymised mode: `people` then holds pseudonyms only
    topics: list[Tag]
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    people: list[PersonRef] = field(default_factory=list)  # names, or pseudonyms, as on the network pages
    pseudonymised: bool = False
    member_ids: list[int] = field(default_factory=list)  # for the server only (the demo), never shown

    @property
    def member_keys(self) -> str:
        """How the proposal's form names its members: ids, or pseudonyms in pseudonymised mode."""
        return ",".join(ref.key for ref in self.people)


def existing_pairs() -> list[frozenset[int]]:
    by_circle: dict[int, list[int]] = {}
    for circle_id, user_id in db.session.execute(
        select(CircleMember.circle_id, CircleMember.user_id).where(CircleMember.status != "declined")
    ):
        by_circle.setdefault(circle_id, []).append(user_id)
    return [frozenset((a, b)) for ids in by_circle.values() for a in ids for b in ids if a < b]


def _reason(code: str, values: dict, tags: dict[str, Tag], pseudonymised_mode: bool = False) -> str:
    names = ", ".join(tags[s].display_name if s in tags else s for s in values.get("topics", []))
    if code == "departments" and pseudonymised_mode:
        # Beside pseudonyms the departments are counted, not named (a small group's departments
        # would single its members out, as the network pages' k-anonymity rule says).
        return ngettext("%(num)d department", "%(num)d departments", int(values["n"]))
    if code == "departments":
        return ngettext("%(num)d department: %(names)s", "%(num)d departments: %(names)s", int(values["n"]),
                        names=", ".join(values["names"]))
    if code == "shared":
        return _("common ground, brought by two or more: %(topics)s", topics=names)
    if code == "complementary":
        shown = len(values.get("topics", []))
        more = int(values.get("n") or shown) - shown
        if not shown:
            return ngettext("%(num)d topic brought by one member each", "%(num)d topics brought by one member each", more)
        if more > 0:
            return ngettext("brought by one member each: %(topics)s and %(num)d more",
                            "brought by one member each: %(topics)s and %(num)d more", more, topics=names)
        return _("brought by one member each: %(topics)s", topics=names)
    if code == "community":
        return _("already close in the mentor network (same group)")
    if code == "ambassadors":
        return ngettext("with %(num)d ambassador", "with %(num)d ambassadors", values["n"])
    return code


def proposals(actor: User, limit: int = 12) -> list[ProposalView]:
    """Circles of 4–6 mentors (ambassadors may join) from the detected communities, each with its
    reasons. People who opted out of the analysis are not proposed (they can still be invited)."""
    require_change_manager(actor)
    communities = queries.latest_communities()
    levels = queries.mentor_levels()
    rows = db.session.execute(
        select(User.id, User.department, User.is_ambassador)
        .where(User.active.is_(True), User.erased_at.is_(None), User.analysis_opt_out.is_(False),
               User.mentoring_paused.is_(False),
               or_(User.is_ambassador.is_(True),
                   User.id.in_(select(UserRole.user_id).where(UserRole.role == "mentor"))))
        .order_by(User.id)
    ).all()
    mentors = [model.CircleMentor(uid, department, levels.get(uid, {}), communities.get(uid), bool(ambassador))
               for uid, department, ambassador in rows]
    found = model.propose_circles(mentors, existing_pairs(), limit=limit)
    # The proposals come from the network analysis' communities: in pseudonymised mode they show
    # pseudonyms, like every network page (people_refs), and no profile of a member.
    mode = pseudonymised()
    member_ids = [i for p in found for i in p.member_ids]
    refs = people_refs(member_ids, mode)
    people = {} if mode else {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(member_ids)))}
    tags = queries.tag_names()
    audit.record("circles.proposals_viewed", actor=actor, data={"proposals": len(found), "pseudonymised": mode})
    return [ProposalView(members=[] if mode else [people[i] for i in p.member_ids],
                         topics=[tags[s] for s in p.topics if s in tags],
                         reasons=[_reason(code, values, tags, mode) for code, values in p.reasons], score=p.score,
                         people=[refs[i] for i in p.member_ids], pseudonymised=mode, member_ids=list(p.member_ids))
            for p in found]


def members_named(keys: str | Sequence[str]) -> dict[int, str]:
    """The people a proposal's form (a comma-separated string) or the API (a list) names, by id
    or by pseudonym (ids are refused in pseudonymised mode), each with how it was named, in
    order: refusals name a person as the caller did, never by what stands behind a pseudonym.
    Names nobody has map from 0, -1, -2 … (each refused as unknown)."""
    parts = re.split(r"[\s,;]+", keys or "") if isinstance(keys, str) else [str(k) for k in keys]
    named: dict[int, str] = {}
    unknown = 0
    for part in (p.strip() for p in parts):
        if not part:
            continue
        uid = resolve_person(part)
        if uid is None:
            uid, unknown = unknown, unknown - 1
        named.setdefault(uid, part.upper() if not ascii_digits(part) else part)
    return named


# --------------------------------------------------------------------------- circles


def _whole(value: object) -> int | None:
    """`int(value)`, or None where int() refuses the value (missing, not a number)."""
    if not isinstance(value, str | bytes | bytearray | SupportsInt | SupportsIndex):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _check_rhythm(rhythm_weeks: object, duration_minutes: object, first_meeting_at: datetime | None,
                  location: str | None) -> tuple[int, int, datetime | None, str | None]:
    rhythm = _whole(rhythm_weeks)
    if rhythm is None:
        _refuse("rhythm_weeks", _("Give the rhythm in weeks."))
    if not 1 <= rhythm <= 12:
        _refuse("rhythm_weeks", _("A circle meets every 1 to 12 weeks."))
    duration = _whole(duration_minutes)
    if duration is None:
        _refuse("duration_minutes", _("Give the duration in minutes."))
    if not 15 <= duration <= 480:
        _refuse("duration_minutes", _("A meeting lasts between %(min)d and %(max)d minutes.", min=15, max=480))
    if first_meeting_at is not None:
        if first_meeting_at.tzinfo is None:
            _refuse("first_meeting_at", _("Give the start time with its UTC offset, e.g. 2030-05-04T10:00:00+02:00."))
        try:
            first_meeting_at = first_meeting_at.astimezone(UTC).replace(microsecond=0)
        except (OverflowError, ValueError):
            first_meeting_at = None
        now = utcnow()
        if first_meeting_at is None or not now - timedelta(days=366) <= first_meeting_at <= now + timedelta(days=3 * 366):
            _refuse("first_meeting_at", _("Choose a first meeting within the last year or the next three years."))
    location = " ".join((location or "").split())[:300] or None
    return rhythm, duration, first_meeting_at, location


def create_circle(actor: User, *, name: str, member_ids: Sequence[int] | None = None,
                  members: str | Sequence[str] | None = None, topic_slugs: Sequence[str] = (),
                  rhythm_weeks: int = 4, duration_minutes: int = 60, first_meeting_at: datetime | None = None,
                  location: str | None = None) -> Circle:
    """A circle of 4–6 mentors or ambassadors, named by `member_ids` or by `members` (ids or,
    as the proposals show them in pseudonymised mode, pseudonyms; `members_named`). A refusal
    names a person as the caller did: never the id behind a pseudonym, nor the pseudonym of an
    id (either would tie the network pages' pseudonyms to profiles)."""
    require_change_manager(actor)
    field_name = "members" if members is not None else "member_ids"
    name = " ".join((name or "").split())
    if not name:
        _refuse("name", _("Give the circle a name."))
    if len(name) > NAME_MAX:
        _refuse("name", _("At most %(n)d characters.", n=NAME_MAX))
    named = members_named(members) if members is not None else {int(i): str(int(i)) for i in member_ids or ()}
    ids = _check_members(named, field_name, by_key=members is not None)
    tags = resolve_tags(topic_slugs or (), field="topic_slugs")
    rhythm, duration, first, location = _check_rhythm(rhythm_weeks, duration_minutes, first_meeting_at, location)
    _refuse_a_second_circle(ids, field_name)
    circle = Circle(name=name, created_by_id=actor.id, created_at=utcnow(), rhythm_weeks=rhythm,
                    duration_minutes=duration, first_meeting_at=first, location=location)
    circle.members = [CircleMember(user_id=uid, status="invited") for uid in ids]
    circle.topics = [CircleTopic(tag_id=tag.id) for tag in tags]
    db.session.add(circle)
    db.session.flush()
    link = path_for("pool.circle", circle_id=circle.id)
    for uid in ids:
        notify(uid, "circle_invited", actor=actor, link=link, circle=name)
    audit.record("circle.created", actor=actor, subject_type="circle", subject_id=circle.id, data={"members": ids})
    return circle


def _check_members(named: dict[int, str], field_name: str, *, by_key: bool) -> list[int]:
    """The ids of 4–6 active mentors or ambassadors, refusing on `field_name` and naming each
    person as the caller did (`named`: id -> how they were named)."""
    unknown = [shown for uid, shown in named.items() if not 0 < uid <= MAX_ID]
    if unknown and by_key and ascii_digits(unknown[0]) and pseudonymised():
        _refuse(field_name, _("The network is pseudonymised: name the members by their pseudonyms, not by ids."))
    if unknown:
        _refuse(field_name, _("Unknown person: %(person)s.", person=unknown[0]))
    ids = list(named)
    if not MIN_MEMBERS <= len(ids) <= MAX_MEMBERS:
        _refuse(field_name, _("A circle has %(min)d to %(max)d members.", min=MIN_MEMBERS, max=MAX_MEMBERS))
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    for uid in ids:
        person = people.get(uid)
        if person is None or not person.active or not (person.has_role("mentor") or person.is_ambassador):
            _refuse(field_name, _("Circles are for mentors and ambassadors: %(person)s is neither.",
                                  person=named[uid]))
    return ids


def _refuse_a_second_circle(ids: list[int], field_name: str) -> None:
    """The same people (all of them invited or members of one circle already) make no second
    circle: a stale proposal page, a second tab or a second change manager sent the same
    proposal again, and each copy invited everyone once more. Circles are created one at a time
    for these people (SQLite: writes take turns; PostgreSQL: their rows are locked in id order)."""
    for uid in sorted(ids):
        db.session.execute(select(User.id).where(User.id == uid).with_for_update())
    existing = db.session.execute(
        select(Circle.id, Circle.name)
        .where(Circle.id.in_(
            select(CircleMember.circle_id)
            .where(CircleMember.user_id.in_(ids), CircleMember.status != "declined")
            .group_by(CircleMember.circle_id)
            .having(func.count() == len(ids))
        ))
        .order_by(Circle.id).limit(1)
    ).first()
    if existing is None:
        return
    if pseudonymised():
        # The circle's page names its members: naming it here would tie the pseudonyms to them.
        _refuse(field_name, _("These people are all in one circle already."))
    _refuse(field_name, _("These people are all in the circle “%(name)s” already.", name=existing.name))


def answered(actor: User, circle_id: int) -> str | None:
    """How the actor answered this circle's invitation ("accepted", "declined"; None: not yet,
    or not invited), for a form sent twice (a double click)."""
    status = db.session.scalar(select(CircleMember.status).where(
        CircleMember.circle_id == circle_id, CircleMember.user_id == actor.id))
    return status if status in ("accepted", "declined") else None


def respond(actor: User, circle: Circle, accept: bool) -> Circle:
    member = membership(circle, actor)
    if member is None or member.status == "declined":
        raise NotFoundError(_("No such circle."))
    if member.status != "invited":
        raise ConflictError(_("You have answered this invitation already."))
    member.status = "accepted" if accept else "declined"
    member.responded_at = utcnow()
    db.session.flush()
    link = path_for("pool.circle", circle_id=circle.id)
    # Who joined is told to the members who joined (joining, one meets the group); who declined
    # only to the change manager who started the circle: the members never learn who said no,
    # nor who was asked if they keep their profile out of the directory (members_shown).
    told = {m.user_id for m in circle.members if _still_here(m)} if accept else set()
    starter = db.session.get(User, circle.created_by_id) if circle.created_by_id is not None else None
    if starter is not None and not account_ended(starter):
        told.add(starter.id)
    for uid in told:
        notify(uid, "circle_accepted" if accept else "circle_declined", actor=actor, link=link, circle=circle.name)
    return circle


def require_accepted(actor: User, circle: Circle) -> None:
    if not is_member(circle, actor, "accepted"):
        raise PermissionDenied(_("Only members who accepted the invitation take part in the circle's discussion."))


def posts(actor: User, circle: Circle) -> list[CirclePost]:
    require_accepted(actor, circle)
    return list(db.session.scalars(select(CirclePost).where(CirclePost.circle_id == circle.id).order_by(CirclePost.id)))


def posts_html(viewer: User, posts: Sequence[CirclePost]) -> dict[int, str]:
    """Each post's HTML as `viewer` reads it: its Markdown with the @handles of people whose
    profile the viewer may open linked there, as in the community's posts. Rendered when read
    (a circle's discussion is short), so a mention follows whether its person may be found now;
    one query for the whole discussion."""
    from community.profiles.queries import profile_links

    links = profile_links(viewer, {handle for post in posts for handle in mentioned_handles(post.body)})
    return {post.id: render(post.body, mentions=links) for post in posts}


def add_post(actor: User, circle: Circle, body: str) -> CirclePost:
    require_accepted(actor, circle)
    body = (body or "").strip()
    if not body:
        _refuse("body", _("Write something first."))
    if len(body) > POST_MAX:
        _refuse("body", _("At most %(n)d characters.", n=POST_MAX))
    post = CirclePost(circle_id=circle.id, author_id=actor.id, body=body, body_html=render(body), created_at=utcnow())
    db.session.add(post)
    db.session.flush()
    link = path_for("pool.circle", circle_id=circle.id) + f"#post-{post.id}"
    for m in circle.members:
        if _still_here(m):  # not to a member whose account has ended
            notify(m.user_id, "circle_post", actor=actor, link=link, circle=circle.name)
    return post


def require_rhythm_rights(actor: User, circle: Circle) -> None:
    if not (is_member(circle, actor, "accepted") or actor.has_role("change_manager")):
        raise PermissionDenied(_("Only the circle's members set its meeting rhythm."))


def set_rhythm(actor: User, circle: Circle, *, rhythm_weeks: int, duration_minutes: int | None,
               first_meeting_at: datetime | None, location: str | None) -> Circle:
    """Members who accepted (or change managers) agree the rhythm: every N weeks from a first meeting."""
    require_rhythm_rights(actor, circle)
    rhythm, duration, first, location = _check_rhythm(rhythm_weeks, duration_minutes, first_meeting_at, location)
    circle.rhythm_weeks, circle.duration_minutes, circle.first_meeting_at, circle.location = rhythm, duration, first, location
    db.session.flush()
    return circle


def next_meetings(circle: Circle, count: int = 4, now: datetime | None = None) -> list[datetime]:
    if circle.first_meeting_at is None:
        return []
    now = now or utcnow()
    step = timedelta(weeks=circle.rhythm_weeks)
    at = circle.first_meeting_at
    if at < now:
        at += step * ((now - at) // step + 1)
    return [at + step * n for n in range(count)]


def circle_ics(actor: User, circle: Circle) -> bytes:
    """The circle's meetings as one repeating calendar event (members who accepted)."""
    require_accepted(actor, circle)
    if circle.first_meeting_at is None:
        raise NotFoundError(_("This circle has no meeting rhythm yet."))
    from community.i18n import zone_of
    from community.mentoring.calendar import PRODID

    zone = zone_of(actor)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    from flask import current_app, url_for

    event.add("uid", f"circle-{circle.id}@{current_app.config.get('CALENDAR_UID_DOMAIN') or 'mentor-community.local'}")
    event.add("dtstamp", utcnow())
    event.add("dtstart", circle.first_meeting_at.astimezone(zone))
    event.add("dtend", (circle.first_meeting_at + timedelta(minutes=circle.duration_minutes)).astimezone(zone))
    event.add("rrule", vRecur(freq="WEEKLY", interval=circle.rhythm_weeks))
    event.add("summary", _("Peer learning circle: %(name)s", name=circle.name))
    if circle.location:
        event.add("location", circle.location)
    event.add("description", url_for("pool.circle", circle_id=circle.id, _external=True))  # opened from a calendar app
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def circles_of(actor: User) -> list[Circle]:
    """The caller's circles (invited or accepted), newest first."""
    return list(db.session.scalars(
        select(Circle).join(CircleMember, CircleMember.circle_id == Circle.id)
        .where(CircleMember.user_id == actor.id, CircleMember.status.in_(("invited", "accepted")))
        .order_by(Circle.id.desc())
    ).unique())


def all_circles(actor: User) -> list[Circle]:
    """Every circle, newest first, for the change managers who start them and keep them going
    (members and topics come with them)."""
    require_change_manager(actor)
    return list(db.session.scalars(select(Circle).order_by(Circle.id.desc())))
