"""Nominations, decisions, step-downs: each change and its audit event in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from community import tasks
from community.accounts.models import User, UserRole
from community.ambassadors.models import AmbassadorCriteria, Nomination
from community.audit import services as audit
from community.database import rowcount, utcnow
from community.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDenied,
    ValidationFailed,
)
from community.extensions import db
from community.notifications.services import notify, notify_many, register_kind

if TYPE_CHECKING:
    from community.ambassadors.queries import Candidate, Evidence

register_kind("nomination_received", _l("%(actor)s nominated you for the ambassador programme."))
register_kind("nomination_submitted", _l("%(actor)s nominated %(nominee)s for the ambassador programme."))
register_kind("nomination_self_submitted", _l("%(actor)s nominated themselves for the ambassador programme."))
register_kind("nomination_promoted", _l("%(nominee)s is now a change ambassador (decided by %(actor)s)."))
register_kind("nomination_declined", _l("The nomination of %(nominee)s was declined by %(actor)s."))
# To the nominee themselves.
register_kind("nomination_promoted_you", _l("%(actor)s made you a change ambassador."))
register_kind("nomination_declined_you", _l("%(actor)s declined your nomination for the ambassador programme."))
register_kind("ambassador_stepped_down", _l("%(actor)s stepped down as a change ambassador."))
register_kind("ambassadorship_ended", _l("%(actor)s ended your ambassadorship."))

REASON_MIN, REASON_MAX = 10, 2000
NOTE_MAX = 2000


def _text(value: str | None, field: str, *, minimum: int, maximum: int) -> str:
    value = (value or "").strip()
    if len(value) < minimum:
        message = _("Write at least %(n)d characters.", n=minimum)
        raise ValidationFailed(message, {field: [message]})
    if len(value) > maximum:
        message = _("Write at most %(n)d characters.", n=maximum)
        raise ValidationFailed(message, {field: [message]})
    return value


def get_criteria() -> AmbassadorCriteria:
    criteria = db.session.scalar(select(AmbassadorCriteria).order_by(AmbassadorCriteria.id).limit(1))
    if criteria is None:
        criteria = AmbassadorCriteria()
        db.session.add(criteria)
        db.session.flush()
    return criteria


def require_change_manager(actor: User) -> None:
    """Candidates, criteria and ending an ambassadorship are for change managers."""
    if not actor.has_role("change_manager"):
        raise PermissionDenied(_("You are not allowed to do this."))


def require_ambassador(actor: User) -> None:
    """Stepping down is for ambassadors; for anyone else the page does not exist."""
    if not actor.is_ambassador:
        raise NotFoundError(_("This page or object does not exist, or you cannot see it."))


def require_decider(actor: User, nomination: Nomination) -> None:
    if not can_decide(actor, nomination):
        raise PermissionDenied(_("You are not allowed to do this."))


def criteria_for(actor: User) -> AmbassadorCriteria:
    """The criteria as a change manager edits them (created with defaults on the first visit)."""
    require_change_manager(actor)
    return get_criteria()


def ambassador_to_end(actor: User, person_id: int) -> User:
    """The ambassador whose ambassadorship a change manager is about to end: the form is
    refused before anything is typed into it for anyone else (404) and for oneself (403)."""
    require_change_manager(actor)
    person = db.session.get(User, person_id)
    if person is None or not person.is_ambassador:
        raise NotFoundError(_("No such ambassador."))
    if person.id == actor.id:
        raise PermissionDenied(_("Use “step down” to end your own ambassadorship."))
    return person


def can_see_evidence(actor: User, person_id: int) -> bool:
    return actor.has_role("change_manager", "admin") or actor.id == person_id


def evidence_of(actor: User, person_id: int | None = None) -> tuple[User, Evidence]:
    """A person's evidence against the criteria: one's own (mentors), or anyone's for change
    managers and admins. The first visit creates the default criteria row."""
    from community.ambassadors import queries

    if person_id is None:
        if not actor.has_role("mentor"):
            raise NotFoundError(_("This page or object does not exist, or you cannot see it."))
        person = actor
    else:
        if not can_see_evidence(actor, person_id):
            raise PermissionDenied(_("You are not allowed to do this."))
        found = db.session.get(User, person_id)
        if found is None or found.erased_at is not None:
            raise NotFoundError(_("No such person."))
        person = found
    return person, queries.evidence_for([person.id], get_criteria(), viewer=actor)[person.id]


def candidates_view(actor: User, sort: str) -> tuple[list[Candidate], object | None, AmbassadorCriteria, set[int]]:
    """The candidate list (rows, when the network analysis behind it was computed, criteria, the
    candidates the analysis found fading). It rests on the network analysis, so looking at it is
    recorded like the dashboard."""
    from community.ambassadors import queries

    require_change_manager(actor)
    criteria = get_criteria()
    _shortlist, computed_at = queries.shortlist_from_snapshot()
    rows = queries.candidates(criteria, sort)
    audit.record("ambassador.candidates_viewed", actor=actor, data={"rows": len(rows)})
    return rows, computed_at, criteria, queries.fading_ids()


def export_candidates(actor: User, sort: str) -> list[Candidate]:
    """The candidate rows for the CSV download (recorded in the audit log)."""
    from community.ambassadors import queries

    require_change_manager(actor)
    rows = queries.candidates(get_criteria(), sort)
    audit.record("ambassador.candidates_exported", actor=actor, data={"rows": len(rows)})
    return rows


def update_criteria(actor: User, **values: float | None) -> AmbassadorCriteria:
    if not actor.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers set the ambassador criteria."))
    criteria = get_criteria()
    before = {key: getattr(criteria, key) for key in values}
    for key, value in values.items():
        if value is None or value < 0:
            raise ValidationFailed(_("Use a number of 0 or more."), {key: [_("Use a number of 0 or more.")]})
        setattr(criteria, key, value)
    criteria.updated_by_id = actor.id
    db.session.flush()
    audit.record("ambassador.criteria_changed", actor=actor, subject_type="ambassador_criteria", subject_id=criteria.id,
                 data={"before": before, "after": values})
    return criteria


def change_manager_ids() -> list[int]:
    return list(db.session.scalars(
        select(UserRole.user_id).join(User).where(UserRole.role == "change_manager", User.active.is_(True))
    ))


def nominate(actor: User, nominee_id: int, reason: str) -> Nomination:
    """Any member nominates a mentor (mentors may nominate themselves); one open nomination each."""
    nominee, reason = check_nomination(actor, nominee_id, reason or "")
    nomination = Nomination(nominee_id=nominee.id, nominated_by_id=actor.id, reason=reason)
    try:
        with db.session.begin_nested():
            db.session.add(nomination)
            db.session.flush()
    except IntegrityError:
        raise _already_nominated(actor, nominee) from None  # a concurrent nomination won the race
    audit.record("ambassador.nominated", actor=actor, subject_type="user", subject_id=nominee.id,
                 data={"nomination_id": nomination.id, "self": actor.id == nominee.id})
    link = f"/ambassadors/nominations/{nomination.id}"
    notify(nominee.id, "nomination_received", actor=actor, link=link)
    if nominee.id == actor.id:
        notify_many(change_manager_ids(), "nomination_self_submitted", actor=actor, link=link)
    else:
        notify_many(change_manager_ids(), "nomination_submitted", actor=actor, link=link, nominee=nominee)
    return nomination


@overload
def check_nomination(actor: User, nominee_id: int, reason: str) -> tuple[User, str]: ...
@overload
def check_nomination(actor: User, nominee_id: int | None, reason: str | None) -> tuple[User | None, str | None]: ...


def check_nomination(actor: User, nominee_id: int | None, reason: str | None) -> tuple[User | None, str | None]:
    """The nominee and the reason checked together, writing nothing (None: not given, not
    checked): every field's error at once. Alone, a refusal keeps its kind (a nominee the actor
    cannot name 404, an ambassador or an open nomination 409, a non-mentor or a bad reason 422);
    two refusals are one ValidationFailed naming both fields."""
    refusals: list[DomainError] = []
    nominee = None
    if nominee_id is not None:
        try:
            nominee = _nominable(actor, nominee_id)
        except DomainError as refused:
            refusals.append(refused)
    if reason is not None:
        try:
            reason = _text(reason, "reason", minimum=REASON_MIN, maximum=REASON_MAX)
        except ValidationFailed as refused:
            refusals.append(refused)
    if len(refusals) == 1:
        raise refusals[0]
    if refusals:
        fields = {name: messages for refused in refusals for name, messages in refused.fields.items()}
        raise ValidationFailed(refusals[0].message, fields)
    return nominee, reason


def _nominable(actor: User, nominee_id: int) -> User:
    """The person to nominate: one the actor may name, a mentor, not an ambassador, not nominated yet."""
    from community.ambassadors import queries
    from community.profiles.naming import may_name

    nominee = db.session.get(User, nominee_id)
    if nominee is None or not may_name(actor, nominee):
        message = _("No such person.")
        raise NotFoundError(message, {"nominee_id": [message]})  # hidden from the actor: as if nobody
    if not nominee.has_role("mentor"):
        message = _("%(name)s is not a mentor; the ambassador programme recruits from the mentor pool.", name=nominee.name)
        raise ValidationFailed(message, {"nominee_id": [message]})
    if nominee.is_ambassador:
        message = _("%(name)s is an ambassador already.", name=nominee.name)
        raise ConflictError(message, {"nominee_id": [message]})
    if queries.open_nomination_of(nominee.id) is not None:
        raise _already_nominated(actor, nominee)
    return nominee


def _already_nominated(actor: User, nominee: User) -> ConflictError:
    if actor.id == nominee.id:
        message = _("Your nomination is open already; it is waiting for a decision.")
    else:
        message = _("%(name)s has an open nomination already; it awaits a decision.", name=nominee.name)
    return ConflictError(message, {"nominee_id": [message]})


def get_nomination(actor: User, nomination_id: int) -> Nomination:
    """Visible to change managers, admins, the nominee and the nominator; 404 for others."""
    nomination = db.session.get(Nomination, nomination_id)
    if nomination is None or not can_see(actor, nomination):
        raise NotFoundError(_("No such nomination."))
    return nomination


def can_see(actor: User, nomination: Nomination) -> bool:
    return actor.has_role("change_manager", "admin") or actor.id in (nomination.nominee_id, nomination.nominated_by_id)


def can_decide(actor: User, nomination: Nomination) -> bool:
    return (
        actor.has_role("change_manager")
        and actor.id != nomination.nominee_id
        and actor.id != nomination.nominated_by_id
    )


def decide(actor: User, nomination: Nomination, decision: str, note: str | None) -> Nomination:
    """A change manager (not the nominee, not the nominator) promotes or declines, with a note."""
    if not actor.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers decide on nominations."))
    if actor.id == nomination.nominee_id:
        raise PermissionDenied(_("Nobody decides on their own nomination."))
    if actor.id == nomination.nominated_by_id:
        raise PermissionDenied(_("Someone other than the nominator decides."))
    decision, note = check_decision(decision or "", note or "")
    if nomination.status != "open":
        raise ConflictError(_("This nomination is %(status)s already; it cannot be decided again.", status=status_label(nomination.status)))
    nominee = nomination.nominee
    if decision == "promote" and not (nominee.active and nominee.has_role("mentor")):
        raise ConflictError(_("%(name)s is no longer an active mentor.", name=nominee.name))
    now = utcnow()
    new_status = "promoted" if decision == "promote" else "declined"
    # Conditional update: of two change managers deciding at once, exactly one wins.
    won = rowcount(db.session.execute(
        update(Nomination)
        .where(Nomination.id == nomination.id, Nomination.status == "open")
        .values(status=new_status, decided_by_id=actor.id, decided_at=now, note=note)
    ))
    if won != 1:
        raise ConflictError(_("Someone decided on this nomination a moment ago."))
    if decision == "promote":
        nominee.is_ambassador = True
        nominee.ambassador_since = now
    db.session.flush()
    db.session.refresh(nomination)
    audit.record(f"ambassador.{new_status}", actor=actor, subject_type="user", subject_id=nominee.id, note=note,
                 data={"nomination_id": nomination.id})
    link = f"/ambassadors/nominations/{nomination.id}"
    kind = "nomination_promoted" if decision == "promote" else "nomination_declined"
    notify(nominee.id, f"{kind}_you", actor=actor, link=link)
    if nomination.nominated_by_id is not None and nomination.nominated_by_id != nominee.id:
        notify(nomination.nominated_by_id, kind, actor=actor, link=link, nominee=nominee)
    if new_status == "promoted":
        tasks.enqueue("outreach.post_promotion", nomination.id)  # to the ambassador-news channel, if any
    return nomination


@overload
def check_decision(decision: str, note: str) -> tuple[str, str]: ...
@overload
def check_decision(decision: str | None, note: str | None) -> tuple[str | None, str | None]: ...


def check_decision(decision: str | None, note: str | None) -> tuple[str | None, str | None]:
    """A decision and its note checked together, writing nothing (None: not given, not checked):
    both fields' errors at once."""
    errors: dict[str, list[str]] = {}
    if decision is not None and decision not in ("promote", "decline"):
        errors["decision"] = [_("Choose promote or decline.")]
    if note is not None:
        try:
            note = _text(note, "note", minimum=3, maximum=NOTE_MAX)
        except ValidationFailed as refused:
            errors.update(refused.fields)
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors)
    return decision, note


def withdraw(actor: User, nomination: Nomination) -> Nomination:
    if actor.id not in (nomination.nominee_id, nomination.nominated_by_id):
        raise PermissionDenied(_("Only the nominee or the nominator withdraws a nomination."))
    won = rowcount(db.session.execute(
        update(Nomination).where(Nomination.id == nomination.id, Nomination.status == "open").values(status="withdrawn")
    ))
    if won != 1:
        raise ConflictError(_("This nomination is %(status)s already.", status=status_label(nomination.status)))
    db.session.refresh(nomination)
    audit.record("ambassador.nomination_withdrawn", actor=actor, subject_type="user", subject_id=nomination.nominee_id,
                 data={"nomination_id": nomination.id})
    return nomination


def step_down(actor: User, note: str | None) -> None:
    """An ambassador ends their own ambassadorship."""
    if not actor.is_ambassador:
        raise ConflictError(_("You are not an ambassador."))
    note = (note or "").strip()[:NOTE_MAX] or None
    actor.is_ambassador = False
    actor.ambassador_since = None
    db.session.flush()
    audit.record("ambassador.stepped_down", actor=actor, subject_type="user", subject_id=actor.id, note=note)
    notify_many(change_manager_ids(), "ambassador_stepped_down", actor=actor, link=f"/people/{actor.id}")


def end_ambassadorship(actor: User, person: User, note: str | None) -> None:
    """A change manager ends someone's ambassadorship, with a note."""
    if not actor.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers end an ambassadorship."))
    if actor.id == person.id:
        raise PermissionDenied(_("Use “step down” to end your own ambassadorship."))
    if not person.is_ambassador:
        raise ConflictError(_("%(name)s is not an ambassador.", name=person.name))
    note = _text(note, "note", minimum=3, maximum=NOTE_MAX)
    person.is_ambassador = False
    person.ambassador_since = None
    db.session.flush()
    audit.record("ambassador.ended", actor=actor, subject_type="user", subject_id=person.id, note=note)
    notify(person.id, "ambassadorship_ended", actor=actor, link=f"/people/{person.id}")


def status_label(status: str) -> str:
    return str({"open": _l("open"), "promoted": _l("promoted"), "declined": _l("declined"),
                "withdrawn": _l("withdrawn")}.get(status, status))
