"""What every feature's demo step shares: the demo password, the context passed from step to
step, and moving PostgreSQL's id sequences past rows inserted with explicit ids.

community.demo runs the steps; the steps import this module, not community.demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import text

from community.extensions import db

DEMO_PASSWORD = "mentoring-demo-2026"  # noqa: S105 - demo data only, documented in README
DEMO_ADMIN_EMAIL = "admin@demo.example"


@dataclass
class DemoContext:
    rng: random.Random
    people: int
    now: datetime
    # filled by the accounts step: id lists by role, department by id
    ids_by_role: dict[str, list[int]] = field(default_factory=dict)
    department_of: dict[int, str] = field(default_factory=dict)
    summary: dict[str, int | float | str] = field(default_factory=dict)

    def days_ago(self, days: float) -> datetime:
        return self.now - timedelta(days=days)


def reset_sequence(table: str, value: int) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequence behind; move it past them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"), {"t": table, "v": value})
