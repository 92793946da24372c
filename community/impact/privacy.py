"""Survey data of a person: which surveys they answered. The answers themselves are stored
without the person (see community.impact.models), so they are neither exported nor erased."""

from __future__ import annotations

from sqlalchemy import delete, select

from community.accounts.models import User
from community.extensions import db
from community.impact.models import Survey, SurveyParticipation
from community.mentoring.models import Cohort


def export(user: User) -> dict:
    rows = db.session.execute(
        select(Cohort.name, Survey.kind, SurveyParticipation.side, SurveyParticipation.answered_on)
        .join(Survey, Survey.id == SurveyParticipation.survey_id)
        .join(Cohort, Cohort.id == Survey.cohort_id)
        .where(SurveyParticipation.user_id == user.id)
        .order_by(SurveyParticipation.answered_on, Survey.id)
    ).all()
    if not rows:
        return {}
    return {
        "surveys_answered": [
            {"run": run, "survey": kind, "side": side, "answered_on": day.isoformat()} for run, kind, side, day in rows
        ],
        "note": "Your answers are stored without your name and cannot be linked to you.",
    }


def erase(user: User) -> None:
    db.session.execute(delete(SurveyParticipation).where(SurveyParticipation.user_id == user.id))
