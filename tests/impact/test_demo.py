"""The demo organisation holds answered surveys, so `make run` shows a filled report."""

from __future__ import annotations

from tests.conftest import login, text_of


def test_demo_runs_have_answered_surveys_and_a_filled_report(app, runner, client, db):
    from sqlalchemy import select

    from community.accounts.models import User, UserRole
    from community.impact.models import Survey
    from community.impact.queries import all_runs, run_reports

    result = runner.invoke(args=["demo", "--people", "400", "--seed", "1"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    surveys = db.session.scalars(select(Survey)).all()
    assert sorted((s.kind, s.status) for s in surveys) == [("end", "closed"), ("end", "open"), ("start", "closed"),
                                                          ("start", "closed")]
    # Nothing in the demo's histories happened after today: an upcoming session was arranged
    # in the past, and feedback and notes follow sessions already held.
    from sqlalchemy import func

    from community.database import utcnow
    from community.mentoring.models import (
        MentoringSession,
        SessionChange,
        SessionFeedback,
        SessionNote,
    )

    now = utcnow()
    from community.mentoring.models import Mentorship

    for column in (SessionChange.changed_at, MentoringSession.created_at, SessionFeedback.created_at,
                   SessionNote.updated_at, Mentorship.requested_at, Mentorship.decided_at):
        latest = db.session.scalar(select(func.max(column)))
        assert latest is not None and latest.replace(tzinfo=now.tzinfo) <= now, column
    assert db.session.scalar(select(func.count()).select_from(MentoringSession)
                             .where(MentoringSession.status == "planned")) > 0  # upcoming ones are among them
    decided = db.session.scalars(select(Mentorship.decided_at).where(Mentorship.decided_at.is_not(None))).all()
    assert sum(1 for moment in decided if (moment.hour, moment.minute) == (0, 0)) < len(decided) / 10  # not all at midnight
    reports = run_reports(all_runs())
    closed = next(r for r in reports.values() if r.cohort.status == "closed")
    shown = [d for d in closed.dimensions if not d.figure.suppressed]
    assert {d.kind for d in shown} == {"start", "end"} and {d.side for d in shown} == {"executive", "mentor"}
    assert closed.competence_overall.gain is not None and closed.competence_overall.gain > 0
    assert closed.goals["reached"] > 0 and closed.completed > 0

    manager = db.session.scalar(select(User).join(UserRole).where(UserRole.role == "change_manager"))
    login(client, manager.email, "mentoring-demo-2026")
    page = client.get(f"/runs/{closed.cohort.id}/report")
    assert page.status_code == 200
    assert "fewer than" not in text_of(page).split("Competence gain")[0].split("Incentives")[1]
