"""The audit trail in words: translated action names, the subject's name, the actions to filter by."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from community.accounts.models import User, shown_name
from community.accounts.services import require_admin
from community.admin import queries
from community.audit.models import AuditEvent
from community.errors import ValidationFailed
from community.extensions import db
from community.labels import subject_label
from community.pagination import Page

AREAS = {
    "ambassador": _l("Ambassadors"), "calendar_feed": _l("Calendar feed"), "circle": _l("Learning circles"),
    "circles": _l("Circle proposals"), "cohort": _l("Programme runs"), "mentoring": _l("Mentoring"),
    "mentorship": _l("Mentorships"), "network": _l("Network analysis"), "outreach": _l("Notifications"),
    "people": _l("People import"), "post": _l("Community posts"), "privacy": _l("Privacy"),
    "run_report": _l("Run reports"), "scim": _l("Directory sync (SCIM)"), "survey": _l("Surveys"),
    "tag": _l("Topics"), "thread": _l("Community threads"), "token": _l("API tokens"), "user": _l("Accounts"),
}

ACTIONS = {
    "ambassador.candidates_exported": _l("Ambassador candidates exported"),
    "ambassador.candidates_viewed": _l("Ambassador candidates viewed"),
    "ambassador.criteria_changed": _l("Ambassador criteria changed"),
    "ambassador.declined": _l("Nomination declined"),
    "ambassador.ended": _l("Ambassador status ended"),
    "ambassador.nominated": _l("Ambassador nominated"),
    "ambassador.nomination_withdrawn": _l("Nomination withdrawn"),
    "ambassador.promoted": _l("Promoted to ambassador"),
    "ambassador.stepped_down": _l("Ambassador stepped down"),
    "calendar_feed.created": _l("Calendar feed created"),
    "calendar_feed.revoked": _l("Calendar feed revoked"),
    "circle.created": _l("Learning circle created"),
    "circles.proposals_viewed": _l("Circle proposals viewed"),
    "cohort.created": _l("Programme run created"),
    "cohort.updated": _l("Programme run changed"),
    "mentoring.paused": _l("Mentoring paused"),
    "mentoring.resumed": _l("Mentoring resumed"),
    "mentorship.accepted": _l("Mentorship accepted"),
    "mentorship.completed": _l("Mentorship completed"),
    "mentorship.declined": _l("Mentorship declined"),
    "mentorship.handed_over": _l("Mentorship handed over"),
    "mentorship.requested": _l("Mentorship requested"),
    "mentorship.withdrawn": _l("Mentorship request withdrawn"),
    "network.computed": _l("Network analysis computed"),
    "network.demand_exported": _l("Topic demand exported"),
    "network.demand_viewed": _l("Topic demand viewed"),
    "network.exported": _l("Network analysis exported"),
    "network.requested": _l("Network analysis requested"),
    "network.revealed": _l("Pseudonym revealed"),
    "network.settings": _l("Analysis settings changed"),
    "network.viewed": _l("Network analysis viewed"),
    "network.what_if": _l("What-if computed"),
    "outreach.channel_removed": _l("Team chat channel removed"),
    "outreach.channel_set": _l("Team chat channel set"),
    "people.imported": _l("People imported from CSV"),
    "post.deleted": _l("Post deleted"),
    "post.edited": _l("Post edited"),
    "post.hidden": _l("Post hidden"),
    "post.restored": _l("Post restored"),
    "privacy.retention": _l("Old data removed (retention)"),
    "run_report.exported": _l("Run report exported"),
    "run_report.viewed": _l("Run report viewed"),
    "scim.token_created": _l("SCIM token created"),
    "scim.tokens_revoked": _l("SCIM tokens revoked"),
    "scim.user_created": _l("Account created by directory sync"),
    "scim.user_deactivated": _l("Account deactivated by directory sync"),
    "scim.user_deleted": _l("Account deleted by directory sync"),
    "scim.user_reactivated": _l("Account reactivated by directory sync"),
    "scim.user_updated": _l("Account updated by directory sync"),
    "survey.closed": _l("Survey closed"),
    "survey.created": _l("Survey created"),
    "survey.items_edited": _l("Survey questions edited"),
    "survey.opened": _l("Survey opened"),
    "tag.created": _l("Topic created"),
    "tag.merged": _l("Topics merged"),
    "tag.synonym_added": _l("Topic synonym added"),
    "tag.synonym_removed": _l("Topic synonym removed"),
    "tag.updated": _l("Topic changed"),
    "thread.edited": _l("Thread title or topics changed"),
    "thread.locked": _l("Thread locked"),
    "thread.moved": _l("Thread moved"),
    "thread.pinned": _l("Thread pinned"),
    "thread.removed": _l("Thread removed"),
    "thread.restored": _l("Thread restored"),
    "thread.unlocked": _l("Thread unlocked"),
    "thread.unpinned": _l("Thread unpinned"),
    "token.created": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "token.revoked_all": _l("All API tokens revoked"),
    "user.activated": _l("Account activated"),
    "user.created": _l("Account created"),
    "user.deactivated": _l("Account deactivated"),
    "user.email_changed": _l("E-mail address changed"),
    "user.erased": _l("Account erased"),
    "user.oidc_linked": _l("Company sign-in linked"),
    "user.password_changed": _l("Password changed"),
    "user.password_set": _l("Password set by an admin"),
    "user.password_reset": _l("Password reset from the e-mailed link"),
    "user.roles_changed": _l("Roles changed"),
}

# Notes some features write as keys (the network's page names).
NOTES = {
    "dashboard": _l("Overview"), "risks": _l("Risks"), "roles": _l("Roles"), "coverage": _l("Coverage and demand"),
    "trend": _l("Trend"), "explorer": _l("Explorer"), "person": _l("Person page"),
}

# The words for the details events carry (their keys are the code's); every key an event
# writes has one (tests/admin/test_audit_trail.py checks the calls in the code).
DATA_KEYS = {
    "after": _l("After"), "api_tokens_revoked": _l("API tokens revoked"), "before": _l("Before"), "by": _l("By"),
    "category": _l("Category"), "changed": _l("Changed"), "cohort_id": _l("Programme run"), "count": _l("Count"),
    "created": _l("Created"), "description": _l("Description"), "errors": _l("Refused rows"),
    "externalId": _l("ID in the HR system"), "feedback_comments": _l("Feedback comments"),
    "flavour": _l("Kind of channel"), "format": _l("Format"), "from": _l("From"),
    "handovers_requested": _l("Handovers requested"), "issuer": _l("Identity provider"), "kind": _l("Kind"),
    "login_sessions": _l("Login sessions"), "months": _l("Months"), "moved": _l("Moved"), "name": _l("Name"),
    "name_de": _l("Name in German"), "network_figures": _l("Network figures"),
    "network_snapshot_findings": _l("Findings of analysis snapshots"), "new_mentorship_id": _l("New mentorship"),
    "nomination_id": _l("Nomination"), "notifications": _l("Notifications"), "people": _l("People"),
    "prefix": _l("Token beginning"), "proposals": _l("Proposals"), "pseudonym": _l("Pseudonym"),
    "pseudonymised": _l("Pseudonymised mode"), "removed": _l("Removed"),
    "requests_declined": _l("Requests declined"), "roles": _l("Roles"), "rows": _l("Rows"), "seconds": _l("Seconds"),
    "self": _l("Own nomination"), "session_notes": _l("Session notes"), "sessions_cancelled": _l("Sessions cancelled"),
    "slug": _l("Address (slug)"), "source": _l("Merged topic"), "source_id": _l("Merged topic"),
    "status": _l("Status"), "term": _l("Synonym"), "to": _l("To"), "told": _l("People told"),
    "topic_questions": _l("Questions about a topic"), "unchanged": _l("Skipped (unchanged)"), "updated": _l("Updated"),
    "userName": _l("User name in the HR system"),
}

# Values that are the code's names, per key: who did something, which account fields changed.
DATA_VALUES = {
    "by": {
        "admin": _l("an administrator"), "cli": _l("the command line"), "leaver": _l("the person leaving"),
        "oidc": _l("company sign-in"), "scim": _l("directory sync (SCIM)"), "self": _l("the person themselves"),
    },
    "changed": {"active": _l("Account status"), "department": _l("Department"), "email": _l("E-mail"), "name": _l("Name")},
    "flavour": {"slack": "Slack", "teams": "Microsoft Teams"},  # product names, the same in every language
    "format": {
        "csv": _l("CSV file"), "graphml": _l("GraphML file"), "json": _l("JSON data"), "xlsx": _l("Excel workbook"),
    },
}


def _feature_values() -> dict[str, Any]:
    """Values whose words the features keep (imported late: loading a feature package at import
    time would load its views before the models are all defined)."""
    from community.impact.dimensions import KIND_LABELS
    from community.mentoring.labels import STATUS_LABELS

    return {
        "kind": KIND_LABELS,  # only surveys write a kind (start, end)
        # a programme run's (cohort.updated; mentoring.models.COHORT_STATUSES)
        "status": {status: STATUS_LABELS[status] for status in ("planned", "running", "closed")},
    }


def _words(text: str) -> str:
    words = text.replace("_", " ").replace(".", " ").strip()
    return words[:1].upper() + words[1:]


def action_label(action: str) -> str:
    """An action in words; an action nobody named yet reads as its area and words."""
    label = ACTIONS.get(action)
    if label is not None:
        return str(label)
    area, _dot, rest = action.partition(".")
    return f"{AREAS[area]}: {_words(rest)}" if area in AREAS and rest else _words(action)


def action_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(area label, [(value, label)]) for the filter; each area's "all" entry first (prefix match)."""
    by_area: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for action in ACTIONS:
        by_area[action.partition(".")[0]].append((action, action_label(action)))
    groups = []
    for area, entries in sorted(by_area.items(), key=lambda item: str(AREAS.get(item[0], item[0]))):
        name = str(AREAS.get(area, _words(area)))
        all_of = str(_l("All of %(area)s", area=name))
        groups.append((name, [(f"{area}.", all_of), *sorted(entries, key=lambda entry: entry[1])]))
    return groups


@dataclass
class AuditRow:
    event: AuditEvent
    action: str
    subject: str
    subject_url_id: int | None  # a person's id, for a link to the profile
    note: str
    details: list[tuple[str, str]] = field(default_factory=list)  # (label, value) in words


def _subject_names(events: list[AuditEvent], people: set[int] | None = None) -> dict[tuple[str, int], str]:
    """Names of the events' subjects, one statement per kind of subject (and ("erased", id) for
    people erased since); `people` are more people's ids to name with the subjects ("user", id)."""
    from community.ambassadors.models import Nomination

    ids: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.subject_type and event.subject_id is not None:
            ids[event.subject_type].add(event.subject_id)
    names: dict[tuple[str, int], str] = {}
    ids["user"] |= people or set()
    if ids.get("user"):
        for pid, name, erased_at in db.session.execute(
            select(User.id, User.stored_name, User.erased_at).where(User.id.in_(ids["user"]))
        ):
            names[("user", pid)] = shown_name(name, erased_at)
            if erased_at is not None:
                names[("erased", pid)] = ""  # a former member: no profile to link to
    if ids.get("analysis_snapshot"):
        from community.i18n import local_datetime
        from community.network.models import AnalysisSnapshot

        for sid, computed_at in db.session.execute(
            select(AnalysisSnapshot.id, AnalysisSnapshot.computed_at).where(AnalysisSnapshot.id.in_(ids["analysis_snapshot"]))
        ):
            names[("analysis_snapshot", sid)] = str(_l("Snapshot of %(when)s", when=local_datetime(computed_at)))
    if ids.get("nomination"):
        for nid, name, erased_at in db.session.execute(
            select(Nomination.id, User.stored_name, User.erased_at).join(User, User.id == Nomination.nominee_id)
            .where(Nomination.id.in_(ids["nomination"]))
        ):
            names[("nomination", nid)] = str(_l("Nomination of %(name)s", name=shown_name(name, erased_at)))
    return names


@dataclass(frozen=True)
class AuditFilters:
    """What the audit trail is narrowed to: an action (a prefix), a person typed as a name or an
    e-mail, and a range of days (inclusive, in the reader's time zone)."""

    action: str | None = None
    person: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.action or self.person.strip() or self.date_from or self.date_to)


@dataclass(frozen=True)
class PersonChoice:
    """A person the typed text matched, as the chooser shows them."""

    id: int
    name: str
    email: str
    department: str | None


PEOPLE_SHOWN = 20  # people offered when a name matches several; more than that asks for more text


class SeveralPeopleMatch(ValidationFailed):
    """The typed name matches several people: the page offers them to choose from."""

    def __init__(self, message: str, people: list[PersonChoice]) -> None:
        super().__init__(message, {"person": [message]})
        self.people = people


def find_person(actor: User, text: str) -> PersonChoice:
    """The one person `text` names (their e-mail, or a part of one person's name or e-mail)."""
    rows = queries.people_matching(actor, text, limit=PEOPLE_SHOWN + 1)
    typed = text.strip()
    people = [PersonChoice(pid, shown_name(name, erased_at), email, department)
              for pid, name, erased_at, email, department in rows]
    if people and people[0].email.lower() == typed.lower():
        return people[0]
    if len(people) == 1:
        return people[0]
    if not people:
        raise ValidationFailed(_("Nobody’s name or e-mail contains “%(text)s”.", text=typed),
                               {"person": [_("Nobody’s name or e-mail contains “%(text)s”.", text=typed)]})
    if len(people) > PEOPLE_SHOWN:
        message = _("More than %(num)d people match “%(text)s”: type more of the name, or the e-mail.",
                    num=PEOPLE_SHOWN, text=typed)
        raise SeveralPeopleMatch(message, people[:PEOPLE_SHOWN])
    raise SeveralPeopleMatch(_("%(num)d people match “%(text)s”: choose one below.", num=len(people), text=typed), people)


def _day_start(day: date) -> datetime:
    """The UTC time the reader's `day` begins."""
    from community.i18n import user_zone

    return datetime.combine(day, time(), tzinfo=user_zone()).astimezone(UTC)


@dataclass
class AuditTrail:
    page: Page
    rows: list[AuditRow]
    person: PersonChoice | None = None  # the person the trail is narrowed to


def audit_rows(actor: User, filters: AuditFilters | None = None, *, page: int, per_page: int) -> AuditTrail:
    """A page of the audit trail, newest first, with each event's action, subject and the
    people in its details in words. Refuses (ValidationFailed) a range that ends before it
    starts and a person it cannot tell (SeveralPeopleMatch offers the candidates)."""
    require_admin(actor)
    filters = filters or AuditFilters()
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        message = _("The end date cannot be before the start date.")
        raise ValidationFailed(message, {"date_to": [message]})
    person = find_person(actor, filters.person) if filters.person.strip() else None
    found = queries.audit_events(
        actor, action=filters.action, page=page, per_page=per_page, person_id=person.id if person else None,
        since=_day_start(filters.date_from) if filters.date_from else None,
        before=_day_start(filters.date_to + timedelta(days=1)) if filters.date_to else None,
    )
    events: list[AuditEvent] = list(found.items)
    names = _subject_names(events, _person_ids(events))
    people = {pid: name for (kind, pid), name in names.items() if kind == "user"}
    return AuditTrail(found, [_row(event, names, people) for event in events], person)


def _row(event: AuditEvent, names: dict[tuple[str, int], str], people: dict[int, str]) -> AuditRow:
    """One event in words: its action, its subject by name (a person's page when they are
    still there) and its details."""
    subject, subject_person = _subject(event, names)
    note = event.note or ""
    if event.action.startswith("network.") and note in NOTES:
        note = str(NOTES[note])
    return AuditRow(event, action_label(event.action), subject, subject_person, note, describe_data(event.data, people))


def _subject(event: AuditEvent, names: dict[tuple[str, int], str]) -> tuple[str, int | None]:
    """The event's subject in words, and the person's id when the subject is a person who can
    still be shown (not erased)."""
    if not event.subject_type or event.subject_id is None:
        return "", None
    key = (event.subject_type, event.subject_id)
    if key in names:
        shown = event.subject_type == "user" and ("erased", event.subject_id) not in names
        return names[key], event.subject_id if shown else None
    if event.subject_type == "user":
        return str(_l("a former member")), None
    return f"{subject_label(event.subject_type)} {event.subject_id}", None


# Details that hold people's ids: shown as their names (a former member once erased).
PERSON_KEYS = {
    "executive_id": _l("Executive"), "mentor_id": _l("Mentor"), "to_mentor_id": _l("New mentor"),
    "members": _l("Members"), "updated_ids": _l("Updated people"), "remove": _l("Mentors who leave"),
}


def _person_ids(events: list[AuditEvent]) -> set[int]:
    ids: set[int] = set()
    for event in events:
        for key in PERSON_KEYS:
            value = (event.data or {}).get(key)
            values = value if isinstance(value, list) else [value]
            ids.update(v for v in values if isinstance(v, int) and not isinstance(v, bool))
    return ids


def describe_data(data: dict[str, Any] | None, people: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """An event's details as (label, value) pairs in words; `people` names the ids of PERSON_KEYS."""
    if not data:
        return []
    people = people or {}
    from flask_babel import format_decimal, format_number

    from community.accounts.models import ROLES
    from community.templating import role_label

    values = {**DATA_VALUES, **_feature_values()}

    def word(item: Any) -> str:
        return role_label(item) if isinstance(item, str) and item in ROLES else str(item)

    def person(item: Any) -> str:
        return people.get(item) or str(_l("a former member"))

    def text(key: str, value: Any) -> str:
        if isinstance(value, dict):
            return "; ".join(f"{label(k)}: {text(k, v)}" for k, v in sorted(value.items()))
        if isinstance(value, list):
            return ", ".join(text(key, item) for item in value)
        if isinstance(value, bool):
            return str(_l("yes")) if value else str(_l("no"))
        if isinstance(value, int):
            return format_number(value)
        if isinstance(value, float):
            return format_decimal(value)
        named = values.get(key, {}).get(value) if isinstance(value, str) else None
        return str(named) if named is not None else word(value)

    pairs = []
    for key, value in sorted(data.items()):
        if key in PERSON_KEYS:
            names = [person(item) for item in (value if isinstance(value, list) else [value]) if item is not None]
            if names:  # an import that updated nobody says nothing rather than "Updated people:"
                pairs.append((str(PERSON_KEYS[key]), ", ".join(names)))
            continue
        pairs.append((label(key), text(key, value)))
    return pairs


def label(key: str) -> str:
    """A detail's key in words (an analysis figure's own label where the key is one)."""
    from community.labels import figure_label

    named = DATA_KEYS.get(key)
    return str(named) if named is not None else figure_label(key)
