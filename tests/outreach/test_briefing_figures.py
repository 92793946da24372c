"""The weekly briefing's pool figures compare like with like, whatever the stored snapshots hold."""

from __future__ import annotations

from datetime import timedelta


def _snapshot(db, at, fading_summary, findings):
    from community.network.models import AnalysisSnapshot

    db.session.add(AnalysisSnapshot(computed_at=at, findings=findings,
                                    summary={"idle": 0, "fading_mentors": fading_summary}))
    db.session.flush()


def test_a_snapshot_stored_without_the_list_of_fading_mentors_keeps_its_figure(db, create_user):
    """Last week's snapshot predates the stored list: its summary's 2 is last week's count, not
    0 (which would read as '+1' when one mentor is flagged now)."""
    from community.database import utcnow
    from community.outreach.briefing import pool_changes

    flagged = create_user(roles=("mentor",), name="Fritz Fading")
    now = utcnow()
    _snapshot(db, now - timedelta(days=7), 2, {})
    _snapshot(db, now - timedelta(hours=1), 1, {"fading_mentors": [{"person_id": flagged.id, "score": 0.8, "reasons": []}]})
    changes = pool_changes(now)
    assert changes is not None and changes.before is not None
    assert (changes.before["fading_mentors"], changes.now["fading_mentors"]) == (2, 1)


def test_someone_who_opted_out_since_is_left_out_of_both_weeks(db, create_user):
    from community.database import utcnow
    from community.outreach.briefing import pool_changes

    stays = create_user(roles=("mentor",), name="Fritz Fading")
    gone = create_user(roles=("mentor",), name="Olga Optout", analysis_opt_out=True)
    both = [{"person_id": stays.id, "score": 0.8, "reasons": []}, {"person_id": gone.id, "score": 0.9, "reasons": []}]
    now = utcnow()
    _snapshot(db, now - timedelta(days=7), 2, {"fading_mentors": both})
    _snapshot(db, now - timedelta(hours=1), 2, {"fading_mentors": both})
    changes = pool_changes(now)
    assert changes is not None and changes.before is not None
    assert (changes.before["fading_mentors"], changes.now["fading_mentors"]) == (1, 1)


def test_a_snapshot_redacted_after_an_opt_out_still_has_no_list_to_count(db, create_user):
    """Someone opting out redacts every stored snapshot; one that kept no list of fading mentors
    must not gain an empty one (it would read as nobody fading: a false '+N' again)."""
    from community.database import utcnow
    from community.network.redaction import redact_findings
    from community.outreach.briefing import pool_changes

    flagged = create_user(roles=("mentor",), name="Fritz Fading")
    gone = create_user(roles=("mentor",), name="Olga Optout", analysis_opt_out=True)
    assert "fading_mentors" not in redact_findings({"roles": []}, {gone.id})
    now = utcnow()
    _snapshot(db, now - timedelta(days=7), 3, redact_findings({"expired": True}, {gone.id}))
    _snapshot(db, now - timedelta(hours=1), 2, {"fading_mentors": [{"person_id": flagged.id, "score": 0.8, "reasons": []},
                                                                    {"person_id": gone.id, "score": 0.7, "reasons": []}]})
    changes = pool_changes(now)
    assert changes is not None and changes.before is not None
    # Last week kept no list: both weeks by their summary figures, compared alike.
    assert (changes.before["fading_mentors"], changes.now["fading_mentors"]) == (3, 2)
