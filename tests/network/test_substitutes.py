"""Substitute mentors on hand-built organisations (pure code, no app)."""

from __future__ import annotations

from community.network.substitutes import Candidate, Handing, rank_substitutes, topic_similarity

LEAVER = {"microsoft-teams": "expert", "sharepoint": "expert", "viva-engage": "practitioner"}


def _handing(executive_id, department="Sales", goals=("microsoft-teams", "sharepoint"), languages=("de",)):
    return Handing(mentor_id=1, executive_id=executive_id, executive_department=department,
                   executive_languages=frozenset(languages), goals=goals, mentor_levels=LEAVER, mentor_community=7)


def _pool():
    return [
        Candidate(1, "IT", frozenset({"de"}), 3, 3, LEAVER, community=7),  # the leaver
        # Same cluster, same topics, free place, speaks German, another department than Sales.
        Candidate(2, "IT", frozenset({"de", "en"}), 3, 1, {"microsoft-teams": "expert", "sharepoint": "practitioner"}, community=7),
        # Same topics but at capacity: never proposed.
        Candidate(3, "HR", frozenset({"de"}), 2, 2, {"microsoft-teams": "expert", "sharepoint": "expert"}, community=7),
        # Another cluster, other topics.
        Candidate(4, "Finance", frozenset({"en"}), 3, 0, {"linkedin": "expert", "social-selling": "expert"}, community=2),
        # Paused: never proposed.
        Candidate(5, "IT", frozenset({"de"}), 3, 0, LEAVER, community=7, paused=True),
        # Same cluster, knows one goal, English only.
        Candidate(6, "Marketing", frozenset({"en"}), 2, 0, {"microsoft-teams": "practitioner"}, community=7),
    ]


def test_a_mentor_leaving_three_executives_gets_substitutes_from_the_right_cluster_never_at_capacity():
    pool = _pool()
    for executive_id in (101, 102, 103):
        ranked = rank_substitutes(_handing(executive_id), pool)
        ids = [s.person_id for s in ranked]
        assert ids[0] == 2
        assert 3 not in ids and 5 not in ids and 1 not in ids and executive_id not in ids
        assert ids.index(6) < ids.index(4)  # same cluster and a goal known beat a stranger to the topics
        codes = [code for code, _values in ranked[0].reasons]
        assert codes[:2] == ["knows_goals", "same_cluster"]
        assert "free" in codes and "language" in codes and "other_department" in codes


def test_mentors_the_executive_already_works_with_are_not_proposed():
    handing = Handing(mentor_id=1, executive_id=101, executive_department="Sales", executive_languages=frozenset(),
                      goals=("microsoft-teams",), mentor_levels=LEAVER, excluded=frozenset({2}))
    assert 2 not in [s.person_id for s in rank_substitutes(handing, _pool())]


def test_topic_similarity_is_one_for_the_same_topics_and_zero_for_none_shared():
    assert topic_similarity(LEAVER, LEAVER) == 1.0
    assert topic_similarity(LEAVER, {"linkedin": "expert"}) == 0.0
    assert topic_similarity({}, {}) == 0.0


def test_a_mentor_who_knows_the_goals_comes_before_one_who_only_shares_the_network_group():
    """Someone of the leaver's group with similar topics, free places and the executive's language,
    but none of the executive's goals, ranked above an expert in both goals from another group."""
    pool = [
        # Same group, close to the leaver's topics apart from the goals, all places free, speaks German.
        Candidate(11, "IT", frozenset({"de"}), 4, 0, {"viva-engage": "practitioner"}, community=7),
        # Another group, expert in both goals, one place of three free, English only.
        Candidate(12, "Finance", frozenset({"en"}), 3, 2, {"microsoft-teams": "expert", "sharepoint": "expert"}, community=2),
        # Another group, practitioner in one goal, one place of three free, English only.
        Candidate(13, "Legal", frozenset({"en"}), 3, 2, {"sharepoint": "practitioner"}, community=3),
    ]
    ranked = rank_substitutes(_handing(101), pool)
    assert [s.person_id for s in ranked] == [12, 13, 11]
    assert ranked[2].score > ranked[1].score  # the group and the rest alone put 11 before 13
    assert [code for code, _values in ranked[2].reasons][:2] == ["no_goals", "same_cluster"]
