"""Mentor suggestions for an executive: topic fit, free capacity, language, diversity, in words.

A constant number of queries whatever the size of the pool: mentors with their load, their
levels on the wanted topics, and the executive's earlier mentors are each read once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from community.accounts.models import User, UserLanguage, UserRole
from community.errors import NotFoundError, PermissionDenied
from community.expertise.models import Tag
from community.expertise.services import resolve_tags
from community.extensions import db
from community.i18n import language_names
from community.mentoring.models import OPEN_STATUSES, Mentorship, MentorshipGoal
from community.profiles.models import PersonTag
from community.profiles.naming import nameable_ids

LEVEL_WEIGHT = {"expert": 1.0, "practitioner": 0.7, "interested": 0.15}
WEIGHTS = {"fit": 0.55, "free": 0.2, "language": 0.1, "department": 0.1, "new": 0.05}
BUSY_SHARE = 0.75  # at or above this share of capacity a mentor counts as busy
MENTORED_STATUSES = frozenset({"active", "completed"})  # mentorships that took place


@dataclass
class Suggestion:
    person_id: int
    score: float
    reasons: list[str] = field(default_factory=list)
    free_places: int = 0
    topics: list[tuple[Tag, str]] = field(default_factory=list)
    person: User | None = None
    facts: dict = field(default_factory=dict)


def known_well(suggestion: Suggestion) -> int:
    """How many of the goals the mentor knows as practitioner or expert."""
    return sum(1 for _tag, level in suggestion.topics if level in ("expert", "practitioner"))


def can_see_suggestions(actor: User, executive_id: int) -> bool:
    return actor.id == executive_id or actor.has_role("change_manager")


def own_executive(actor: User) -> User | None:
    """Whose suggestions a page without a chosen executive shows: the executive's own, or
    None for a change manager (who picks an executive first); anyone else is refused."""
    if actor.has_role("executive"):
        return actor
    if actor.has_role("change_manager"):
        return None
    raise PermissionDenied(_("You are not allowed to do this."))


def executive_choices(actor: User) -> list[Any]:
    """(id, name, department) of the executives a change manager may pick (nobody else picks)."""
    from community.mentoring import queries

    return queries.executives() if actor.has_role("change_manager") else []


def get_executive(actor: User, executive_id: int) -> User:
    """The executive whose suggestions the actor asks for. Anyone but that executive and change
    managers gets the 404 of a missing id for every id, so no answer tells whether an id names
    an executive, or one hidden from the directory."""
    if not can_see_suggestions(actor, executive_id):
        raise NotFoundError(_("No such executive."))
    executive = db.session.get(User, executive_id)
    if executive is None or not executive.active or not executive.has_role("executive"):
        raise NotFoundError(_("No such executive."))
    return executive


def goals_for(executive: User, goals=None) -> list[Tag]:
    """Goals given, else those of an open request, else the topics the executive is interested in."""
    if goals:
        return resolve_tags(goals, field="goals")
    open_goals = db.session.scalars(
        select(Tag)
        .join(MentorshipGoal, MentorshipGoal.tag_id == Tag.id)
        .join(Mentorship, Mentorship.id == MentorshipGoal.mentorship_id)
        .where(Mentorship.executive_id == executive.id, Mentorship.status.in_(OPEN_STATUSES))
        .order_by(Mentorship.status.desc(), Mentorship.requested_at.desc(), Tag.name)
    ).unique().all()
    if open_goals:
        return list(dict.fromkeys(open_goals))
    own = db.session.execute(
        select(Tag, PersonTag.level).join(PersonTag, PersonTag.tag_id == Tag.id)
        .where(PersonTag.user_id == executive.id).order_by(Tag.name)
    ).all()
    interested = [tag for tag, level in own if level == "interested"]
    return interested or [tag for tag, _level in own]


def suggest_mentors(actor: User, executive: User, goals=None, limit: int = 10) -> list[Suggestion]:
    if not can_see_suggestions(actor, executive.id):
        raise PermissionDenied(_("Only the executive and change managers see mentor suggestions."))
    wanted = goals_for(executive, goals)
    wanted_ids = [tag.id for tag in wanted]
    tags_by_id = {tag.id: tag for tag in wanted}

    load = (
        select(Mentorship.mentor_id, func.count().label("n"))
        .where(Mentorship.status.in_(OPEN_STATUSES))
        .group_by(Mentorship.mentor_id)
        .subquery()
    )
    is_mentor = (UserRole.user_id == User.id) & (UserRole.role == "mentor")
    rows = db.session.execute(
        select(User.id, User.department, User.capacity, func.coalesce(load.c.n, 0), User.active, User.directory_visible)
        .join(UserRole, is_mentor)
        .outerjoin(load, load.c.mentor_id == User.id)
        .where(User.active.is_(True), User.mentoring_paused.is_(False), User.id != executive.id)
        .order_by(User.id)
    ).all()
    nameable = nameable_ids(actor, rows)  # a mentor hidden from the directory is not suggested
    rows = [row for row in rows if row.id in nameable]
    if not rows:
        return []

    levels, spoken, history = _mentor_facts(executive, wanted_ids)

    from community.mentoring.queries import recent_declines

    declines = recent_declines(executive.id)
    # The executive is not offered a mentor who just declined them; a change manager sees them, marked.
    skip_declined = actor.id == executive.id and not actor.has_role("change_manager")
    languages = set(executive.languages)
    ranked = []
    for mentor_id, department, capacity, taken, _active, _visible in rows:
        past = history.get(mentor_id, set())
        if past & set(OPEN_STATUSES):
            continue  # already asked or working together
        if skip_declined and mentor_id in declines:
            continue
        capacity = max(0, capacity or 0)
        free = capacity - taken
        if free <= 0:
            continue  # a suggestion nobody can act on
        # Only a mentorship that took place makes them known to each other; a request declined or
        # withdrawn does not.
        mentored = bool(past & MENTORED_STATUSES)
        suggestion = _score(mentor_id, department, spoken.get(mentor_id, set()), taken, capacity, free, wanted,
                            levels.get(mentor_id, {}), tags_by_id, languages, executive, mentored)
        suggestion.facts["declined_on"] = declines.get(mentor_id)
        ranked.append(suggestion)
    # Whoever knows more of the goals as practitioner or expert comes first (free places and a
    # shared language put someone merely interested in Teams above a LinkedIn practitioner);
    # the score orders those who know as many.
    ranked.sort(key=lambda s: (-known_well(s), -s.score, s.person_id))
    ranked = ranked[:limit]
    people = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([s.person_id for s in ranked])))}
    for suggestion in ranked:
        suggestion.person = people[suggestion.person_id]
        suggestion.reasons = _explain(suggestion, executive, to_executive=actor.id == executive.id)
    return ranked


def _mentor_facts(executive: User, wanted_ids: list[int]) -> tuple[dict[int, dict[int, str]], dict[int, set[str]],
                                                                     dict[int, set[str]]]:
    """Per mentor: their levels in the wanted topics, the languages they speak, and the statuses
    of their mentorships with this executive."""
    levels: dict[int, dict[int, str]] = {}
    if wanted_ids:
        for user_id, tag_id, level in db.session.execute(
            select(PersonTag.user_id, PersonTag.tag_id, PersonTag.level)
            .join(UserRole, (UserRole.user_id == PersonTag.user_id) & (UserRole.role == "mentor"))
            .where(PersonTag.tag_id.in_(wanted_ids))
        ):
            levels.setdefault(user_id, {})[tag_id] = level

    spoken: dict[int, set[str]] = {}
    for user_id, code in db.session.execute(
        select(UserLanguage.user_id, UserLanguage.code)
        .join(UserRole, (UserRole.user_id == UserLanguage.user_id) & (UserRole.role == "mentor"))
    ):
        spoken.setdefault(user_id, set()).add(code)

    history: dict[int, set[str]] = {}
    for mentor_id, status in db.session.execute(
        select(Mentorship.mentor_id, Mentorship.status).where(Mentorship.executive_id == executive.id)
    ):
        history.setdefault(mentor_id, set()).add(status)
    return levels, spoken, history


def _score(mentor_id, department, mentor_languages, taken, capacity, free, wanted, levels, tags_by_id, languages,
           executive: User, mentored: bool) -> Suggestion:
    """Numbers only; the words are written for the shown few (see `_explain`)."""
    topics = [(tags_by_id[tag_id], level) for tag_id, level in levels.items()]
    fit = sum(LEVEL_WEIGHT.get(level, 0) for level in levels.values()) / len(wanted) if wanted else 0.0
    busy = (taken / capacity if capacity else 1.0) >= BUSY_SHARE
    shared = sorted(languages & mentor_languages)
    if department and executive.department:
        department_score = 1.0 if department != executive.department else 0.0
    else:
        department_score = 0.5
    score = (
        WEIGHTS["fit"] * min(fit, 1.0)
        + WEIGHTS["free"] * (free / capacity if capacity else 0) * (0.5 if busy else 1.0)
        + WEIGHTS["language"] * (1.0 if shared else 0.0)
        + WEIGHTS["department"] * department_score
        + WEIGHTS["new"] * (0.0 if mentored else 1.0)
    )
    return Suggestion(person_id=mentor_id, score=round(score, 3), free_places=free, topics=topics,
                      facts={"department": department, "capacity": capacity, "busy": busy, "shared": shared,
                             "wanted": len(wanted), "past": mentored, "asked_languages": bool(languages)})


def _explain(suggestion: Suggestion, executive: User, *, to_executive: bool = True) -> list[str]:
    """The reasons in words, to the executive ("a new contact for you") or, for a change manager
    looking on their behalf, about them ("a new contact for Eva Example")."""
    facts = suggestion.facts
    suggestion.topics.sort(key=lambda pair: (-LEVEL_WEIGHT[pair[1]], pair[0].display_name))
    reasons = [
        _topics_reason(suggestion),
        ngettext("%(free)d of %(num)d place free", "%(free)d of %(num)d places free", int(facts["capacity"]),
                 free=suggestion.free_places),
        _("already quite busy") if facts["busy"] else None,
        _language_reason(facts, executive, to_executive),
        _department_reason(facts, executive, to_executive),
        _history_reason(facts, executive, to_executive),
        _("declined a request from %(name)s on %(date)s", name=executive.name, date=format_date(facts["declined_on"]))
        if facts.get("declined_on") else None,
    ]
    return [reason for reason in reasons if reason]


def _topics_reason(suggestion: Suggestion) -> str | None:
    """Which of the goals the mentor knows (practitioner or expert), or is learning too. The
    topics come after a colon: German would otherwise need them declined ("mit Digitalem …")."""
    wanted = int(suggestion.facts["wanted"])
    strong = [tag.display_name for tag, level in suggestion.topics if level in ("expert", "practitioner")]
    if strong:
        if wanted > 1 and len(strong) == wanted:
            return _("covers all %(num)d goals: %(topics)s", num=wanted, topics=", ".join(strong))
        return ngettext("covers the goal: %(topics)s", "covers %(n)d of the %(num)d goals: %(topics)s", wanted,
                        topics=", ".join(strong), n=len(strong))
    if suggestion.topics:
        return ngettext("is learning this topic too: %(topics)s", "is learning these topics too: %(topics)s",
                        len(suggestion.topics), topics=", ".join(tag.display_name for tag, _level in suggestion.topics))
    return _("no listed expertise on the goals") if wanted else None


def _language_reason(facts: dict, executive: User, to_executive: bool) -> str | None:
    if facts["shared"]:
        languages = language_names(facts["shared"])
        return _("speaks %(languages)s, as you do", languages=languages) if to_executive else \
            _("speaks %(languages)s, as %(name)s does", languages=languages, name=executive.name)
    if facts["asked_languages"]:
        return _("lists no language you speak") if to_executive else \
            _("lists no language %(name)s speaks", name=executive.name)
    return None


def _department_reason(facts: dict, executive: User, to_executive: bool) -> str | None:
    department = facts["department"]
    if not department or not executive.department:
        return None
    if department != executive.department:
        return _("a view from another department: %(department)s", department=department)
    return _("works in your department") if to_executive else \
        _("works in the same department as %(name)s", name=executive.name)


def _history_reason(facts: dict, executive: User, to_executive: bool) -> str:
    if facts["past"]:
        return _("has mentored you before") if to_executive else _("has mentored %(name)s before", name=executive.name)
    return _("would be a new contact for you") if to_executive else \
        _("would be a new contact for %(name)s", name=executive.name)
