"""Substitute mentors for a mentorship whose mentor leaves, pauses or is deactivated.

Pure code over plain records. A candidate is scored on
- goal fit: how well they know the mentorship's goals (expert 1, practitioner 0.7, interested 0.15);
- topic cluster: the same community of the mentor network as the leaving mentor, and how
  similar their topics are to the leaving mentor's (weighted Jaccard of the level weights);
- free capacity, a language the executive speaks, and another department than the executive's.
Nobody at capacity, paused, inactive, the executive or the leaving mentor themselves is proposed.
Whoever knows more of the goals well (as practitioner or expert) comes first, and the score
orders those who know as many: the same network group and similar topics to the leaving mentor
do not put someone who knows none of the executive's goals above someone who does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

LEVEL_WEIGHT = {"expert": 1.0, "practitioner": 0.7, "interested": 0.15}
WEIGHTS = {"goals": 0.4, "cluster": 0.15, "similar": 0.15, "free": 0.15, "language": 0.1, "department": 0.05}


@dataclass(frozen=True)
class Candidate:
    person_id: int
    department: str | None
    languages: frozenset[str]
    capacity: int
    load: int
    levels: dict[str, str]  # slug -> level
    community: int | None = None
    paused: bool = False
    active: bool = True


@dataclass(frozen=True)
class Handing:
    """The mentorship to hand over."""

    mentor_id: int
    executive_id: int
    executive_department: str | None
    executive_languages: frozenset[str]
    goals: tuple[str, ...]  # slugs
    mentor_levels: dict[str, str]
    mentor_community: int | None = None
    excluded: frozenset[int] = frozenset()  # e.g. mentors the executive already has an open mentorship with


@dataclass
class Substitute:
    person_id: int
    score: float
    reasons: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # (code, values), words come later
    goals_known_well: int = 0  # of the mentorship's goals, how many they know as practitioner or expert


def topic_similarity(a: dict[str, str], b: dict[str, str]) -> float:
    """Weighted Jaccard of two people's topic levels: 1 for the same topics at the same levels."""
    keys = set(a) | set(b)
    if not keys:
        return 0.0
    top = sum(min(LEVEL_WEIGHT.get(a.get(k, ""), 0.0), LEVEL_WEIGHT.get(b.get(k, ""), 0.0)) for k in keys)
    bottom = sum(max(LEVEL_WEIGHT.get(a.get(k, ""), 0.0), LEVEL_WEIGHT.get(b.get(k, ""), 0.0)) for k in keys)
    return top / bottom if bottom else 0.0


def _eligible(handing: Handing, c: Candidate) -> bool:
    """Active, not paused, neither the leaving mentor nor the executive, not excluded, with room."""
    if not c.active or c.paused:
        return False
    if c.person_id in (handing.mentor_id, handing.executive_id) or c.person_id in handing.excluded:
        return False
    return c.capacity - c.load > 0


@dataclass(frozen=True)
class _Fit:
    """What speaks for one candidate, before it is weighted into a score."""

    known: list[tuple[str, str]]  # (slug, level) of the goals the candidate knows
    goal_fit: float
    same_cluster: bool
    similar: float
    free: int
    shared: list[str]  # languages shared with the executive
    other_department: bool


def _fit(handing: Handing, c: Candidate) -> _Fit:
    known = [(slug, c.levels[slug]) for slug in handing.goals if slug in c.levels]
    goal_fit = (sum(LEVEL_WEIGHT.get(level, 0.0) for _slug, level in known) / len(handing.goals)
                if handing.goals else 0.0)
    return _Fit(
        known=known,
        goal_fit=goal_fit,
        same_cluster=handing.mentor_community is not None and c.community == handing.mentor_community,
        similar=topic_similarity(handing.mentor_levels, c.levels),
        free=c.capacity - c.load,
        shared=sorted(handing.executive_languages & c.languages),
        other_department=bool(c.department and handing.executive_department
                              and c.department != handing.executive_department),
    )


def _score(fit: _Fit, c: Candidate) -> float:
    return (WEIGHTS["goals"] * min(fit.goal_fit, 1.0) + WEIGHTS["cluster"] * fit.same_cluster
            + WEIGHTS["similar"] * fit.similar + WEIGHTS["free"] * (fit.free / c.capacity)
            + WEIGHTS["language"] * bool(fit.shared) + WEIGHTS["department"] * fit.other_department)


def _goal_reason(handing: Handing, fit: _Fit) -> tuple[str, dict[str, object]]:
    strong = [slug for slug, level in fit.known if level in ("expert", "practitioner")]
    if strong:  # as many as _known_well counts
        return ("knows_goals", {"topics": strong, "n": len(strong), "total": len(handing.goals)})
    if fit.known:
        return ("learning_goals", {"topics": [slug for slug, _level in fit.known]})
    return ("no_goals", {})


def _reasons(handing: Handing, c: Candidate, fit: _Fit) -> list[tuple[str, dict[str, object]]]:
    reasons: list[tuple[str, dict[str, object]]] = [_goal_reason(handing, fit)]
    if fit.same_cluster:
        reasons.append(("same_cluster", {}))
    if fit.similar >= 0.3:
        reasons.append(("similar_topics", {"percent": round(fit.similar * 100)}))
    reasons.append(("free", {"free": fit.free, "capacity": c.capacity}))
    if fit.shared:
        reasons.append(("language", {"languages": fit.shared}))
    elif handing.executive_languages:
        reasons.append(("no_language", {}))
    if fit.other_department:
        reasons.append(("other_department", {"department": c.department}))
    return reasons


def rank_substitutes(handing: Handing, candidates: Iterable[Candidate], limit: int = 10) -> list[Substitute]:
    ranked: list[Substitute] = []
    for c in candidates:
        if not _eligible(handing, c):
            continue
        fit = _fit(handing, c)
        ranked.append(Substitute(person_id=c.person_id, score=round(_score(fit, c), 3),
                                 reasons=_reasons(handing, c, fit), goals_known_well=_known_well(fit)))
    ranked.sort(key=lambda s: (-s.goals_known_well, -s.score, s.person_id))
    return ranked[:limit]


def _known_well(fit: _Fit) -> int:
    return sum(1 for _slug, level in fit.known if level in ("expert", "practitioner"))


def rank_for_many(handings: Sequence[Handing], candidates: Sequence[Candidate], limit: int = 5) -> list[list[Substitute]]:
    """Substitutes for each of several mentorships (a leaving mentor's), candidates read once."""
    return [rank_substitutes(h, candidates, limit) for h in handings]
