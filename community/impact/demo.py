"""Demo surveys: both runs answered, so `make run` shows a filled report.

The closed run has its start and end survey closed; the running run has its start survey
closed and its end survey open (participants who have not answered see it on their home
page). Goal progress is marked on every started mentorship.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import bindparam, func, select, update

from community.demo import reset_sequence
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


def seed(ctx) -> None:
    rng = random.Random(ctx.rng.random())
    cohorts = db.session.scalars(select(Cohort).order_by(Cohort.starts_on)).all()
    if not cohorts:
        return
    _mark_goal_progress(rng)
    survey_id, item_id, set_id = _next_id(Survey), _next_id(SurveyItem), _next_id(SurveyAnswerSet)
    surveys, items, participations, answer_sets, ratings, levels = [], [], [], [], [], []
    answered_total = 0
    for cohort in cohorts:
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
        if not people:
            continue
        closed = cohort.status == "closed"
        before: dict[tuple[int, int], int] = {}
        for kind in ("start", "end"):
            status = "closed" if closed or kind == "start" else "open"
            opened = ctx.now - timedelta(days=(600 if closed else 140) - (0 if kind == "start" else 330 if closed else 120))
            surveys.append({"id": survey_id, "cohort_id": cohort.id, "kind": kind, "status": status,
                            "created_at": opened - timedelta(days=3), "opened_at": opened,
                            "closed_at": opened + timedelta(days=21) if status == "closed" else None})
            item_of: dict[tuple[str, str], int] = {}
            for side, dimensions in DIMENSIONS.items():
                for position, dimension in enumerate(dimensions):
                    text_en, text_de = DEFAULT_ITEMS[kind][(side, dimension)]
                    items.append({"id": item_id, "survey_id": survey_id, "side": side, "dimension": dimension,
                                  "text_en": text_en, "text_de": text_de, "position": position})
                    item_of[(side, dimension)] = item_id
                    item_id += 1
            chance = 0.9 if kind == "start" else (0.8 if closed else 0.3)
            for person_id in sorted(people):
                if rng.random() > chance:
                    continue
                side = people[person_id]
                day = (opened + timedelta(days=rng.randint(0, 14))).date()
                participations.append({"survey_id": survey_id, "user_id": person_id, "side": side, "answered_on": day})
                answer_sets.append({"id": set_id, "survey_id": survey_id, "side": side, "answered_on": day})
                for dimension in DIMENSIONS[side]:
                    typical = TYPICAL[dimension] + (0.3 if kind == "start" else 0.0)
                    comment = rng.choice(COMMENTS[dimension]) if rng.random() < 0.12 else None
                    ratings.append({"answer_set_id": set_id, "item_id": item_of[(side, dimension)],
                                    "rating": _rating(rng, typical), "comment": comment,
                                    "comment_shared": bool(comment) and rng.random() < 0.6})
                for tag_id in sorted(goals_of.get(person_id, ())) if side == "executive" else ():
                    if kind == "start":
                        level = max(0, min(3, round(rng.gauss(1.1, 0.9))))
                        before[(person_id, tag_id)] = level
                    else:
                        start = before.get((person_id, tag_id), max(0, min(3, round(rng.gauss(1.1, 0.9)))))
                        level = max(0, min(4, start + rng.choice((0, 1, 1, 1, 2, 2))))
                    levels.append({"answer_set_id": set_id, "tag_id": tag_id, "level": level})
                set_id += 1
                answered_total += 1
            survey_id += 1
    if surveys:
        db.session.execute(Survey.__table__.insert(), surveys)
        db.session.execute(SurveyItem.__table__.insert(), items)
        reset_sequence("surveys", survey_id - 1)
        reset_sequence("survey_items", item_id - 1)
    if answer_sets:
        db.session.execute(SurveyParticipation.__table__.insert(), participations)
        db.session.execute(SurveyAnswerSet.__table__.insert(), answer_sets)
        db.session.execute(SurveyRating.__table__.insert(), ratings)
        if levels:
            db.session.execute(SurveyLevel.__table__.insert(), levels)
        reset_sequence("survey_answer_sets", set_id - 1)
    ctx.summary.update(surveys=len(surveys), survey_answers=answered_total)


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
