"""Demo surveys: both runs answered, so `make run` shows a filled report.

The closed run has its start and end survey closed; the running run has its start survey
closed and its end survey open (participants who have not answered see it on their home
page). Goal progress is marked on every started mentorship.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update

from community.demo_support import DemoContext, reset_sequence
from community.extensions import db
from community.impact.dimensions import DEFAULT_ITEMS, DIMENSIONS
from community.impact.models import (
    Survey,
    SurveyAnswerSet,
    SurveyItem,
    SurveyLevel,
    SurveyParticipation,
    SurveyRating,
)
from community.mentoring.models import Cohort, Mentorship, MentorshipGoal

# How strongly each incentive tends to come true (end survey) and to matter (start survey).
TYPICAL = {"content": 4.4, "timing": 4.0, "one_to_one": 4.5, "try_out": 3.8, "time_invested": 3.6, "perspective": 4.2,
           "competence": 4.1, "roles": 3.9, "network": 3.4}
COMMENTS = {
    "content": ["We followed my own questions instead of a slide deck.", "Genau auf meine Themen zugeschnitten."],
    "timing": ["Moving dates was never a problem.", "Termine ließen sich gut ins Tagesgeschäft einbauen."],
    "one_to_one": ["I asked things I would never ask in a seminar.", "Im 1:1 traut man sich mehr."],
    "try_out": ["I would have liked more time to try things between sessions.", "Selbst ausprobieren hat am meisten gebracht."],
    "time_invested": ["Well spent, though follow-up time is short.", "Mehr Zeit zum Nachbereiten wäre schön."],
    "perspective": ["Seeing how my mentor works with chat changed my view.", "Ein echter Perspektivenwechsel."],
    "competence": ["Preparing made me learn our intranet properly.", "Ich kenne jetzt unsere Digitalisierungsprojekte."],
    "roles": ["I understand better how executives decide.", "Spannend, wie eine Führungskraft Prioritäten setzt."],
    "network": ["Met great people in the mentor community.", "Mein Netzwerk ist deutlich gewachsen."],
}


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _rating(rng: random.Random, typical: float) -> int:
    return max(1, min(5, round(rng.gauss(typical, 0.8))))


@dataclass
class _Rows:
    """The rows to insert, and the next free ids."""

    survey_id: int
    item_id: int
    set_id: int
    surveys: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    participations: list[dict[str, Any]] = field(default_factory=list)
    answer_sets: list[dict[str, Any]] = field(default_factory=list)
    ratings: list[dict[str, Any]] = field(default_factory=list)
    levels: list[dict[str, Any]] = field(default_factory=list)
    answered: int = 0


@dataclass
class _Run:
    """Who takes part in one run: side by person, goal topics by executive, and the levels
    executives gave themselves in the start survey (by executive and topic)."""

    cohort: Cohort
    people: dict[int, str]
    goals_of: dict[int, set[int]]
    before: dict[tuple[int, int], int] = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return self.cohort.status == "closed"


def _run(cohort: Cohort) -> _Run:
    people: dict[int, str] = {}
    goals_of: dict[int, set[int]] = defaultdict(set)
    for mentor_id, executive_id in db.session.execute(
        select(Mentorship.mentor_id, Mentorship.executive_id)
        .where(Mentorship.cohort_id == cohort.id, Mentorship.status.in_(("active", "completed")))
    ):
        people.setdefault(mentor_id, "mentor")
        people[executive_id] = "executive"
    for executive_id, tag_id in db.session.execute(
        select(Mentorship.executive_id, MentorshipGoal.tag_id)
        .join(Mentorship, Mentorship.id == MentorshipGoal.mentorship_id)
        .where(Mentorship.cohort_id == cohort.id, Mentorship.status.in_(("active", "completed")))
    ):
        goals_of[executive_id].add(tag_id)
    return _Run(cohort=cohort, people=people, goals_of=goals_of)


def _opened(now: datetime, closed: bool, kind: str) -> datetime:
    return now - timedelta(days=(600 if closed else 140) - (0 if kind == "start" else 330 if closed else 120))


def _add_items(rows: _Rows, kind: str) -> dict[tuple[str, str], int]:
    """The survey's items; returns the item id by side and dimension."""
    item_of: dict[tuple[str, str], int] = {}
    for side, dimensions in DIMENSIONS.items():
        for position, dimension in enumerate(dimensions):
            text_en, text_de = DEFAULT_ITEMS[kind][(side, dimension)]
            rows.items.append({"id": rows.item_id, "survey_id": rows.survey_id, "side": side, "dimension": dimension,
                               "text_en": text_en, "text_de": text_de, "position": position})
            item_of[(side, dimension)] = rows.item_id
            rows.item_id += 1
    return item_of


def _add_ratings(rng: random.Random, rows: _Rows, kind: str, side: str, item_of: dict[tuple[str, str], int]) -> None:
    for dimension in DIMENSIONS[side]:
        typical = TYPICAL[dimension] + (0.3 if kind == "start" else 0.0)
        comment = rng.choice(COMMENTS[dimension]) if rng.random() < 0.12 else None
        rows.ratings.append({"answer_set_id": rows.set_id, "item_id": item_of[(side, dimension)],
                             "rating": _rating(rng, typical), "comment": comment,
                             "comment_shared": bool(comment) and rng.random() < 0.6})


def _goal_level(rng: random.Random, run: _Run, kind: str, key: tuple[int, int]) -> int:
    """An executive's level in a goal topic: before (start), or grown since then (end)."""
    if kind == "start":
        level = max(0, min(3, round(rng.gauss(1.1, 0.9))))
        run.before[key] = level
        return level
    start = run.before.get(key, max(0, min(3, round(rng.gauss(1.1, 0.9)))))
    return max(0, min(4, start + rng.choice((0, 1, 1, 1, 2, 2))))


def _add_levels(rng: random.Random, rows: _Rows, run: _Run, kind: str, person_id: int) -> None:
    for tag_id in sorted(run.goals_of.get(person_id, ())):
        level = _goal_level(rng, run, kind, (person_id, tag_id))
        rows.levels.append({"answer_set_id": rows.set_id, "tag_id": tag_id, "level": level})


def _add_answer(rng: random.Random, rows: _Rows, run: _Run, kind: str, person_id: int, opened: datetime,
                item_of: dict[tuple[str, str], int]) -> None:
    side = run.people[person_id]
    day = (opened + timedelta(days=rng.randint(0, 14))).date()
    rows.participations.append({"survey_id": rows.survey_id, "user_id": person_id, "side": side, "answered_on": day})
    rows.answer_sets.append({"id": rows.set_id, "survey_id": rows.survey_id, "side": side, "answered_on": day})
    _add_ratings(rng, rows, kind, side, item_of)
    if side == "executive":
        _add_levels(rng, rows, run, kind, person_id)
    rows.set_id += 1
    rows.answered += 1


def _add_survey(rng: random.Random, rows: _Rows, run: _Run, kind: str, now: datetime) -> None:
    """One survey of a run with its items, answered by most of the run's people."""
    status = "closed" if run.closed or kind == "start" else "open"
    opened = _opened(now, run.closed, kind)
    rows.surveys.append({"id": rows.survey_id, "cohort_id": run.cohort.id, "kind": kind, "status": status,
                         "created_at": opened - timedelta(days=3), "opened_at": opened,
                         "closed_at": opened + timedelta(days=21) if status == "closed" else None})
    item_of = _add_items(rows, kind)
    chance = 0.9 if kind == "start" else (0.8 if run.closed else 0.3)
    for person_id in sorted(run.people):
        if rng.random() > chance:
            continue
        _add_answer(rng, rows, run, kind, person_id, opened, item_of)
    rows.survey_id += 1


def _insert(rows: _Rows) -> None:
    if rows.surveys:
        db.session.execute(Survey.__table__.insert(), rows.surveys)
        db.session.execute(SurveyItem.__table__.insert(), rows.items)
        reset_sequence("surveys", rows.survey_id - 1)
        reset_sequence("survey_items", rows.item_id - 1)
    if rows.answer_sets:
        db.session.execute(SurveyParticipation.__table__.insert(), rows.participations)
        db.session.execute(SurveyAnswerSet.__table__.insert(), rows.answer_sets)
        db.session.execute(SurveyRating.__table__.insert(), rows.ratings)
        if rows.levels:
            db.session.execute(SurveyLevel.__table__.insert(), rows.levels)
        reset_sequence("survey_answer_sets", rows.set_id - 1)


def seed(ctx: DemoContext) -> None:
    rng = random.Random(ctx.rng.random())
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on)).all()
    if not cohorts:
        return
    _mark_goal_progress(rng)
    rows = _Rows(survey_id=_next_id(Survey), item_id=_next_id(SurveyItem), set_id=_next_id(SurveyAnswerSet))
    for cohort in cohorts:
        run = _run(cohort)
        if not run.people:
            continue
        for kind in ("start", "end"):
            _add_survey(rng, rows, run, kind, ctx.now)
    _insert(rows)
    ctx.summary.update(surveys=len(rows.surveys), survey_answers=rows.answered)


def _mark_goal_progress(rng: random.Random) -> None:
    """Completed mentorships reached most goals; active ones are on their way."""
    rows = db.session.execute(
        select(MentorshipGoal.mentorship_id, MentorshipGoal.tag_id, Mentorship.status, Mentorship.decided_at)
        .join(Mentorship, Mentorship.id == MentorshipGoal.mentorship_id)
        .where(Mentorship.status.in_(("active", "completed")))
        .order_by(MentorshipGoal.mentorship_id, MentorshipGoal.tag_id)
    ).all()
    changes = []
    for mentorship_id, tag_id, status, _decided in rows:
        weights = (1, 4, 15) if status == "completed" else (4, 5, 2)
        progress = rng.choices(("planned", "in_progress", "reached"), weights=weights, k=1)[0]
        if progress != "planned":
            changes.append({"m": mentorship_id, "t": tag_id, "p": progress})
    if changes:
        table = MentorshipGoal.__table__
        db.session.execute(
            update(table).where(table.c.mentorship_id == bindparam("m"), table.c.tag_id == bindparam("t"))
            .values(progress=bindparam("p")),
            changes,
        )
