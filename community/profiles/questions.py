"""The ask loop: a question to a topic contact, the answers in its thread, and the asker's verdict.

Only the two people of a question see it: for anyone else (administrators too) it answers
exactly like a question that does not exist. The contact's first answer makes it `answered`;
the asker resolves it as helpful or not (`resolved`). Answer rate and helpfulness per contact
feed the topic-contact ranking (community.profiles.contacts).

Services take the acting person first, flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NoReturn

from flask import current_app, has_request_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select

from community.accounts.models import User
from community.database import utcnow
from community.errors import (
    ConflictError,
    DomainError,
    NotFoundError,
    PermissionDenied,
    ValidationFailed,
)
from community.expertise.services import get_tag
from community.extensions import db
from community.notifications.services import notify, register_kind
from community.pagination import Page, paginate
from community.profiles.models import Answer, PersonTag, Question

QUESTION_MAX = 1_000
ANSWER_MAX = 5_000
QUESTIONS_PER_DAY = 5
BOXES = ("asked", "received")
SNIPPET = 200
# Answer rate and helpfulness are read over this window.
STATS_WINDOW = timedelta(days=365)

register_kind("topic_question", _l("%(actor)s asks you about %(topic)s: “%(message)s”"))
register_kind("question_answered", _l("%(actor)s answered your question about %(topic)s"))
register_kind("question_followup", _l("%(actor)s wrote again about the question on %(topic)s"))
register_kind("question_helpful", _l("%(actor)s found your answer about %(topic)s helpful"))
register_kind("question_closed", _l("%(actor)s closed the question about %(topic)s"))


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationFailed(message, {field: [message]})


def _snippet(text: str) -> str:
    return text[:SNIPPET] + ("…" if len(text) > SNIPPET else "")


def question_path(question_id: int) -> str:
    """The question's page, also outside a request (background work, tests)."""
    if has_request_context():
        return url_for("questions.show", question_id=question_id)
    return current_app.url_map.bind("localhost").build("questions.show", {"question_id": question_id})


# Asking -----------------------------------------------------------------------------------------

def ask(actor: User, person_id: int, slug: str, body: str | None) -> Question:
    """Ask a person listed for a topic; at most QUESTIONS_PER_DAY a day. The contact is told,
    with a link to the question."""
    tag = get_tag(slug)
    person = db.session.get(User, person_id)
    if person is None or not (person.active and person.directory_visible):
        raise NotFoundError(_("No such person."))
    if person.id == actor.id:
        _refuse("message", _("You cannot ask yourself."))
    holds = db.session.scalar(select(PersonTag.level).where(PersonTag.user_id == person.id, PersonTag.tag_id == tag.id))
    if holds is None:
        raise NotFoundError(_("%(name)s is not listed for this topic.", name=person.name))
    body = (body or "").strip()
    if not body:
        _refuse("message", _("Write a short question."))
    if len(body) > QUESTION_MAX:
        _refuse("message", _("At most %(n)d characters.", n=QUESTION_MAX))
    same = _same_open_question(actor.id, person.id, tag.id, body)
    if same is not None:  # sent again (Back and Send, a second click): the first one stands
        same.repeated = True  # type: ignore[attr-defined]
        return same
    asked_today = db.session.execute(
        select(func.count()).select_from(Question).where(
            Question.asker_id == actor.id, Question.created_at >= utcnow() - timedelta(days=1)
        )
    ).scalar_one()
    if asked_today >= QUESTIONS_PER_DAY:
        message_text = _("You have asked %(n)d questions in the last 24 hours; please wait before asking more.", n=asked_today)
        raise RateLimited(message_text, {"message": [message_text]})
    now = utcnow()
    question = Question(asker_id=actor.id, contact_id=person.id, tag_id=tag.id, body=body, status="open",
                        created_at=now, updated_at=now)
    db.session.add(question)
    db.session.flush()
    notify(person.id, "topic_question", actor=actor, link=question_path(question.id), topic=tag,
           message=_snippet(body))
    return question


def _same_open_question(asker_id: int, contact_id: int, tag_id: int, body: str) -> Question | None:
    """The asker's open question to this person on this topic with the same words (spacing and
    case aside) from the last day, if any."""
    words = " ".join(body.split()).casefold()
    recent = db.session.scalars(select(Question).where(
        Question.asker_id == asker_id, Question.contact_id == contact_id, Question.tag_id == tag_id,
        Question.status == "open", Question.created_at >= utcnow() - timedelta(days=1)))
    return next((q for q in recent if " ".join(q.body.split()).casefold() == words), None)


# Reading ----------------------------------------------------------------------------------------

def get_question(viewer: User, question_id: int) -> Question:
    """The question, for its asker or contact only; everyone else gets the one 404."""
    question = db.session.get(Question, question_id)
    if question is None or not question.involves(getattr(viewer, "id", None)):
        raise NotFoundError(_("No such question."))
    return question


def mark_question_read(viewer: User, question: Question) -> int:
    """Opening a question marks the viewer's notifications about it read, as a thread does."""
    from community.notifications.services import mark_read_about

    return mark_read_about(viewer, question_path(question.id))


def questions_for(viewer: User, box: str, *, page: int, per_page: int, status: str | None = None) -> Page:
    """The viewer's questions: `asked` by them or `received` as a contact, newest activity first."""
    if box not in BOXES:
        _refuse("box", _("Choose asked or received."))
    mine = Question.asker_id == viewer.id if box == "asked" else Question.contact_id == viewer.id
    stmt = select(Question).where(mine)
    if status:
        stmt = stmt.where(Question.status == status)
    return paginate(stmt.order_by(Question.updated_at.desc(), Question.id.desc()), page=page, per_page=per_page)


def box_counts(viewer: User) -> dict[str, int]:
    """Questions waiting for the viewer: received and not answered yet; asked and answered but not resolved."""
    waiting = db.session.execute(
        select(
            func.count(case((and_(Question.contact_id == viewer.id, Question.status == "open"), 1))),
            func.count(case((and_(Question.asker_id == viewer.id, Question.status == "answered"), 1))),
        ).where(or_(Question.asker_id == viewer.id, Question.contact_id == viewer.id))
    ).one()
    return {"received": int(waiting[0] or 0), "asked": int(waiting[1] or 0)}


# Answering and resolving ------------------------------------------------------------------------

def answer(actor: User, question: Question, body: str | None) -> Answer:
    """An answer by the contact, or a follow-up by the asker; the other one is told."""
    if not question.involves(actor.id):
        raise NotFoundError(_("No such question."))
    if question.status == "resolved":
        raise ConflictError(_("This question is resolved; ask a new one if you need more."))
    body = (body or "").strip()
    if not body:
        _refuse("body", _("Write an answer."))
    if len(body) > ANSWER_MAX:
        _refuse("body", _("At most %(n)d characters.", n=ANSWER_MAX))
    now = utcnow()
    reply = Answer(question_id=question.id, author_id=actor.id, body=body, created_at=now)
    db.session.add(reply)
    question.updated_at = now
    if actor.id == question.contact_id:
        if question.answered_at is None:
            question.answered_at = now
        question.status = "answered"
        notify(question.asker_id, "question_answered", actor=actor, link=question_path(question.id), topic=question.tag)
    else:
        notify(question.contact_id, "question_followup", actor=actor, link=question_path(question.id), topic=question.tag)
    db.session.flush()
    db.session.refresh(question, ["answers"])
    return reply


def resolve(actor: User, question: Question, helpful: bool | None) -> Question:
    """The asker says whether the answers helped, or (None) closes the question without rating
    it; the question is then resolved. Only answers can be rated: an unanswered question can
    only be closed, and counts for the contact's ranking as received, not answered, not rated."""
    if not question.involves(actor.id):
        raise NotFoundError(_("No such question."))
    if actor.id != question.asker_id:
        raise PermissionDenied(_("Only the person who asked can resolve the question."))
    if question.status == "resolved":
        raise ConflictError(_("This question is resolved already."))
    if helpful is not None and question.answered_at is None:
        raise ConflictError(_("There is no answer to rate yet; you can close the question without rating it."))
    now = utcnow()
    question.status, question.helpful, question.resolved_at, question.updated_at = "resolved", helpful, now, now
    kind = "question_helpful" if helpful else "question_closed"
    notify(question.contact_id, kind, actor=actor, link=question_path(question.id), topic=question.tag)
    db.session.flush()
    return question


# Figures for the contact ranking -----------------------------------------------------------------

@dataclass
class AnswerStats:
    received: int = 0
    answered: int = 0
    rated: int = 0
    helpful: int = 0

    @property
    def rate(self) -> float | None:
        return self.answered / self.received if self.received else None


def answer_stats(person_ids: Any, *, now: datetime | None = None) -> dict[int, AnswerStats]:
    """Per contact, over STATS_WINDOW: questions received, answered, rated by the asker, found helpful.
    `person_ids` may be a list or a subquery."""
    since = (now or utcnow()) - STATS_WINDOW
    stmt = (
        select(
            Question.contact_id,
            func.count(),
            func.count(Question.answered_at),
            func.count(Question.helpful),
            func.count(case((Question.helpful.is_(True), 1))),
        )
        .where(Question.contact_id.in_(person_ids), Question.created_at >= since)
        .group_by(Question.contact_id)
    )
    return {row[0]: AnswerStats(int(row[1]), int(row[2]), int(row[3]), int(row[4])) for row in db.session.execute(stmt)}
