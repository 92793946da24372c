"""Programme runs: change managers create and edit them and see counts and feedback aggregates."""

from datetime import date

from sqlalchemy import select

from tests.conftest import text_of
from tests.mentoring.conftest import in_days

# A planned run cannot have ended: the runs made through the form lie in the coming year.
NEXT_YEAR = date.today().year + 1


def test_change_manager_creates_and_edits_a_programme_run(client, login_as, create_user, db):
    from community.mentoring.models import Cohort

    login_as(create_user(roles=("change_manager",)))
    response = client.post_form("/mentoring/runs/new", {
        "name": f"Reverse Mentoring {NEXT_YEAR}", "starts_on": f"{NEXT_YEAR}-01-01", "ends_on": f"{NEXT_YEAR}-12-31", "status": "planned",
        "description": "Third run",
    })
    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert (cohort.name, cohort.starts_on, cohort.status) == (f"Reverse Mentoring {NEXT_YEAR}", date(NEXT_YEAR, 1, 1), "planned")
    client.post_form(f"/mentoring/runs/{cohort.id}/edit", {
        "name": f"Reverse Mentoring {NEXT_YEAR}", "starts_on": f"{NEXT_YEAR}-01-01", "ends_on": f"{NEXT_YEAR}-12-31", "status": "running",
    })
    db.session.expire_all()
    assert db.session.get(Cohort, cohort.id).status == "running"
    assert f"Reverse Mentoring {NEXT_YEAR}" in text_of(client.get("/mentoring/runs"))


def test_run_dates_and_names_are_checked(client, login_as, create_user):
    login_as(create_user(roles=("change_manager",)))
    response = client.post_form("/mentoring/runs/new", {"name": "Backwards", "starts_on": f"{NEXT_YEAR}-06-01", "ends_on": f"{NEXT_YEAR}-01-01",
                                                        "status": "planned"})
    assert response.status_code == 200 and "cannot end before it starts" in text_of(response)
    client.post_form("/mentoring/runs/new", {"name": "Run A", "starts_on": f"{NEXT_YEAR}-01-01", "ends_on": f"{NEXT_YEAR}-02-01", "status": "planned"})
    again = client.post_form("/mentoring/runs/new", {"name": "run a", "starts_on": f"{NEXT_YEAR}-01-01", "ends_on": f"{NEXT_YEAR}-02-01",
                                                     "status": "planned"})
    assert again.status_code == 200 and "exists already" in text_of(again)
    bad_status = client.post_form("/mentoring/runs/new", {"name": "Run B", "starts_on": f"{NEXT_YEAR}-01-01", "ends_on": f"{NEXT_YEAR}-02-01",
                                                          "status": "forever"})
    assert bad_status.status_code == 200 and "Not a valid choice" in text_of(bad_status)
    # A run over already is recorded as closed, not planned.
    past = {"name": "Run 2020", "starts_on": "2020-01-01", "ends_on": "2020-06-01"}
    planned = client.post_form("/mentoring/runs/new", {**past, "status": "planned"})
    assert planned.status_code == 200 and "A planned run cannot have ended already" in text_of(planned)
    running = client.post_form("/mentoring/runs/new", {**past, "status": "running"})
    assert running.status_code == 200 and "A running run cannot have ended already" in text_of(running)
    assert client.post_form("/mentoring/runs/new", {**past, "status": "closed"}).status_code == 302


def test_only_change_managers_see_programme_runs(client, login_as, create_user, people):
    mentor, executive = people()
    for person in (mentor, executive, create_user(roles=("admin",))):
        client.post_form("/logout")
        login_as(person)
        assert client.get("/mentoring/runs").status_code == 403
        assert client.get("/mentoring/runs/new").status_code == 403
        assert client.post_form("/mentoring/runs/new", {"name": "x"}).status_code == 403


def test_run_page_shows_counts_averages_per_side_and_only_shared_comments(app, client, login_as, people, create_user,
                                                                         create_mentorship, create_session, api, db):
    from community.mentoring.models import Cohort

    manager = create_user(roles=("change_manager",))
    cohort = Cohort(name="Run 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    db.session.add(cohort)
    db.session.commit()
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, cohort_id=cohort.id)
    first = create_session(mentorship_id, starts_at=in_days(-10), status="done")
    second = create_session(mentorship_id, starts_at=in_days(-3), status="done")
    create_session(mentorship_id, starts_at=in_days(5))
    api(executive)("POST", f"/api/v1/sessions/{first}/feedback", {"rating": 5, "comment": "SHARED-PRAISE", "shared_with_programme": True})
    api(executive)("POST", f"/api/v1/sessions/{second}/feedback", {"rating": 4, "comment": "PRIVATE-REMARK"})
    api(mentor)("POST", f"/api/v1/sessions/{first}/feedback", {"rating": 3, "comment": "MENTOR-PRIVATE"})
    login_as(manager)
    # One mentor and one executive rated: under REPORT_MIN_GROUP no average is shown.
    page = text_of(client.get(f"/mentoring/runs/{cohort.id}"))
    assert "Mentors: fewer than 5 respondents" in page and "Executives: fewer than 5 respondents" in page
    assert "3.0 / 5" not in page and "4.5 / 5" not in page
    app.config["REPORT_MIN_GROUP"] = 1
    page = text_of(client.get(f"/mentoring/runs/{cohort.id}"))
    assert "Mentors: 3.0 / 5 (1 rating)" in page
    assert "Executives: 4.5 / 5 (2 ratings)" in page
    assert "SHARED-PRAISE" in page
    assert "PRIVATE-REMARK" not in page and "MENTOR-PRIVATE" not in page
    assert "Mia Mentor IT" in page and "Eva Executive Sales" in page  # a name with its department
    assert "2 done, 1 planned, 0 cancelled" in page
    overview = text_of(client.get("/mentoring/runs"))
    assert "Run 2026" in overview


def test_requests_join_the_running_programme_run_by_default(people, taxonomy, api, db):
    from community.mentoring.models import Cohort

    closed = Cohort(name="Run 2025", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31), status="closed")
    running = Cohort(name="Run 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    db.session.add_all([closed, running])
    db.session.commit()
    mentor, executive = people()
    response = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"]})
    assert response.json["cohort_id"] == running.id
    refused = api(executive)("POST", "/api/v1/mentorships", {"mentor_id": mentor.id, "goals": ["linkedin"], "cohort_id": closed.id})
    assert refused.status_code == 422 and "cohort_id" in refused.json["error"]["fields"]


def test_german_run_page_writes_the_average_rating_with_a_decimal_comma(app, client, login_as, people, create_user,
                                                                        create_mentorship, create_session, api, db):
    """The run page read "4.5 / 5" on the German page."""
    from community.mentoring.models import Cohort

    cohort = Cohort(name="Lauf 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    db.session.add(cohort)
    db.session.commit()
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, cohort_id=cohort.id)
    for days, rating in ((-10, 5), (-3, 4)):
        session_id = create_session(mentorship_id, starts_at=in_days(days), status="done")
        api(executive)("POST", f"/api/v1/sessions/{session_id}/feedback", {"rating": rating})
    app.config["REPORT_MIN_GROUP"] = 1
    login_as(create_user(roles=("change_manager",), locale="de"))
    page = text_of(client.get(f"/mentoring/runs/{cohort.id}"))
    assert "4,5 / 5 (2 Bewertungen)" in page and "4.5" not in page


def test_a_shared_comment_is_shown_without_the_rating_the_report_suppresses(client, login_as, people, create_user,
                                                                             create_mentorship, create_session, api, db):
    """"Mentors: fewer than 5 respondents", then "from a mentor · 1 of 5 · …" gave the single
    rating away; the author agreed to share the comment, not the rating."""
    from community.mentoring.models import Cohort

    cohort = Cohort(name="Run 2027", starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), status="running")
    db.session.add(cohort)
    db.session.commit()
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, cohort_id=cohort.id)
    session_id = create_session(mentorship_id, starts_at=in_days(-3), status="done")
    api(mentor)("POST", f"/api/v1/sessions/{session_id}/feedback",
                {"rating": 1, "comment": "MENTOR-SHARED", "shared_with_programme": True})
    api(executive)("POST", f"/api/v1/sessions/{session_id}/feedback",
                   {"rating": 2, "comment": "EXEC-SHARED", "shared_with_programme": True})
    login_as(create_user(roles=("change_manager",)))
    page = text_of(client.get(f"/mentoring/runs/{cohort.id}"))
    assert "Mentors: fewer than 5 respondents" in page and "Executives: fewer than 5 respondents" in page
    assert "from a mentor MENTOR-SHARED" in page and "from an executive EXEC-SHARED" in page
    assert "1 of 5" not in page and "2 of 5" not in page


def test_a_planned_run_ending_today_counts_the_day_where_the_change_manager_is(client, login_as, create_user, monkeypatch):
    """7 December, 19:00 in Los Angeles is already 8 December in UTC: a run ending 7 December has
    not ended for that change manager, and one that ended on 6 December has."""
    from datetime import UTC, datetime

    import community.mentoring.services as services

    monkeypatch.setattr(services, "utcnow", lambda: datetime(2026, 12, 8, 3, 0, tzinfo=UTC))
    login_as(create_user(roles=("change_manager",), timezone="America/Los_Angeles"))
    today = client.post_form("/mentoring/runs/new", {"name": "Ends today", "starts_on": "2026-11-01",
                                                     "ends_on": "2026-12-07", "status": "planned"})
    assert today.status_code == 302
    yesterday = client.post_form("/mentoring/runs/new", {"name": "Ended yesterday", "starts_on": "2026-11-01",
                                                         "ends_on": "2026-12-06", "status": "planned"})
    assert yesterday.status_code == 200 and "A planned run cannot have ended already" in text_of(yesterday)


def test_requests_join_the_run_under_way_today_and_a_second_running_run_is_named(client, login_as, create_user, db):
    """A run saved as running with a start next year became the preselected run of every request
    made today, without a word."""
    from community.mentoring.models import Cohort
    from community.mentoring.services import current_cohort

    today = date.today()
    db.session.add(Cohort(name="This year", starts_on=date(today.year, 1, 1), ends_on=date(today.year, 12, 31),
                          status="running"))
    db.session.commit()
    login_as(create_user(roles=("change_manager",)))
    made = client.post_form("/mentoring/runs/new", {"name": "Pilot next year", "starts_on": f"{NEXT_YEAR}-01-01",
                                                    "ends_on": f"{NEXT_YEAR}-06-30", "status": "running"})
    assert made.status_code == 302
    assert "More than one run is running; requests without a chosen run join This year." in text_of(client.get(made.location))
    with client.application.test_request_context():
        assert current_cohort().name == "This year"


def test_a_run_that_has_not_started_cannot_be_closed(client, login_as, create_user):
    login_as(create_user(roles=("change_manager",)))
    refused = client.post_form("/mentoring/runs/new", {"name": "Future", "starts_on": f"{NEXT_YEAR}-01-01",
                                                       "ends_on": f"{NEXT_YEAR}-06-30", "status": "closed"})
    assert refused.status_code == 200 and "A run that has not started cannot be closed" in text_of(refused)


def test_run_dates_far_from_today_or_a_run_of_centuries_are_refused(client, login_as, create_user, db):
    """A run from 1 Jan 1900 to 1 Jan 2999 was saved (and then joined by every request)."""
    from sqlalchemy import func, select

    from community.mentoring.models import Cohort

    login_as(create_user(roles=("change_manager",)))
    ancient = client.post_form("/mentoring/runs/new", {"name": "Test", "starts_on": "1900-01-01", "ends_on": "2999-01-01",
                                                        "status": "planned"})
    assert ancient.status_code == 200 and "Check the start date: a run starts within 20 years before or 5 years after today." \
        in text_of(ancient)
    endless = client.post_form("/mentoring/runs/new", {"name": "Test", "starts_on": f"{NEXT_YEAR}-01-01",
                                                        "ends_on": f"{NEXT_YEAR + 6}-01-01", "status": "planned"})
    assert endless.status_code == 200 and "Check the end date: a run lasts at most 5 years." in text_of(endless)
    assert db.session.scalar(select(func.count()).select_from(Cohort)) == 0
