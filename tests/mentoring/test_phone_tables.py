"""Mentoring tables on a phone: each session and each programme run is a card, its date or name
as the title and every other value under its column's heading (tests/stacked.py)."""

from datetime import date

from tests.faces import faces_in
from tests.mentoring.conftest import in_days
from tests.stacked import tables_in, unlabelled


def test_the_mentors_upcoming_sessions_are_cards_with_german_labels_on_a_phone(client, login_as, people,
                                                                              create_mentorship, create_session):
    """At 390 px the date wrapped into five lines ("9 / Dec / 2026, / 08:30 / · 60 min") and the
    Place column was cut off at the screen's edge."""
    mentor, executive = people(mentor_fields={"locale": "de"})
    mentorship_id = create_mentorship(mentor, executive)
    create_session(mentorship_id, starts_at=in_days(3), agenda_tags=("microsoft-teams",), location="Raum 4.12")
    create_session(mentorship_id, starts_at=in_days(9), location=None)
    login_as(mentor)

    for path in ("/mentoring/", "/mentoring/sessions"):
        [table] = [t for t in tables_in(client.get(path).get_data(as_text=True)) if "sessions" in t.classes]
        assert unlabelled(table) == [], path
        assert table.headings == ["Wann", "Mit", "Themen", "Ort", "Status"]
        first, second = table.rows
        assert first[0].is_title and "Min." in first[0].text
        assert [c.label for c in first[1:]] == ["Mit", "Themen", "Ort", "Status"]
        assert first[3].text == "Raum 4.12" and "stack-empty" not in first[3].classes
        # A session without a place or topics shows no heading over nothing.
        assert {"Themen", "Ort"} == {c.label for c in second if "stack-empty" in c.classes}


def test_a_mentorships_sessions_and_the_programme_runs_are_cards_on_a_phone(client, login_as, become, people, create_user,
                                                                            create_mentorship, create_session, db):
    from community.mentoring.models import Cohort

    cohort = Cohort(name="Run 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    db.session.add(cohort)
    db.session.commit()
    mentor, executive = people()
    mentorship_id = create_mentorship(mentor, executive, cohort_id=cohort.id)
    create_session(mentorship_id, starts_at=in_days(-3), status="done", agenda_tags=("linkedin",))
    create_session(mentorship_id, starts_at=in_days(4))

    login_as(executive)
    [sessions] = tables_in(client.get(f"/mentoring/mentorships/{mentorship_id}").get_data(as_text=True))
    assert unlabelled(sessions) == []
    assert [c.label for c in sessions.rows[0]] == [None, "Topics", "Place", "Status"]

    become(create_user(roles=("change_manager",)))
    runs = [t for t in tables_in(client.get("/mentoring/runs").get_data(as_text=True)) if "Sessions done" in t.headings]
    assert len(runs) == 1 and unlabelled(runs[0]) == []
    [row] = runs[0].rows
    assert row[0].is_title and row[0].text.startswith("Run 2026")


def test_the_people_in_mentoring_tables_and_lists_have_their_avatar(client, login_as, become, people, create_user,
                                                                   create_mentorship, create_session, db):
    """As everywhere else: the run's mentorships, the sessions' "With" and one's own mentorships."""
    from community.mentoring.models import Cohort

    cohort = Cohort(name="Run 2026", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), status="running")
    db.session.add(cohort)
    db.session.commit()
    mentor, executive = people()
    create_session(create_mentorship(mentor, executive, cohort_id=cohort.id), starts_at=in_days(3))

    login_as(mentor)
    mine = client.get("/mentoring/").get_data(as_text=True)
    assert faces_in(mine) == [("EE", "Eva Executive"), ("EE", "Mentoring Eva Executive")]  # a session, a mentorship
    become(create_user(roles=("change_manager",)))
    run = client.get(f"/mentoring/runs/{cohort.id}").get_data(as_text=True)
    assert faces_in(run) == [("MM", "Mia Mentor"), ("EE", "Eva Executive")]
