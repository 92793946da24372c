"""The analysis on database data: findings, stored snapshots, dates, opt-out, what-if."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select


def snapshot_of(db, snapshot_id):
    from community.network.models import AnalysisSnapshot

    return db.session.get(AnalysisSnapshot, snapshot_id)


def test_mentor_who_alone_links_a_departments_executives_is_a_single_point_of_failure(db, small_org, compute):
    snapshot = snapshot_of(db, compute())
    spofs = {entry["person_id"]: entry for entry in snapshot.findings["single_points_of_failure"]}
    mia = spofs[small_org["mia"].id]
    assert mia["cuts_off"]["departments"] == ["Sales"]
    assert sorted(mia["cuts_off"]["executives"]) == sorted(e.id for e in small_org["sales"])
    # Finance has two mentors for each executive: nobody is its single point of failure.
    assert all("Finance" not in entry["cuts_off"]["departments"] for entry in spofs.values())
    assert snapshot.summary["single_points_of_failure"] == len(spofs)


def test_overloaded_mentor_is_listed_with_load_and_capacity(db, small_org, compute):
    snapshot = snapshot_of(db, compute())
    overloaded = snapshot.findings["overloaded"]
    assert [(o["person_id"], o["load"], o["capacity"]) for o in overloaded] == [(small_org["mia"].id, 3, 2)]
    assert "over_capacity" in overloaded[0]["reasons"]


def test_topic_wanted_in_a_goal_with_one_teacher_is_uncovered_and_its_teacher_a_single_point(db, small_org, compute):
    snapshot = snapshot_of(db, compute())
    topics = {t["slug"]: t for t in snapshot.findings["uncovered_topics"]}
    assert topics["power-bi"]["providers"] == [small_org["max"].id]
    assert topics["power-bi"]["demand"] == 1
    max_spof = next(e for e in snapshot.findings["single_points_of_failure"] if e["person_id"] == small_org["max"].id)
    assert max_spof["cuts_off"]["topics"] == ["power-bi"]


def test_idle_mentor_and_unmatched_executive_are_found(db, small_org, compute):
    snapshot = snapshot_of(db, compute())
    assert [i["person_id"] for i in snapshot.findings["idle"]] == [small_org["ida"].id]
    assert [u["person_id"] for u in snapshot.findings["unmatched_executives"]] == [small_org["lonely"].id]


def test_snapshot_stores_summary_params_and_one_figure_row_per_person(db, small_org, compute):
    from community.network.models import PersonFigure

    snapshot = snapshot_of(db, compute())
    assert snapshot.summary["people"] == 10 and snapshot.summary["mentors"] == 4
    assert snapshot.params["min_providers_per_topic"] == 2 and "now" not in snapshot.params
    assert "members" not in snapshot.findings["communities"][0]
    assert snapshot.duration > 0
    figures = {f.user_id: f for f in db.session.scalars(select(PersonFigure).where(PersonFigure.snapshot_id == snapshot.id))}
    mia = figures[small_org["mia"].id]
    assert (mia.degree, mia.load, mia.capacity) == (3, 3, 2)
    assert mia.departments_reached == 1
    assert figures[small_org["ida"].id].load == 0  # every mentor has a row, tie or not
    assert small_org["lonely"].id not in figures  # no tie, not a mentor


def test_ambassador_shortlist_keeps_the_shape_the_ambassador_pages_read(db, small_org, compute):
    snapshot = snapshot_of(db, compute())
    first = snapshot.findings["ambassador_shortlist"][0]
    assert {"person_id", "score", "parts"} <= set(first)
    assert set(first["parts"]) == {"outcomes", "community", "reach"}


def test_people_who_opted_out_count_but_get_no_figures_and_are_named_nowhere(db, create_user, mentorship, compute):
    from community.network.models import PersonFigure

    mentor = create_user(roles=("mentor",), name="Olga Optout", department="IT", capacity=1, analysis_opt_out=True)
    shy = create_user(roles=("executive",), name="Sam Shy", department="Sales", analysis_opt_out=True)
    other = create_user(roles=("executive",), name="Ben Board", department="Sales")
    mentorship(mentor, shy)
    mentorship(mentor, other)
    snapshot = snapshot_of(db, compute())
    assert snapshot.summary["people"] == 3 and snapshot.summary["opted_out"] == 2
    assert snapshot.summary["overloaded"] == 1  # counted ...
    assert snapshot.findings["overloaded"] == []  # ... never named
    assert snapshot.findings["opted_out"]["overloaded"] == 1
    assert snapshot.findings["opted_out"]["single_points_of_failure"] == 1
    assert db.session.scalars(select(PersonFigure.user_id)).all() == [other.id]
    stored = str(snapshot.findings)
    assert f"'person_id': {mentor.id}," not in stored and f"'person_id': {shy.id}," not in stored


def test_single_point_of_failure_counts_executives_who_opted_out(db, create_user, mentorship, compute):
    mentor = create_user(roles=("mentor",), name="Mira", department="IT", capacity=3)
    shy = create_user(roles=("executive",), name="Sam Shy", department="Sales", analysis_opt_out=True)
    open_ = create_user(roles=("executive",), name="Olli Open", department="Sales")
    mentorship(mentor, shy)
    mentorship(mentor, open_)
    snapshot = snapshot_of(db, compute())
    (spof,) = snapshot.findings["single_points_of_failure"]
    assert spof["cuts_off"]["executives"] == [open_.id]
    assert spof["cuts_off"]["executives_opted_out"] == 1


def test_opting_out_after_a_snapshot_hides_the_person_from_it(app, db, small_org, compute, settle):
    from community.accounts.models import User
    from community.network import queries

    snapshot_id = compute()
    user = db.session.get(User, small_org["mia"].id)
    user.analysis_opt_out = True
    db.session.commit()
    report = settle(lambda: queries.build_report(snapshot_of(db, snapshot_id), pseudonymised=False))
    named = [f.person.id for f in report.single_points_of_failure + report.overloaded + report.roles]
    assert small_org["mia"].id not in named
    assert report.opted_out["overloaded"] == 1 and report.opted_out_people == 1


def test_snapshot_dated_in_the_past_sees_the_programme_as_it_was(db, create_user, mentorship, compute):
    from community.database import utcnow

    mentor = create_user(roles=("mentor",), name="Mira", department="IT", capacity=3)
    early = create_user(roles=("executive",), name="Early Bird", department="Sales")
    late = create_user(roles=("executive",), name="Late Comer", department="Finance")
    mentorship(mentor, early, status="completed", days_ago=40)  # completed 10 days ago
    mentorship(mentor, late, days_ago=5)
    # Created moments ago: pretend everybody has been here for a year.
    from community.accounts.models import User

    for user in db.session.scalars(select(User)):
        user.created_at = utcnow() - timedelta(days=365)
    db.session.commit()
    then = snapshot_of(db, compute(utcnow() - timedelta(days=20)))
    now = snapshot_of(db, compute())
    assert then.summary["unmatched_executives"] == 1  # Late Comer had not asked yet
    assert [e["person_id"] for e in then.findings["unmatched_executives"]] == [late.id]
    assert {d for e in then.findings["single_points_of_failure"] for d in e["cuts_off"]["departments"]} == {"Sales"}
    # Today the early mentorship is completed: Sales has no active mentor link any more.
    assert {d for e in now.findings["single_points_of_failure"] for d in e["cuts_off"]["departments"]} == {"Finance"}


def test_health_trend_lists_snapshots_oldest_first_with_their_programme_run(app, db, small_org, compute, settle):
    from datetime import date

    from community.database import utcnow
    from community.mentoring.models import Cohort
    from community.network import services

    today = date.today()
    db.session.add(Cohort(name="Run 2026", starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30),
                          status="running"))
    db.session.commit()
    compute(utcnow() - timedelta(days=90))
    compute()
    trend = settle(services.health_trend, 10)
    assert [point.cohort for point in trend] == [None, "Run 2026"]
    assert trend[0].computed_at < trend[1].computed_at
    assert trend[1].summary["overloaded"] == 1


def test_what_if_names_exactly_what_loses_coverage(app, db, small_org, compute, settle, analyst):
    from community.network import services

    compute()
    actor = analyst
    view = settle(lambda: services.what_if(_reload(actor), [small_org["mia"].id]))
    assert [p.id for p in view.removed] == [small_org["mia"].id]
    assert sorted(p.id for p in view.executives) == sorted(e.id for e in small_org["sales"])
    assert view.departments == ["Sales"]
    assert view.health["unmatched_executives"] == {"before": 1, "after": 4, "change": 3}
    both = settle(lambda: services.what_if(_reload(actor), [f"{small_org['max'].id}, {small_org['mo'].id}"]))
    assert sorted(p.id for p in both.executives) == sorted(e.id for e in small_org["finance"])
    assert both.departments == ["Finance"] and [slug for slug, _ in both.topics] == ["power-bi"]


@pytest.mark.parametrize("refs", [[], ["999999"], ["abc"]])
def test_what_if_refuses_what_is_not_a_mentor(app, db, small_org, compute, settle, analyst, refs):
    from community.errors import ValidationFailed
    from community.network import services

    compute()
    with pytest.raises(ValidationFailed) as refused:
        settle(lambda: services.what_if(_reload(analyst), refs))
    assert "remove" in refused.value.fields


def test_what_if_refuses_executives_and_people_who_opted_out_alike(app, db, small_org, compute, settle, analyst,
                                                                   create_user):
    from community.errors import ValidationFailed
    from community.network import services

    hidden = create_user(roles=("mentor",), name="Hidden Mentor", analysis_opt_out=True)
    compute()
    messages = []
    for person in (small_org["sales"][0], hidden):
        with pytest.raises(ValidationFailed) as refused:
            settle(lambda person=person: services.what_if(_reload(analyst), [person.id]))
        messages.append(refused.value.fields["remove"][0].split(" ", 1)[1])
    assert messages[0] == messages[1]  # the answer does not tell who opted out


def _reload(user):
    from community.accounts.models import User
    from community.extensions import db

    return db.session.get(User, user.id)


def test_what_if_in_another_process_answers_from_the_stored_snapshot_without_rebuilding(
        app, db, small_org, compute, settle, analyst, monkeypatch):
    from community.network import loading, services
    from community.network.models import SnapshotCoverage

    compute()
    second = compute()
    assert db.session.scalars(select(SnapshotCoverage.snapshot_id)).all() == [second]  # the latest only
    app.extensions.pop("network.live", None)  # a worker that never loaded the network

    def no_loading(*args, **kwargs):
        raise AssertionError("what-if rebuilt the graph from the database")

    monkeypatch.setattr(loading, "load_input", no_loading)
    view = settle(lambda: services.what_if(_reload(analyst), [small_org["mia"].id]))
    assert sorted(p.id for p in view.executives) == sorted(e.id for e in small_org["sales"])
    assert view.departments == ["Sales"]
    assert view.health["unmatched_executives"] == {"before": 1, "after": 4, "change": 3}


def test_what_if_answers_from_the_live_graph_when_the_stored_index_cannot_be_read(
        app, db, small_org, compute, settle, analyst):
    """A stored document this version does not read (written by another, or damaged) is passed
    over: the same answer from the current data, never an error page."""
    from sqlalchemy import update

    from community.network import services
    from community.network.models import SnapshotCoverage

    snapshot_id = compute()
    expected = settle(lambda: services.what_if(_reload(analyst), [small_org["mia"].id]))
    stored = db.session.scalar(select(SnapshotCoverage.data).where(SnapshotCoverage.snapshot_id == snapshot_id))
    positions_out_of_range = {**stored, "department_index": [99] * len(stored["department_index"])}
    for damaged in ({"version": 2, "mentors": "not a list"}, {"version": 2}, {"version": 9}, positions_out_of_range):
        db.session.execute(update(SnapshotCoverage).where(SnapshotCoverage.snapshot_id == snapshot_id)
                           .values(data=damaged))
        db.session.commit()
        app.extensions.pop("network.live", None)
        view = settle(lambda: services.what_if(_reload(analyst), [small_org["mia"].id]))
        assert (view.executives, view.health) == (expected.executives, expected.health), damaged
