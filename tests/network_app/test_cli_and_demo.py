"""`flask network analyze`, job clean-up, and the demo organisation's network."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select


def test_analyze_stores_a_snapshot_and_prints_a_summary(runner, small_org, db):
    from community.network.models import AnalysisSnapshot, PersonFigure

    result = runner.invoke(args=["network", "analyze"])
    assert result.exit_code == 0, result.output
    assert "Single points of failure: 2" in result.output
    assert "Overloaded mentors: 1" in result.output
    snapshot = db.session.scalar(select(AnalysisSnapshot))
    assert f"Snapshot {snapshot.id} computed" in result.output
    assert snapshot.computed_by_id is None
    assert db.session.scalar(select(func.count()).select_from(PersonFigure)) > 0


def test_analyze_json_prints_the_summary_as_json(runner, small_org, db):
    result = runner.invoke(args=["network", "analyze", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["summary"]["people"] == 10 and data["summary"]["overloaded"] == 1
    assert data["snapshot_id"] >= 1


def test_forget_jobs_deletes_only_old_finished_jobs(runner, db):
    from community.database import utcnow
    from community.network.models import AnalysisJob

    old = utcnow() - timedelta(days=40)
    db.session.add_all([
        AnalysisJob(status="done", requested_at=old),
        AnalysisJob(status="failed", requested_at=old),
        AnalysisJob(status="done", requested_at=utcnow()),
    ])
    db.session.commit()
    result = runner.invoke(args=["network", "forget-jobs", "--days", "30"])
    assert result.exit_code == 0 and "Deleted 2" in result.output
    assert db.session.scalar(select(func.count()).select_from(AnalysisJob)) == 1


def test_demo_organisation_has_findings_and_a_trend(app, db):
    from community import demo
    from community.network import services

    def build():
        summary = demo.build(people=120, seed=3)
        db.session.commit()
        return summary

    with app.app_context():
        summary = build()
        snapshot = services.latest_snapshot()
        findings = snapshot.findings
        trend = services.health_trend(10)
    assert summary["network_snapshots"] == 3 and len(trend) == 3
    assert any(entry["cuts_off"]["departments"] for entry in findings["single_points_of_failure"])
    assert findings["overloaded"] and findings["uncovered_topics"]
    assert trend[0].computed_at < trend[-1].computed_at


def test_the_demo_leaves_postgresql_with_planner_statistics(runner, app, db):
    """After the demo's bulk load the planner knew nothing of the new rows (autovacuum gathers
    statistics later, or never where it is off): it took 10,000 mentor roles for a handful and
    the fading mentors' query of `network analyze` ran 11 s instead of milliseconds."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    result = runner.invoke(args=["demo", "--people", "40", "--seed", "2"])
    assert result.exit_code == 0, result.output
    with db.engine.connect() as connection:
        estimated = connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'user_roles'")).scalar()
        stored = connection.execute(text("SELECT count(*) FROM user_roles")).scalar()
    assert stored >= 40 and estimated == stored


def test_no_demo_session_is_held_before_its_mentorship_began(app, db):
    """A demo pair requested on 31 August had done sessions from 22 March: the fading mentor's
    story put ten sessions on one mentorship, months before it was requested."""
    from community import demo
    from community.mentoring.models import MentoringSession, Mentorship

    with app.app_context():
        summary = demo.build(people=300, seed=1)
        db.session.commit()
        early = db.session.execute(
            select(Mentorship.id, Mentorship.requested_at, MentoringSession.starts_at)
            .join(MentoringSession, MentoringSession.mentorship_id == Mentorship.id)
            .where(MentoringSession.starts_at < Mentorship.requested_at)
        ).all()
    assert early == []
    assert summary["pool_fading_mentor"]
