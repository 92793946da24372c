"""Capped counting in one statement gives what the count query and the page query give."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select


@pytest.mark.parametrize("size", [0, 1, 15, 20, 99, 100, 101, 130, 260])
def test_the_page_and_its_capped_count_in_one_statement_match_two_statements(app, db, size):
    from community.pagination import paginate, paginate_capped

    start = select(literal(1).label("n")).cte("numbers", recursive=True)
    numbers = start.union_all(select(start.c.n + 1).where(start.c.n < size))
    stmt = select(numbers.c.n).where(numbers.c.n <= size).order_by(numbers.c.n.desc())
    for per_page in (7, 20):
        for page in range(1, 16):
            two = paginate(stmt, page=page, per_page=per_page, count_limit=100)
            one = paginate_capped(stmt, page=page, per_page=per_page, count_limit=100)
            assert (one.items, one.total, one.more, one.pages, one.has_next) == \
                   (two.items, two.total, two.more, two.pages, two.has_next), (size, per_page, page)
    first = paginate_capped(stmt, page=1, per_page=20, count_limit=100)
    assert first.items == list(range(size, max(size - 20, 0), -1))
    # "More than 100" once there are more than 100, the exact number up to 100.
    assert (first.total, first.more) == ((100, True) if size > 100 else (size, False))
