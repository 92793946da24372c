"""Surveys per programme run: participants answer once, anonymously; nobody else can."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
from sqlalchemy import func, select

from tests.conftest import login, text_of
from tests.impact.conftest import answer_form_data, set_status


def test_executive_sees_the_open_survey_on_the_home_page_answers_once_and_the_task_disappears(
        app, db, client, login_as, make_run):
    from community.impact.models import (
        SurveyAnswerSet,
        SurveyLevel,
        SurveyParticipation,
        SurveyRating,
    )

    run = make_run(pairs=1)
    executive = run.executives[0]
    login_as(executive)
    home = text_of(client.get("/"))
    assert "Your programme survey" in home and "Start survey of Run 2026" in home

    page = client.get(f"/surveys/{run.surveys['start']}")
    assert page.status_code == 200
    body = text_of(page)
    assert "Sessions tailored to my needs" in body  # an executive item
    assert "Widening my professional network" not in body  # a mentor item
    assert "Microsoft Teams" in body  # a goal topic to rate 0–4

    data = answer_form_data(client, run.surveys["start"], rating=5, level=1, comment="Very useful", share=True)
    sent = client.post_form(f"/surveys/{run.surveys['start']}", data)
    assert sent.status_code == 302
    assert "Your programme survey" not in text_of(client.get("/"))

    again = client.post_form(f"/surveys/{run.surveys['start']}", data)
    assert again.status_code == 409
    assert "You have answered this survey already" in text_of(again)

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswerSet)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyRating)) == 6
    assert {row.level for row in db.session.scalars(select(SurveyLevel))} == {1}
    # The answers do not name the person who gave them.
    assert "user_id" not in SurveyAnswerSet.__table__.c and "user_id" not in SurveyRating.__table__.c


def test_mentor_answers_the_mentor_questions_without_a_self_assessment(app, client, login_as, make_run):
    run = make_run(pairs=1)
    login_as(run.mentors[0])
    body = text_of(client.get(f"/surveys/{run.surveys['start']}"))
    assert "Widening my professional network" in body and "Sessions tailored" not in body
    assert "Where do you stand on your goal topics" not in body
    data = answer_form_data(client, run.surveys["start"])
    assert client.post_form(f"/surveys/{run.surveys['start']}", data).status_code == 302


def test_people_outside_the_run_cannot_see_or_answer_its_survey(app, db, client, create_user, make_run):
    from community.impact.models import SurveyParticipation

    run = make_run(pairs=1)
    other_run = make_run(pairs=1, name="Other run")
    outsiders = [create_user(roles=("staff",)), other_run.executives[0], other_run.mentors[0], run.manager,
                 create_user(roles=("admin",))]
    url = f"/surveys/{run.surveys['start']}"
    for person in outsiders:
        visitor = app.test_client()
        login(visitor, person)
        assert visitor.get(url).status_code == 404
        data = {"item_1": "5"}
        assert visitor.post_form(url, data).status_code == 404
        assert "Start survey of Run 2026" not in text_of(visitor.get("/"))
    # A survey in preparation does not exist for participants either.
    insider = app.test_client()
    login(insider, run.executives[0])
    assert insider.get(f"/surveys/{run.surveys['end']}").status_code == 404
    assert insider.get("/surveys/999999").status_code == 404
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 0


def test_requested_or_declined_mentorships_do_not_make_a_participant(app, client, create_user, create_mentorship, make_run):
    run = make_run(pairs=1)
    mentor = create_user(roles=("mentor",), capacity=3)
    executive = create_user(roles=("executive",))
    create_mentorship(mentor, executive, status="requested", cohort_id=run.cohort_id)
    login(client, executive)
    assert client.get(f"/surveys/{run.surveys['start']}").status_code == 404


def test_a_closed_survey_takes_no_answers(app, client, login_as, make_run):
    run = make_run(pairs=1)
    login_as(run.executives[0])
    data = answer_form_data(client, run.surveys["start"])
    set_status(app, run.manager, run.surveys["start"], "close")
    response = client.post_form(f"/surveys/{run.surveys['start']}", data)
    assert response.status_code == 409
    assert "This survey is closed" in text_of(response)
    assert "Your programme survey" not in text_of(client.get("/"))


def test_missing_and_bad_ratings_come_back_with_messages_and_store_nothing(app, db, client, login_as, make_run):
    from community.impact.models import SurveyParticipation

    run = make_run(pairs=1)
    login_as(run.executives[0])
    data = answer_form_data(client, run.surveys["start"])
    first = sorted(k for k in data if k.startswith("item_"))[0]
    for broken in ({**data, first: ""}, {**data, first: "9"}, {**data, first: "abc"},
                   {k: v for k, v in data.items() if not k.startswith("level_")},
                   {**data, "comment_" + first.split("_")[1]: "x" * 3000}):
        response = client.post_form(f"/surveys/{run.surveys['start']}", broken)
        assert response.status_code == 200
        assert "error" in response.get_data(as_text=True)
    # The error summary names the question and the topic, not "Rating:" once per question.
    from community.expertise.models import Tag
    from community.impact.models import SurveyItem

    question = db.session.get(SurveyItem, int(first.split("_")[1])).text_for("en")
    summary = _error_summary(client.post_form(f"/surveys/{run.surveys['start']}", {
        **{k: v for k, v in data.items() if not k.startswith("level_")}, first: ""}))
    assert f"{question}: Choose a value from 1 to 5." in summary and "Rating" not in summary
    for slug in ("microsoft-teams", "linkedin"):
        topic = db.session.scalar(select(Tag).where(Tag.slug == slug)).display_name
        assert f"Your level in {topic} before the mentorship: Choose your level from 0 to 4." in summary
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 0


@pytest.mark.slow
def test_a_double_submit_at_the_same_moment_stores_one_answer_set(app, db, make_run):
    from community.impact.models import SurveyAnswerSet, SurveyParticipation

    run = make_run(pairs=1)
    executive = run.executives[0]
    clients = [app.test_client() for _ in range(3)]
    for c in clients:
        login(c, executive)
    data = answer_form_data(clients[0], run.surveys["start"])
    barrier = threading.Barrier(len(clients))
    statuses: list[int | None] = [None] * len(clients)

    def send(index):
        barrier.wait()
        statuses[index] = clients[index].post_form(f"/surveys/{run.surveys['start']}", data).status_code

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [302, 409, 409]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 1
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswerSet)) == 1


def test_change_manager_prepares_edits_in_both_languages_opens_and_closes(app, db, client, login_as, create_user, make_run):
    from community.audit.models import AuditEvent
    from community.impact.models import Survey
    from community.notifications.models import Notification

    run = make_run(pairs=2, open_kinds=())
    login_as(run.manager)
    page = text_of(client.get(f"/runs/{run.cohort_id}/surveys"))
    assert "Start survey" in page and "0 of 2 answered" in page

    form = client.get(f"/surveys/{run.surveys['end']}/questions").get_data(as_text=True)
    import re

    fields = dict(re.findall(r'name="(item_\d+_(?:en|de))"[^>]*value="([^"]*)"', form))
    assert len(fields) == 18
    first_en = sorted(k for k in fields if k.endswith("_en"))[0]
    first_de = first_en[:-3] + "_de"
    fields[first_en], fields[first_de] = "The sessions fitted me.", "Die Treffen passten zu mir."
    assert client.post_form(f"/surveys/{run.surveys['end']}/questions", fields).status_code == 302
    empty = client.post_form(f"/surveys/{run.surveys['end']}/questions", {**fields, first_de: " "})
    assert empty.status_code == 200 and "error" in empty.get_data(as_text=True)
    from community.impact.models import SurveyItem

    item = db.session.get(SurveyItem, int(first_en.split("_")[1]))
    side = {"executive": "Executives", "mentor": "Mentors"}[item.side]
    summary = _error_summary(empty)  # which question's German text is missing, not "German:" alone
    assert f"There is a problem {side} · " in summary and "(German): This field is required." in summary

    assert client.post_form(f"/surveys/{run.surveys['end']}/status", {"action": "open"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Survey, run.surveys["end"]).status == "open"
    told = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "survey_open_end"))
    assert told == 4

    # A German-speaking executive reads the German wording.
    german = app.test_client()
    login(german, run.executives[0])
    german.post_form("/locale", {"locale": "de"})
    body = text_of(german.get(f"/surveys/{run.surveys['end']}"))
    assert "Die Treffen passten zu mir." in body and "The sessions fitted me." not in body

    # Once somebody has answered, the wording is locked.
    data = answer_form_data(german, run.surveys["end"])
    assert german.post_form(f"/surveys/{run.surveys['end']}", data).status_code == 302
    locked = client.post_form(f"/surveys/{run.surveys['end']}/questions", fields)
    assert "can no longer change" in text_of(locked)
    shown = text_of(client.get(f"/surveys/{run.surveys['end']}/questions"))
    assert "English The sessions fitted me. German Die Treffen passten zu mir." in shown  # each text named

    assert client.post_form(f"/surveys/{run.surveys['end']}/status", {"action": "close"}).status_code == 302
    db.session.rollback()
    assert db.session.get(Survey, run.surveys["end"]).status == "closed"
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("survey.%"))))
    assert {"survey.created", "survey.opened", "survey.closed", "survey.items_edited"} <= actions


def test_only_change_managers_manage_surveys(app, client, login_as, make_run):
    run = make_run(pairs=1)
    login_as(run.executives[0])
    assert client.get(f"/runs/{run.cohort_id}/surveys").status_code == 403
    assert client.post_form(f"/surveys/{run.surveys['start']}/status", {"action": "close"}).status_code == 403
    assert client.post_form(f"/surveys/{run.surveys['end']}/questions", {}).status_code == 403


def test_personal_export_lists_answered_surveys_and_erasure_removes_the_link(app, db, client, api_token, make_run, answer):
    from community.impact.models import SurveyAnswerSet, SurveyParticipation

    run = make_run(pairs=1)
    executive = run.executives[0]
    answer(executive, run.surveys["start"], comment="Mine")
    token = api_token(executive)
    exported = client.send_json("GET", "/api/v1/me/export", token=token).get_json()
    assert exported["impact"]["surveys_answered"][0]["survey"] == "start"
    assert "Mine" not in str(exported["impact"])

    from community.accounts.models import User
    from community.privacy import services as privacy

    person = db.session.get(User, executive.id)
    privacy.erase_as_system(person)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SurveyParticipation)) == 0
    assert db.session.scalar(select(func.count()).select_from(SurveyAnswerSet)) == 1


def _error_summary(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('class="error-summary"')
    part = re.sub(r"<[^>]+>", " ", html[start:html.index("</div>", start)])
    return " ".join(unescape(part).split()).replace(" :", ":")
