"""A mentoring request sent twice (double click, reload) is made once; the second sender sees it."""

import re

from sqlalchemy import func, select


def _token(page) -> str:
    return re.search(r'name="submission"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission"', page.get_data(as_text=True)).group(1)


def test_a_mentoring_request_sent_twice_is_made_once(client, login_as, people, taxonomy, db):
    from community.mentoring.models import Mentorship

    mentor, executive = people()
    login_as(executive)
    token = _token(client.get("/mentoring/request"))
    data = {"mentor_id": mentor.id, "cohort_id": 0, "goals": ["linkedin"], "goal_text": "Learn LinkedIn", "submission": token}
    first = client.post_form("/mentoring/request", data)
    second = client.post_form("/mentoring/request", data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Mentorship)) == 1
