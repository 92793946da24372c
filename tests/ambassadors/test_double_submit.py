"""A nomination sent twice (double click, reload) is made once; the second sender sees it."""

import re

from sqlalchemy import func, select


def _token(page) -> str:
    return re.search(r'name="submission"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission"', page.get_data(as_text=True)).group(1)


def test_a_nomination_sent_twice_is_made_once(client, login_as, people, db):  # noqa: F811
    from community.ambassadors.models import Nomination

    login_as(people["staff"])
    token = _token(client.get("/ambassadors/nominate"))
    data = {"nominee": "@" + people["mentor"].handle, "reason": "A long enough reason.", "submission": token}
    first = client.post_form("/ambassadors/nominate", data)
    second = client.post_form("/ambassadors/nominate", data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Nomination)) == 1
