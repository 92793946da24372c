"""Fading mentors judged against their own baseline (pure code, no app)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from community.network.fading import MentorActivity, assess, fading_mentors

NOW = datetime(2026, 6, 15, tzinfo=UTC)


def _spread(count: int, start_days_ago: int, end_days_ago: int) -> tuple[datetime, ...]:
    """`count` times evenly spread between two ages."""
    if count == 0:
        return ()
    step = (start_days_ago - end_days_ago) / count
    return tuple(NOW - timedelta(days=start_days_ago - step * (i + 0.5)) for i in range(count))


def test_a_mentor_whose_cancellations_double_is_flagged_and_a_steady_one_is_not():
    # Baseline: 2 per 90 days over 270 days = 6; recent: 4 (doubled).
    doubling = MentorActivity(1, capacity=3, load=2, changes=_spread(6, 360, 91) + _spread(4, 89, 1))
    # Always cancels a lot (4 per 90 days), and still does: steady, never compared with others.
    steady = MentorActivity(2, capacity=3, load=2, changes=_spread(12, 360, 91) + _spread(4, 89, 1))
    found = fading_mentors([doubling, steady], NOW)
    assert [f.person_id for f in found] == [1]
    code, values = found[0].reasons[0]
    assert code == "changes" and values == {"recent": 4, "baseline": 2.0}


def test_slower_answers_fewer_posts_and_fewer_sessions_are_signs_too():
    answers = tuple((at, 6.0) for at in _spread(4, 300, 100)) + tuple((at, 120.0) for at in _spread(2, 60, 10))
    mentor = MentorActivity(3, capacity=3, load=3, answers=answers, posts=_spread(27, 360, 91) + _spread(1, 50, 40),
                            sessions=_spread(18, 360, 91) + _spread(1, 30, 20))
    flagged = assess(mentor, NOW)
    assert flagged is not None
    assert [code for code, _v in flagged.reasons] == ["answers", "posts", "sessions"]
    assert 0 < flagged.score <= 1


def test_a_new_mentor_without_history_is_not_flagged():
    assert assess(MentorActivity(4, capacity=2, load=0, changes=_spread(1, 10, 5)), NOW) is None
