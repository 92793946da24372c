"""Peer learning circles: proposals of 4–6 mentors from the detected communities.

Pure code over plain records. Within each community of the mentor network, a circle grows
greedily from a seed: each step adds the mentor who brings the most — a department the circle
does not have yet, topics nobody in it knows well (complementary), and at least one topic in
common with someone (something to talk about). Two people who already share a circle are never
put together again, and each mentor is proposed for at most one circle per run. To stay fast
in very large groups, each step looks at a bounded window of candidates (mixed by department).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

MIN_SIZE, MAX_SIZE = 4, 6
SHOWN_TOPICS = 8  # a proposal's topics on the page; its reasons name these and no others
WINDOW = 60
STRONG = ("expert", "practitioner")


@dataclass(frozen=True)
class CircleMentor:
    person_id: int
    department: str | None
    levels: dict[str, str]  # slug -> level
    community: int | None = None
    is_ambassador: bool = False


@dataclass
class CircleProposal:
    member_ids: list[int]
    topics: list[str]  # slugs the circle covers well, most shared first
    reasons: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    score: float = 0.0


def _strong(m: CircleMentor) -> set[str]:
    return {slug for slug, level in m.levels.items() if level in STRONG}


def _gain(candidate: CircleMentor, members: list[CircleMentor], covered: set[str], departments: set[str | None]) -> float:
    strong = _strong(candidate)
    new_topics = len(strong - covered)
    common = bool(set(candidate.levels) & {slug for m in members for slug in m.levels})
    new_department = candidate.department is not None and candidate.department not in departments
    return 1.0 * new_department + 0.5 * min(new_topics, 3) + 0.5 * common + 0.2 * candidate.is_ambassador


def _mixed_order(group: list[CircleMentor]) -> list[CircleMentor]:
    """Round-robin over departments, so any window of candidates mixes departments."""
    by_department: dict[str | None, list[CircleMentor]] = defaultdict(list)
    for m in sorted(group, key=lambda m: m.person_id):
        by_department[m.department].append(m)
    queues = [by_department[d] for d in sorted(by_department, key=lambda d: (d is None, d or ""))]
    ordered: list[CircleMentor] = []
    index = 0
    while len(ordered) < len(group):
        for queue in queues:
            if index < len(queue):
                ordered.append(queue[index])
        index += 1
    return ordered


def _together(candidate: CircleMentor, members: list[CircleMentor], taken_pairs: set[frozenset[int]]) -> bool:
    """Whether the candidate already shares a circle with one of the members."""
    return any(frozenset((candidate.person_id, m.person_id)) in taken_pairs for m in members)


def _best_candidate(window: list[CircleMentor], members: list[CircleMentor], covered: set[str],
                    departments: set[str | None], taken_pairs: set[frozenset[int]]) -> tuple[CircleMentor | None, float]:
    """The candidate of the window with the highest gain (the first of equals), and that gain."""
    best, best_gain = None, 0.0
    for candidate in window:
        if _together(candidate, members, taken_pairs) or candidate in members:
            continue
        gain = _gain(candidate, members, covered, departments)
        if gain > best_gain:
            best, best_gain = candidate, gain
    return best, best_gain


def _grow(seed: CircleMentor, pool: list[CircleMentor], used: set[int], taken_pairs: set[frozenset[int]],
          size: int) -> list[CircleMentor]:
    """A circle grown greedily from the seed, while each step still brings at least a gain of 1."""
    members = [seed]
    covered = set(_strong(seed))
    departments = {seed.department}
    window = [m for m in pool if m.person_id not in used and m.person_id != seed.person_id][:WINDOW]
    while len(members) < size:
        best, best_gain = _best_candidate(window, members, covered, departments, taken_pairs)
        if best is None or best_gain < 1.0:
            break
        members.append(best)
        covered |= _strong(best)
        departments.add(best.department)
        window.remove(best)
    return members


def _viable(members: list[CircleMentor]) -> bool:
    return len(members) >= MIN_SIZE and len({m.department for m in members}) >= 2


def _take(members: list[CircleMentor], used: set[int], taken_pairs: set[frozenset[int]]) -> None:
    """Mark the members as proposed, and every pair of them as sharing a circle."""
    used.update(m.person_id for m in members)
    for a in members:
        for b in members:
            if a.person_id < b.person_id:
                taken_pairs.add(frozenset((a.person_id, b.person_id)))


def _topic_counts(members: list[CircleMentor]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for m in members:
        for slug in _strong(m):
            counts[slug] += 1
    return counts


def _reasons(members: list[CircleMentor], community: int | None, shared: list[str],
             single: list[str], singles: int) -> list[tuple[str, dict[str, object]]]:
    """Why these people: departments, the shown topics two or more of them bring, the shown
    topics one of them brings (`singles` counts those too that are not shown), the group of the
    mentor network, ambassadors."""
    names = sorted({m.department for m in members if m.department})
    reasons: list[tuple[str, dict[str, object]]] = [("departments", {"n": len(names), "names": names})]
    if shared:
        reasons.append(("shared", {"topics": shared}))
    if singles:
        reasons.append(("complementary", {"topics": single, "n": singles}))
    if community is not None:
        reasons.append(("community", {}))
    ambassadors = sum(m.is_ambassador for m in members)
    if ambassadors:
        reasons.append(("ambassadors", {"n": ambassadors}))
    return reasons


def _proposal(members: list[CircleMentor], community: int | None) -> CircleProposal:
    counts = _topic_counts(members)
    topics = sorted(counts, key=lambda s: (-counts[s], s))
    shared = [s for s in topics if counts[s] >= 2]
    single = [s for s in topics if counts[s] == 1]
    score = len({m.department for m in members}) + 0.5 * len(single) + 0.5 * min(len(shared), 2)
    # The reasons name exactly the topics the proposal shows (the shared ones first), and count
    # the topics brought by one member that did not fit.
    shown = topics[:SHOWN_TOPICS]
    reasons = _reasons(members, community, [s for s in shown if counts[s] >= 2],
                       [s for s in shown if counts[s] == 1], len(single))
    return CircleProposal(member_ids=[m.person_id for m in members], topics=shown, reasons=reasons,
                          score=round(score, 2))


def _propose_in_community(community: int | None, group: list[CircleMentor], taken_pairs: set[frozenset[int]],
                          proposals: list[CircleProposal], limit: int, size: int) -> None:
    """Add the circles of one community to `proposals`, until there are `limit` of them."""
    pool = _mixed_order(group)
    used: set[int] = set()
    for seed in pool:
        if len(proposals) >= limit:
            break
        if seed.person_id in used:
            continue
        members = _grow(seed, pool, used, taken_pairs, size)
        if not _viable(members):
            continue
        _take(members, used, taken_pairs)
        proposals.append(_proposal(members, community))


def propose_circles(mentors: Iterable[CircleMentor], existing_pairs: Iterable[frozenset[int]] = (),
                    limit: int = 20, size: int = MAX_SIZE) -> list[CircleProposal]:
    size = max(MIN_SIZE, min(MAX_SIZE, size))
    taken_pairs = {frozenset(p) for p in existing_pairs}
    groups: dict[int | None, list[CircleMentor]] = defaultdict(list)
    for m in mentors:
        groups[m.community].append(m)
    proposals: list[CircleProposal] = []
    for community in sorted(groups, key=lambda c: (c is None, -len(groups[c]), c or 0)):
        _propose_in_community(community, groups[community], taken_pairs, proposals, limit, size)
        if len(proposals) >= limit:
            break
    proposals.sort(key=lambda p: (-p.score, p.member_ids))
    return proposals
