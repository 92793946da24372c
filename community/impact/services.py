"""Changes to surveys: prepare, open, close, edit questions, answer (once, anonymously).

Services take the acting person first and check what that person may see (404) and do (403);
they flush and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn, SupportsIndex, SupportsInt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community.accounts.models import User
from community.audit import services as audit
from community.database import utcnow
from community.errors import ConflictError, NotFoundError, PermissionDenied, ValidationFailed
from community.expertise.models import Tag
from community.extensions import db
from community.impact.dimensions import DEFAULT_ITEMS, DIMENSIONS
from community.impact.models import (
    SURVEY_KINDS,
    Survey,
    SurveyAnswerSet,
    SurveyItem,
    SurveyLevel,
    SurveyParticipation,
    SurveyRating,
)
from community.mentoring.models import Cohort, Mentorship, MentorshipGoal
from community.mentoring.services import path_for
from community.notifications.services import notify_many, register_kind

ITEM_TEXT_MAX = 300
COMMENT_MAX = 2_000
# Who takes part in a run: the two sides of its accepted mentorships.
TAKING_PART = ("active", "completed")

register_kind("survey_open_start", _l("The start survey of %(run)s is open: please tell us what matters to you"))
register_kind("survey_open_end", _l("The end survey of %(run)s is open: please tell us what the programme gave you"))


def require_change_manager(actor: User) -> None:
    if not actor.has_role("change_manager"):
        raise PermissionDenied(_("Only change managers run the programme's surveys and reports."))


def _whole(value: object, default: int) -> int:
    """`int(value)`, or `default` where int() refuses the value (missing, not a number)."""
    if not isinstance(value, str | bytes | bytearray | SupportsInt | SupportsIndex):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, {field: [message]})


# Change managers -----------------------------------------------------------------------

def get_run(actor: User, cohort_id: int) -> Cohort:
    require_change_manager(actor)
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFoundError(_("No such programme run."))
    return cohort


def get_survey(actor: User, survey_id: int) -> Survey:
    """A survey for the change managers who run it."""
    require_change_manager(actor)
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(_("No such survey."))
    return survey


def create_survey(actor: User, cohort: Cohort, kind: str) -> Survey:
    """A start or end survey in preparation, with the default questions for both sides."""
    require_change_manager(actor)
    if kind not in SURVEY_KINDS:
        _refuse("kind", _("Choose the start or the end survey."))
    existing = db.session.scalar(select(Survey).where(Survey.cohort_id == cohort.id, Survey.kind == kind))
    if existing is not None:
        return existing
    survey = Survey(cohort_id=cohort.id, kind=kind, status="draft", created_at=utcnow())
    items = []
    for side, dimensions in DIMENSIONS.items():
        for position, dimension in enumerate(dimensions):
            text_en, text_de = DEFAULT_ITEMS[kind][(side, dimension)]
            items.append(SurveyItem(side=side, dimension=dimension, text_en=text_en, text_de=text_de, position=position))
    survey.items = items
    try:
        with db.session.begin_nested():
            db.session.add(survey)
            db.session.flush()
    except IntegrityError:  # prepared at the same moment by someone else
        prepared = db.session.scalar(select(Survey).where(Survey.cohort_id == cohort.id, Survey.kind == kind))
        if prepared is None:
            raise
        return prepared
    audit.record("survey.created", actor=actor, subject_type="survey", subject_id=survey.id,
                 data={"cohort_id": cohort.id, "kind": kind})
    return survey


def participants(cohort_id: int) -> dict[int, str]:
    """Person id -> side, for everyone taking part in a run (an executive of the run answers as executive)."""
    sides: dict[int, str] = {}
    for mentor_id, executive_id in db.session.execute(
        select(Mentorship.mentor_id, Mentorship.executive_id)
        .where(Mentorship.cohort_id == cohort_id, Mentorship.status.in_(TAKING_PART))
    ):
        sides.setdefault(mentor_id, "mentor")
        sides[executive_id] = "executive"
    return sides


def open_survey(actor: User, survey: Survey) -> Survey:
    """Open (or reopen) a survey; everyone taking part who has not answered is told."""
    require_change_manager(actor)
    if survey.status == "open":
        raise ConflictError(_("This survey is open already."))
    survey.status = "open"
    survey.opened_at = utcnow()
    survey.closed_at = None
    db.session.flush()
    answered = set(db.session.scalars(select(SurveyParticipation.user_id).where(SurveyParticipation.survey_id == survey.id)))
    waiting = sorted(set(participants(survey.cohort_id)) - answered)
    notify_many(waiting, f"survey_open_{survey.kind}", actor=actor, link=path_for("impact.answer", survey_id=survey.id),
                run=survey.cohort.name)
    audit.record("survey.opened", actor=actor, subject_type="survey", subject_id=survey.id,
                 data={"cohort_id": survey.cohort_id, "kind": survey.kind, "told": len(waiting)})
    return survey


def close_survey(actor: User, survey: Survey) -> Survey:
    require_change_manager(actor)
    if survey.status != "open":
        raise ConflictError(_("Only an open survey can be closed."))
    survey.status = "closed"
    survey.closed_at = utcnow()
    db.session.flush()
    audit.record("survey.closed", actor=actor, subject_type="survey", subject_id=survey.id,
                 data={"cohort_id": survey.cohort_id, "kind": survey.kind})
    return survey


def answer_count(survey: Survey) -> int:
    return len(db.session.scalars(select(SurveyAnswerSet.id).where(SurveyAnswerSet.survey_id == survey.id)).all())


def update_items(actor: User, survey: Survey, texts: Mapping[int, tuple[str | None, str | None]]) -> Survey:
    """New English and German wording of the questions, until the first answer arrives
    (afterwards answers to different wordings would be mixed in one figure)."""
    require_change_manager(actor)
    if answer_count(survey):
        raise ConflictError(_("Somebody has answered this survey already; its questions can no longer change."))
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for item in survey.items:
        english, german = texts.get(item.id, (item.text_en, item.text_de))
        english, german = " ".join((english or "").split()), " ".join((german or "").split())
        for name, value in ((f"item_{item.id}_en", english), (f"item_{item.id}_de", german)):
            if not value:
                errors[name] = [_("Write the question in both languages.")]
            elif len(value) > ITEM_TEXT_MAX:
                errors[name] = [_("At most %(n)d characters.", n=ITEM_TEXT_MAX)]
        cleaned[item.id] = (english, german)
    if errors:
        raise ValidationFailed(_("Please correct the questions marked below."), errors)
    changed = 0
    for item in survey.items:
        english, german = cleaned[item.id]
        if (english, german) != (item.text_en, item.text_de):
            item.text_en, item.text_de = english, german
            changed += 1
    db.session.flush()
    if changed:
        audit.record("survey.items_edited", actor=actor, subject_type="survey", subject_id=survey.id, data={"changed": changed})
    return survey


# Participants --------------------------------------------------------------------------

def participants_of(user: User, cohort_id: int) -> str | None:
    """The side a person answers a run's surveys on, or None when the person does not take part."""
    rows = db.session.execute(
        select(Mentorship.mentor_id, Mentorship.executive_id)
        .where(Mentorship.cohort_id == cohort_id, Mentorship.status.in_(TAKING_PART),
               (Mentorship.mentor_id == user.id) | (Mentorship.executive_id == user.id))
    ).all()
    if not rows:
        return None
    return "executive" if any(executive_id == user.id for _m, executive_id in rows) else "mentor"


@dataclass
class SurveyForPerson:
    survey: Survey
    side: str
    answered: bool
    items: list[SurveyItem]
    topics: list[Tag]


def survey_for(user: User, survey_id: int) -> SurveyForPerson:
    """A survey as one participant sees it. Surveys in preparation, and surveys of runs the
    person does not take part in, do not exist for them (404)."""
    survey = db.session.get(Survey, survey_id)
    side = participants_of(user, survey.cohort_id) if survey is not None else None
    if survey is None or side is None or survey.status == "draft":
        raise NotFoundError(_("No such survey."))
    answered = db.session.get(SurveyParticipation, (survey.id, user.id)) is not None
    items = [item for item in survey.items if item.side == side]
    return SurveyForPerson(survey=survey, side=side, answered=answered, items=items,
                           topics=goal_topics(user, survey.cohort_id) if side == "executive" else [])


def goal_topics(user: User, cohort_id: int) -> list[Tag]:
    """The learning goals of an executive's mentorships in a run: the topics of the self-assessment."""
    tags = db.session.scalars(
        select(Tag).join(MentorshipGoal, MentorshipGoal.tag_id == Tag.id)
        .join(Mentorship, Mentorship.id == MentorshipGoal.mentorship_id)
        .where(Mentorship.cohort_id == cohort_id, Mentorship.executive_id == user.id,
               Mentorship.status.in_(TAKING_PART))
    ).unique().all()
    return sorted(set(tags), key=lambda tag: (tag.display_name.lower(), tag.id))


def submit_answers(actor: User, survey_id: int, *, ratings: Mapping[int, object],
                   comments: Mapping[int, str | None] | None = None, shared: Mapping[int, bool] | None = None,
                   levels: Mapping[int, object] | None = None) -> SurveyAnswerSet:
    """Store one participant's answers once. The participation row (who) and the answer set
    (what) are written apart; a second answer, also one sent at the same moment, is refused."""
    view = survey_for(actor, survey_id)
    survey = view.survey
    if survey.status != "open":
        raise ConflictError(_("This survey is closed."))
    if view.answered:
        raise ConflictError(_("You have answered this survey already. Thank you!"))
    comments, shared, levels = comments or {}, shared or {}, levels or {}
    errors: dict[str, list[str]] = {}
    rows = []
    for item in view.items:
        rating = _whole(ratings.get(item.id), 0)
        if not 1 <= rating <= 5:
            errors[f"item_{item.id}"] = [_("Choose a value from 1 to 5.")]
            continue
        comment = " ".join((comments.get(item.id) or "").split()) or None
        if comment and len(comment) > COMMENT_MAX:
            errors[f"comment_{item.id}"] = [_("At most %(n)d characters.", n=COMMENT_MAX)]
            continue
        rows.append(SurveyRating(item_id=item.id, rating=rating, comment=comment,
                                 comment_shared=bool(comment and shared.get(item.id))))
    level_rows = []
    for tag in view.topics:
        level = _whole(levels.get(tag.id), -1)
        if not 0 <= level <= 4:
            errors[f"level_{tag.id}"] = [_("Choose your level from 0 to 4.")]
            continue
        level_rows.append(SurveyLevel(tag_id=tag.id, level=level))
    if errors:
        raise ValidationFailed(_("Please answer every question marked below."), errors)
    today = utcnow().date()
    try:
        with db.session.begin_nested():
            db.session.add(SurveyParticipation(survey_id=survey.id, user_id=actor.id, side=view.side, answered_on=today))
            db.session.flush()
    except IntegrityError:
        raise ConflictError(_("You have answered this survey already. Thank you!")) from None
    answer_set = SurveyAnswerSet(survey_id=survey.id, side=view.side, answered_on=today)
    answer_set.ratings = rows
    answer_set.levels = level_rows
    db.session.add(answer_set)
    db.session.flush()
    return answer_set


def open_surveys_for(user: User) -> list[Survey]:
    """Open surveys of the runs a person takes part in that the person has not answered: home-page tasks."""
    runs = select(Mentorship.cohort_id).where(
        Mentorship.status.in_(TAKING_PART), (Mentorship.mentor_id == user.id) | (Mentorship.executive_id == user.id)
    )
    answered = select(SurveyParticipation.survey_id).where(SurveyParticipation.user_id == user.id)
    return list(db.session.scalars(
        select(Survey).where(Survey.status == "open", Survey.cohort_id.in_(runs), Survey.id.not_in(answered))
        .order_by(Survey.opened_at, Survey.id)
    ).unique())
