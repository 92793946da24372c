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


def test_page_numbers_from_an_address_are_read_tolerantly():
    from community.pagination import MAX_PAGE, PageNumber, clamp

    assert clamp("3", "10") == (3, 10)
    assert clamp("abc", None, 30) == (1, 30)
    assert clamp("-4", "0") == (1, 1)
    assert clamp("99999999999999999999999", "20") == (MAX_PAGE, 20)
    assert clamp("9" * 5000, "20") == (MAX_PAGE, 20)  # longer than int() takes
    assert isinstance(clamp("2", "20")[0], PageNumber)


def _location(response) -> str:
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(response.headers["Location"])
    return f"{parts.path}?{'&'.join(f'{k}={v}' for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))}"


@pytest.mark.parametrize("asked", ["500", "99999999999999999999999"])
def test_a_page_past_the_end_of_a_list_sends_the_reader_to_the_last_page(client, create_user, login_as, asked):
    from tests.conftest import text_of

    admin = create_user(roles=("admin",), name="Ada Admin")
    for n in range(4):
        create_user(name=f"Listed {n}")
    login_as(admin)

    response = client.get(f"/admin/users?per_page=2&q=&page={asked}")
    # 5 people, 2 a page: page 3 is the last; the rest of the query stays.
    assert response.status_code == 302
    assert _location(response) == "/admin/users?page=3&per_page=2&q="
    last = text_of(client.get(response.headers["Location"]))
    assert "Page 3 of 3" in last and "Nobody matches" not in last

    people = client.get(f"/people?per_page=2&page={asked}")
    assert people.status_code == 302 and "page=" in people.headers["Location"]
    shown = text_of(client.get(people.headers["Location"]))
    assert "Nobody matches" not in shown and "Page 500" not in shown


def test_empty_lists_past_page_one_go_back_to_page_one(client, create_user, login_as):

    login_as(create_user(roles=("admin",)))
    for path in ("/notifications/", "/mentoring/sessions", "/community/moderation/log"):
        response = client.get(f"{path}?page=500")
        assert response.status_code == 302, path
        assert _location(response) == f"{path}?page=1"
        assert client.get(response.headers["Location"]).status_code == 200


def test_garbage_page_numbers_show_the_first_page(client, create_user, login_as):
    login_as(create_user(roles=("admin",)))
    assert client.get("/admin/users?page=abc").status_code == 200
    assert client.get("/notifications/?page=").status_code == 200


def test_the_api_still_answers_an_empty_page_past_the_end(client, create_user, api_token):
    user = create_user()
    token = api_token(user)
    body = client.send_json("GET", "/api/v1/people?page=500", token=token).get_json()
    assert body["page"] == 500 and body["items"] == [] and body["total"] >= 1
    assert client.send_json("GET", "/api/v1/people?page=99999999999999999999999", token=token).status_code == 422
