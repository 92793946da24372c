"""The demo organisation: each feature adds its part, in order, from one seeded generator.

Deterministic for a seed (and the day it runs on: dates are relative to today).
"""

from __future__ import annotations

import random
import time

from sqlalchemy import select

from community.database import utcnow
from community.demo_support import (  # noqa: F401 - the demo's names, kept importable here
    DEMO_ADMIN_EMAIL,
    DEMO_PASSWORD,
    DemoContext,
    reset_sequence,
)
from community.extensions import db


def has_people() -> bool:
    from community.accounts.models import User

    return db.session.scalar(select(User.id).limit(1)) is not None


def steps():
    """Feature steps in dependency order."""
    from community.accounts import demo as accounts_demo
    from community.ambassadors import demo as ambassadors_demo
    from community.discussions import demo as discussions_demo
    from community.expertise import demo as expertise_demo
    from community.impact import demo as impact_demo
    from community.mentoring import demo as mentoring_demo
    from community.network import demo as network_demo
    from community.pool import demo as pool_demo
    from community.profiles import demo as profiles_demo

    return [
        accounts_demo.seed,
        expertise_demo.seed,
        profiles_demo.seed,
        mentoring_demo.seed,
        discussions_demo.seed,
        ambassadors_demo.seed,
        pool_demo.seed,
        network_demo.seed,
        impact_demo.seed,
    ]


def build(*, people: int, seed: int) -> dict:
    # Midday today for stable data, but never later than the clock: nothing is dated in the future.
    current = utcnow().replace(second=0, microsecond=0)
    now = min(current.replace(hour=12, minute=0), current)
    ctx = DemoContext(rng=random.Random(seed), people=people, now=now)
    started = time.perf_counter()
    for step in steps():
        step(ctx)
        db.session.flush()
    ctx.summary["seconds"] = round(time.perf_counter() - started, 2)
    ctx.summary["login"] = f"{DEMO_ADMIN_EMAIL} / {DEMO_PASSWORD} (every demo account has this password)"
    return ctx.summary
