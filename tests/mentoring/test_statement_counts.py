"""The busiest mentoring pages run the same number of SQL statements however much data there is."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.mentoring.conftest import in_days


@pytest.fixture
def app_config() -> dict:
    """Caches that do not expire mid-measurement on a slow machine: warm means warm."""
    return {"IDENTITY_CACHE_SECONDS": 600, "CACHE_FRAGMENT_SECONDS": 600, "FRAGMENT_LOCAL_SECONDS": 600}


@contextmanager
def counting(db):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def statements_for(client, db, url) -> int:
    client.get(url)  # warm caches (e.g. the first query of a new connection)
    with counting(db) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def test_session_page_and_api_do_not_grow_with_history_feedback_and_tags(client, login_as, people, create_mentorship,
                                                                         create_session, api, db):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    small = create_session(mentorship_id, starts_at=in_days(2), agenda_tags=("linkedin",))
    big = create_session(mentorship_id, starts_at=in_days(3), agenda_tags=("microsoft-teams", "linkedin", "sharepoint"))
    calls = {executive.id: api(executive), mentor.id: api(mentor)}
    for session_id, moves in ((small, 1), (big, 6)):
        for n in range(moves):
            mover = calls[executive.id if n % 2 == 0 else mentor.id]
            assert mover("PATCH", f"/api/v1/sessions/{session_id}", {
                "starts_at": in_days(10 + n, hour=8 + session_id).isoformat(), "reason": f"move {n}", "version": n + 1,
            }).status_code == 200
        calls[executive.id]("PATCH", f"/api/v1/sessions/{session_id}", {"notes": "notes", "tried": "tried"})
    login_as(executive)
    assert statements_for(client, db, f"/sessions/{big}") == statements_for(client, db, f"/sessions/{small}")
    assert statements_for(client, db, f"/api/v1/sessions/{big}") == statements_for(client, db, f"/api/v1/sessions/{small}")


def test_feedback_does_not_add_statements_to_the_session_page(client, login_as, people, create_mentorship, create_session,
                                                              api, db):
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive)
    one = create_session(mentorship_id, starts_at=in_days(-5), status="done")
    both = create_session(mentorship_id, starts_at=in_days(-3), status="done")
    api(executive)("POST", f"/api/v1/sessions/{one}/feedback", {"rating": 4})
    api(executive)("POST", f"/api/v1/sessions/{both}/feedback", {"rating": 4, "comment": "good"})
    api(mentor)("POST", f"/api/v1/sessions/{both}/feedback", {"rating": 5, "comment": "fine"})
    login_as(executive)
    assert statements_for(client, db, f"/sessions/{both}") == statements_for(client, db, f"/sessions/{one}")


def test_my_mentoring_page_and_mentorship_page_do_not_grow_with_data(client, login_as, become, create_user,
                                                                     create_mentorship, create_session, db):
    mentor = create_user(roles=("mentor",), capacity=20, name="Mia Mentor")
    first_executive = create_user(roles=("executive",))
    first = create_mentorship(mentor, first_executive)
    create_session(first, starts_at=in_days(2), agenda_tags=("linkedin",))
    create_session(first, starts_at=in_days(-2), status="done", agenda_tags=("linkedin",))
    create_mentorship(mentor, create_user(roles=("executive",)), status="requested")
    login_as(mentor)
    small_index = statements_for(client, db, "/mentoring/")
    small_detail = statements_for(client, db, f"/mentoring/mentorships/{first}")
    small_sessions = statements_for(client, db, "/mentoring/sessions")
    small_home = statements_for(client, db, "/")

    for n in range(5):
        mentorship_id = create_mentorship(mentor, create_user(roles=("executive",)), goals=("linkedin", "sharepoint", "phishing"))
        for k in range(3):
            create_session(mentorship_id, starts_at=in_days(3 + n) + timedelta(hours=k), agenda_tags=("linkedin",))
            create_session(mentorship_id, starts_at=in_days(-10 - n) + timedelta(hours=k), status="done", agenda_tags=("sharepoint",))
        create_mentorship(mentor, create_user(roles=("executive",)), status="requested")
    for k in range(6):
        create_session(first, starts_at=in_days(-3) - timedelta(days=k), status="done", agenda_tags=("microsoft-teams", "linkedin"))
    assert statements_for(client, db, "/mentoring/") == small_index
    assert statements_for(client, db, f"/mentoring/mentorships/{first}") == small_detail
    assert statements_for(client, db, "/mentoring/sessions") == small_sessions
    assert statements_for(client, db, "/") == small_home


def test_programme_run_page_does_not_grow_with_mentorships(client, login_as, create_user, create_mentorship,
                                                          create_session, api, db):
    from datetime import date

    from community.mentoring.models import Cohort

    cohort = Cohort(name="Run", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    db.session.add(cohort)
    db.session.commit()
    cohort_id = cohort.id

    def add_pair():
        mentor = create_user(roles=("mentor",), capacity=2)
        executive = create_user(roles=("executive",))
        mentorship_id = create_mentorship(mentor, executive, cohort_id=cohort_id)
        session_id = create_session(mentorship_id, starts_at=in_days(-5), status="done")
        api(executive)("POST", f"/api/v1/sessions/{session_id}/feedback", {"rating": 4, "comment": "ok", "shared_with_programme": True})

    add_pair()
    login_as(create_user(roles=("change_manager",)))
    small = statements_for(client, db, f"/mentoring/runs/{cohort_id}")
    small_overview = statements_for(client, db, "/mentoring/runs")
    for _ in range(5):
        add_pair()
    assert statements_for(client, db, f"/mentoring/runs/{cohort_id}") == small
    assert statements_for(client, db, "/mentoring/runs") == small_overview
