"""Topic demand against supply on hand-built organisations (pure code, no app)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from community.network.demand import DemandSignal, MentorSupply, month_keys, recency, topic_demand

NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


def _topic(report, slug):
    return next(t for t in report.topics if t.slug == slug)


def test_demand_follows_goals_agendas_and_questions_with_their_weights():
    signals = [
        DemandSignal("teams", "goal", NOW, "Sales"),
        DemandSignal("teams", "agenda", NOW, "Sales"),
        DemandSignal("teams", "question", NOW, "Finance"),
        DemandSignal("sharepoint", "question", NOW, "Finance"),
    ]
    report = topic_demand(signals, [], NOW)
    teams = _topic(report, "teams")
    assert teams.demand == 2.25  # 1 (goal) + ½ (agenda) + ¾ (question), all of today
    assert teams.signals == {"goal": 1, "agenda": 1, "question": 1}
    assert teams.by_department == {"Finance": 0.75, "Sales": 1.5}
    assert _topic(report, "sharepoint").demand == 0.75
    assert report.departments == ["Finance", "Sales"]
    assert report.topics[0].slug == "teams"  # most needed first


def test_recent_signs_weigh_more_and_old_ones_fall_out_of_the_window():
    assert recency(NOW, NOW) == 1.0
    assert abs(recency(NOW - timedelta(days=90), NOW) - 0.5) < 1e-9
    signals = [DemandSignal("teams", "goal", NOW - timedelta(days=90)),
               DemandSignal("teams", "goal", NOW - timedelta(days=800))]
    teams = _topic(topic_demand(signals, [], NOW, months=12), "teams")
    assert teams.demand == 0.5
    assert teams.signals["goal"] == 1


def test_need_is_demand_minus_supply_divided_by_places_per_mentor():
    signals = [DemandSignal("teams", "goal", NOW) for _ in range(7)]
    mentors = [
        MentorSupply(1, capacity=3, load=1, levels={"teams": "expert"}),  # 2 free × 1 = 2
        MentorSupply(2, capacity=2, load=0, levels={"teams": "practitioner"}),  # 2 free × 0.6 = 1.2
        MentorSupply(3, capacity=2, load=0, levels={"teams": "interested"}),  # learners supply nothing
        MentorSupply(4, capacity=4, load=0, levels={"teams": "expert"}, paused=True),  # paused: nothing
    ]
    teams = _topic(topic_demand(signals, mentors, NOW), "teams")
    assert teams.supply == 3.2
    assert teams.places_short == 3.8
    assert teams.places_per_mentor == 2  # median capacity of 3, 2, 2, 4 → 2.5 → rounds to 2
    assert teams.need == 2  # ⌈3.8 ÷ 2⌉
    assert teams.mentors == 3 and teams.free_places == 4


def test_enough_supply_means_nobody_to_recruit():
    signals = [DemandSignal("teams", "goal", NOW)]
    mentors = [MentorSupply(1, capacity=3, load=0, levels={"teams": "expert"})]
    teams = _topic(topic_demand(signals, mentors, NOW), "teams")
    assert teams.need == 0 and teams.places_short == 0


def test_months_are_counted_per_calendar_month():
    assert month_keys(NOW, 3) == ["2026-04", "2026-05", "2026-06"]
    signals = [DemandSignal("teams", "goal", datetime(2026, 5, 2, tzinfo=UTC)),
               DemandSignal("teams", "agenda", datetime(2026, 5, 20, tzinfo=UTC)),
               DemandSignal("teams", "agenda", NOW + timedelta(days=10))]  # planned ahead: this month
    teams = _topic(topic_demand(signals, [], NOW, months=3), "teams")
    assert teams.by_month == {"2026-04": 0, "2026-05": 2, "2026-06": 1}


def test_signs_are_also_counted_per_department_unweighted():
    """The page's department grid shows how many signs came from each department (whole numbers)."""
    signals = [
        DemandSignal("teams", "goal", NOW, "Sales"),
        DemandSignal("teams", "agenda", NOW - timedelta(days=200), "Sales"),
        DemandSignal("teams", "question", NOW, "Finance"),
        DemandSignal("teams", "goal", NOW - timedelta(days=900), "Finance"),  # before the window
        DemandSignal("teams", "goal", NOW),  # no department
    ]
    teams = _topic(topic_demand(signals, [], NOW, months=12), "teams")
    assert teams.signals_by_department == {"Finance": 1, "Sales": 2}
