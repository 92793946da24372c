"""Pagination used by pages and the API alike: one count query and one page query."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any

from sqlalchemy import Select, func, select

from community.database import ascii_digits
from community.extensions import db

MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # the API's bound too: a larger number would overflow the database's offset


class PageNumber(int):
    """A page number read from a page's address (`clamp`): a page past the end stands for the
    last page, so `Page` sends the reader there (`PastTheLastPage`). The API validates its page
    strictly and answers an empty page past the end instead (its documented `page_of` shape)."""


class PastTheLastPage(Exception):
    """A page's address asked for a page after the last one; the reader is sent to `last`."""

    def __init__(self, last: int) -> None:
        super().__init__(last)
        self.last = last


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int
    more: bool = False  # counting stopped: there are more than `total` items

    def __post_init__(self) -> None:
        # Every list page builds its Page here, whatever query filled it: one check for all.
        if isinstance(self.page, PageNumber) and self.page > self.pages and not self.more:
            raise PastTheLastPage(self.pages)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or self.more

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    def as_dict(self, serialise) -> dict:
        return {"items": [serialise(i) for i in self.items], "page": self.page, "per_page": self.per_page, "total": self.total,
                **({"more": True} if self.more else {})}


def clamp(page: Any, per_page: Any, default_per_page: int = 20) -> tuple[int, int]:
    """Tolerant parsing for pages (the API validates strictly before it gets here): anything
    that is not a number is page 1; a number past the end (however large) is the last page."""
    text = str(page if page is not None else "").strip()
    if not ascii_digits(text):
        number = 1  # also for other scripts' digits, which int() would read
    elif len(text.lstrip("0")) > len(str(MAX_PAGE)):
        number = MAX_PAGE  # past any last page (and, past 4300 digits, too long for int())
    else:
        number = int(text)
    page = PageNumber(min(max(1, number), MAX_PAGE))
    try:
        per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    except (TypeError, ValueError):
        per_page = default_per_page
    return page, per_page


def paginate(stmt: Select, *, page: int, per_page: int, scalars: bool = True, total: int | None = None,
             count_limit: int | None = None) -> Page:
    """One page of `stmt` and the number of rows. With `count_limit`, counting stops after that
    many rows (or after the end of this page, if later): the page then says "more than"."""
    more = False
    if total is None:
        counted = stmt.order_by(None)
        limit = None
        if count_limit is not None:
            limit = max(count_limit, page * per_page) + 1
            counted = counted.limit(limit)
        total = db.session.execute(select(func.count()).select_from(counted.subquery())).scalar_one()
        if limit is not None and total == limit:
            total, more = limit - 1, True
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = list(result.scalars() if scalars else result.all())
    return Page(items=items, page=page, per_page=per_page, total=total, more=more)


def paginate_capped(stmt: Select, *, page: int, per_page: int, count_limit: int) -> Page:
    """`paginate(..., count_limit=…, scalars=True)` in one statement, for narrow statements
    (ids): the rows from this page up to the counting limit are read at once, the page is the
    first of them and the count follows from how many there were. A search then finds its
    matches once instead of twice. A page past the end counts as `paginate` does."""
    limit = max(count_limit, page * per_page) + 1
    offset = (page - 1) * per_page
    rows = list(db.session.scalars(stmt.limit(limit - offset).offset(offset)))
    if not rows and page > 1:
        return paginate(stmt, page=page, per_page=per_page, count_limit=count_limit)
    total = offset + len(rows)
    more = total == limit
    return Page(items=rows[:per_page], page=page, per_page=per_page, total=limit - 1 if more else total, more=more)
