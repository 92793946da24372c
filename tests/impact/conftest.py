"""Factories for impact tests: a programme run with pairs, surveys prepared and opened, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from tests.conftest import isolated
from tests.mentoring import conftest as mentoring_factories

# The mentoring factories, shared (pytest finds fixtures by their name in this module).
taxonomy = mentoring_factories.taxonomy
create_mentorship = mentoring_factories.create_mentorship
create_session = mentoring_factories.create_session
give_tags = mentoring_factories.give_tags


@dataclass
class Run:
    cohort_id: int
    manager: object
    executives: list = field(default_factory=list)
    mentors: list = field(default_factory=list)
    mentorships: list[int] = field(default_factory=list)
    surveys: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def make_run(app, create_user, create_mentorship, taxonomy):
    """make_run(pairs=5, status="active", open=("start",)) -> Run with surveys opened by a change manager."""
    from community.extensions import db

    def make(pairs: int = 5, status: str = "active", open_kinds=("start",), name: str = "Run 2026",
             goals=("microsoft-teams", "linkedin"), manager=None) -> Run:
        from community.accounts.models import User
        from community.impact import services
        from community.mentoring import services as mentoring

        manager = manager or create_user(roles=("change_manager",), name="Carla Change")

        def _cohort():
            with app.test_request_context():
                cm = db.session.get(User, manager.id)
                cohort = mentoring.create_cohort(cm, name=name, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
                                                 status="running")
                db.session.commit()
                return cohort.id

        run = Run(cohort_id=isolated(app, _cohort), manager=manager)
        for index in range(pairs):
            mentor = create_user(roles=("mentor",), name=f"Mentor {name} {index}", capacity=3)
            executive = create_user(roles=("executive",), name=f"Executive {name} {index}")
            run.mentors.append(mentor)
            run.executives.append(executive)
            run.mentorships.append(create_mentorship(mentor, executive, status=status, goals=goals, cohort_id=run.cohort_id))

        def _surveys():
            with app.test_request_context():
                cm = db.session.get(User, manager.id)
                from community.mentoring.models import Cohort

                cohort = db.session.get(Cohort, run.cohort_id)
                for kind in ("start", "end"):
                    survey = services.create_survey(cm, cohort, kind)
                    run.surveys[kind] = survey.id
                    if kind in open_kinds:
                        services.open_survey(cm, survey)
                db.session.commit()

        isolated(app, _surveys)
        return run

    return make


@pytest.fixture
def answer(app):
    """answer(user, survey_id, rating=4, comment=None, shared=False, level=2): answers through the service."""
    from community.extensions import db

    def make(user, survey_id: int, rating: int = 4, comment: str | None = None, shared: bool = False, level: int = 2):
        from community.accounts.models import User
        from community.impact import services

        def _answer():
            with app.test_request_context():
                person = db.session.get(User, user.id)
                view = services.survey_for(person, survey_id)
                services.submit_answers(
                    person, survey_id, ratings={item.id: rating for item in view.items},
                    comments={item.id: comment for item in view.items}, shared={item.id: shared for item in view.items},
                    levels={tag.id: level for tag in view.topics},
                )
                db.session.commit()

        isolated(app, _answer)

    return make


def set_status(app, manager, survey_id: int, action: str) -> None:
    from community.accounts.models import User
    from community.extensions import db
    from community.impact import services

    def _go():
        with app.test_request_context():
            cm = db.session.get(User, manager.id)
            survey = services.get_survey(cm, survey_id)
            (services.open_survey if action == "open" else services.close_survey)(cm, survey)
            db.session.commit()

    isolated(app, _go)


def answer_form_data(client, survey_id: int, rating: int = 4, level: int = 2, comment: str = "", share: bool = False) -> dict:
    """The answer form as a browser would fill it, from the rendered page."""
    import re

    html = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    data: dict = {}
    for name in sorted(set(re.findall(r'name="(item_\d+)"', html))):
        data[name] = str(rating)
        number = name.split("_")[1]
        if comment:
            data[f"comment_{number}"] = comment
        if share:
            data[f"share_{number}"] = "y"
    for name in sorted(set(re.findall(r'name="(level_\d+)"', html))):
        data[name] = str(level)
    return data
