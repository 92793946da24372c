"""Mentor-pool analyses on synthetic organisations: topic demand, substitutes, fading mentors,
circle proposals (pure code, as the services call it after reading the database).

    .venv/bin/python bench/pool_bench.py --sizes 10000,100000

Shape (as the network bench): 10 % mentors, 5 % executives; 1–3 goals per executive and
mentorship, sessions with agendas over the last year, questions to contacts from 20 % of the
staff; each mentor with a year of reschedules, posts, sessions and answers; 20 communities per
10,000 people. Each step is timed as the median of three runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from community.network.circles import CircleMentor, propose_circles  # noqa: E402
from community.network.demand import DemandSignal, MentorSupply, topic_demand  # noqa: E402
from community.network.fading import MentorActivity, fading_mentors  # noqa: E402
from community.network.substitutes import Candidate, Handing, rank_for_many  # noqa: E402

TOPICS = [f"topic-{n}" for n in range(60)]
DEPARTMENTS = [f"Department {n}" for n in range(25)]
LEVELS = ("interested", "practitioner", "expert")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def organisation(people: int, seed: int = 7):
    rng = random.Random(seed)
    mentors = people // 10
    executives = people // 20
    communities = max(1, people // 500)

    def ago(days: int) -> datetime:
        return NOW - timedelta(days=rng.uniform(0, days))

    levels = {m: {rng.choice(TOPICS): rng.choice(LEVELS) for _ in range(rng.randint(1, 5))} for m in range(mentors)}
    departments = {p: rng.choice(DEPARTMENTS) for p in range(people)}
    signals = []
    for e in range(executives):
        department = departments[mentors + e]
        for _ in range(rng.randint(1, 3)):
            signals.append(DemandSignal(rng.choice(TOPICS), "goal", ago(365), department))
        for _ in range(rng.randint(0, 8)):
            signals.append(DemandSignal(rng.choice(TOPICS), "agenda", ago(365), department))
    for p in range(people // 5):
        signals.append(DemandSignal(rng.choice(TOPICS), "question", ago(365), departments[p]))
    supply = [MentorSupply(m, rng.randint(0, 4), rng.randint(0, 3), levels[m], paused=rng.random() < 0.03)
              for m in range(mentors)]
    candidates = [Candidate(m, departments[m], frozenset(rng.sample(["de", "en", "fr"], rng.randint(1, 2))),
                            s.capacity, s.load, levels[m], community=m % communities, paused=s.paused)
                  for m, s in enumerate(supply)]
    handings = [Handing(0, mentors + e, departments[mentors + e], frozenset({"de"}),
                        tuple(rng.sample(TOPICS, 2)), levels[0], mentor_community=0) for e in range(3)]
    activity = [MentorActivity(m, supply[m].capacity, supply[m].load,
                               changes=tuple(ago(360) for _ in range(rng.randint(0, 10))),
                               answers=tuple((ago(360), rng.uniform(1, 200)) for _ in range(rng.randint(0, 4))),
                               posts=tuple(ago(360) for _ in range(rng.randint(0, 20))),
                               sessions=tuple(ago(360) for _ in range(rng.randint(0, 15))))
                for m in range(mentors)]
    circle_mentors = [CircleMentor(m, departments[m], levels[m], community=m % communities, is_ambassador=rng.random() < 0.05)
                      for m in range(mentors)]
    return signals, supply, candidates, handings, activity, circle_mentors


def timed(fn) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    print(f"{'people':>8} {'demand':>9} {'substitutes':>12} {'fading':>9} {'circles':>9}")
    slow = False
    for size in (int(s) for s in args.sizes.split(",")):
        signals, supply, candidates, handings, activity, circle_mentors = organisation(size)
        figures = [
            timed(lambda s=signals, m=supply: topic_demand(s, m, NOW, months=12)),
            timed(lambda h=handings, c=candidates: rank_for_many(h, c, limit=10)),
            timed(lambda a=activity: fading_mentors(a, NOW)),
            timed(lambda c=circle_mentors: propose_circles(c, limit=20)),
        ]
        print(f"{size:>8,} " + " ".join(f"{f:>8.3f}s".rjust(w) for f, w in zip(figures, (9, 12, 9, 9), strict=True)),
              flush=True)
        slow |= size <= 10_000 and max(figures) >= 1.0
    if slow:
        print("a step took 1 s or more at 10,000 people", file=sys.stderr)
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
