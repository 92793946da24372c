"""Peer learning circle proposals (pure code, no app)."""

from __future__ import annotations

import itertools

from community.network.circles import CircleMentor, propose_circles

DEPARTMENTS = ["IT", "Sales", "HR", "Finance", "Legal", "Marketing"]
TOPICS = ["microsoft-teams", "sharepoint", "linkedin", "social-selling", "ai-assistants", "cyber-hygiene", "viva-engage"]


def _mentors(n=24, communities=2):
    return [
        CircleMentor(person_id=i, department=DEPARTMENTS[i % len(DEPARTMENTS)],
                     levels={TOPICS[i % len(TOPICS)]: "expert", TOPICS[(i + 1) % len(TOPICS)]: "practitioner",
                             "microsoft-teams": "interested" if i % len(TOPICS) else "expert"},
                     community=i % communities, is_ambassador=i == 3)
        for i in range(1, n + 1)
    ]


def test_proposals_have_four_to_six_members_of_one_community_from_several_departments_with_reasons():
    mentors = {m.person_id: m for m in _mentors()}
    proposals = propose_circles(mentors.values())
    assert proposals
    seen: set[int] = set()
    for p in proposals:
        assert 4 <= len(p.member_ids) <= 6
        assert len({mentors[i].community for i in p.member_ids}) == 1
        assert len({mentors[i].department for i in p.member_ids}) >= 3
        assert not seen & set(p.member_ids)  # each mentor in one proposal per run
        seen |= set(p.member_ids)
        codes = [code for code, _v in p.reasons]
        assert codes[0] == "departments" and "complementary" in codes


def test_proposals_never_repeat_a_pair_that_already_shares_a_circle():
    mentors = _mentors(30, communities=1)
    first = propose_circles(mentors)
    existing = [frozenset(pair) for p in first for pair in itertools.combinations(p.member_ids, 2)]
    second = propose_circles(mentors, existing)
    for p in second:
        for pair in itertools.combinations(p.member_ids, 2):
            assert frozenset(pair) not in existing


def test_a_single_department_is_no_circle():
    same = [CircleMentor(i, "IT", {"linkedin": "expert"}, community=1) for i in range(10)]
    assert propose_circles(same) == []


def test_the_reasons_name_exactly_the_topics_shown_and_count_the_rest():
    """A proposal showed a shared topic its reasons never named, and named a topic brought by one
    member that it did not show."""
    from community.network.circles import SHOWN_TOPICS

    many = [f"topic-{n:02d}" for n in range(14)]
    mentors = [
        CircleMentor(person_id=i, department=DEPARTMENTS[i % len(DEPARTMENTS)],
                     levels={**{slug: "expert" for slug in many[:5]}, many[5 + i]: "practitioner"},
                     community=1, is_ambassador=False)
        for i in range(1, 7)
    ]
    proposal = propose_circles(mentors)[0]
    reasons = dict(proposal.reasons)
    assert len(proposal.topics) == SHOWN_TOPICS
    named = set(reasons["shared"]["topics"]) | set(reasons["complementary"]["topics"])
    assert named == set(proposal.topics)  # every topic shown is named, none other
    assert set(reasons["shared"]["topics"]) == set(many[:5])
    assert reasons["complementary"]["n"] == len(proposal.member_ids)  # one own topic per member
