"""Pagination used by pages and the API alike: one count query and one page query."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, select

from community.extensions import db

MAX_PER_PAGE = 100


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def as_dict(self, serialise) -> dict:
        return {"items": [serialise(i) for i in self.items], "page": self.page, "per_page": self.per_page, "total": self.total}


def clamp(page: Any, per_page: Any, default_per_page: int = 20) -> tuple[int, int]:
    """Tolerant parsing for pages (the API validates strictly before it gets here)."""
    try:
        page = max(1, int(page))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    except (TypeError, ValueError):
        per_page = default_per_page
    return page, per_page


def paginate(stmt: Select, *, page: int, per_page: int, scalars: bool = True, total: int | None = None) -> Page:
    if total is None:
        total = db.session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result.all())
    return Page(items=items, page=page, per_page=per_page, total=total)
