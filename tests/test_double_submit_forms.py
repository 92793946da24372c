"""Every form that makes something carries a submission token (community.submissions): the same
form sent twice, one after the other (a reload) or at the same moment (a double click, two
tabs), makes one record, and both senders land on it.

Each case opens the page with the form as its user, reads the form as a browser would (every
field's value, the token included), fills in what a person types and sends it twice."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from tests.access_world import build_world
from tests.conftest import PASSWORD, isolated, login


@pytest.fixture
def app_config():
    return {"POST_RATE_LIMIT": "10000 per minute", "ANALYSIS_JOBS_QUEUED": False}


class _Forms(HTMLParser):
    """The fields of every form on a page, by the form's action."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, object]]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", {}))
        elif not self.forms:
            return
        fields = self.forms[-1][1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields[a["name"]] = a.get("value", "y")
            elif kind not in ("submit", "button"):
                fields[a["name"]] = a.get("value") or ""
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select:
            if "selected" in a or self._select not in fields:
                fields[self._select] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            fields[a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][1][self._textarea] += data


def form_on(page, action: str) -> dict[str, object]:
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    for found, fields in parser.forms:
        if found.split("?")[0] == action:
            return dict(fields)
    raise AssertionError(f"no form posting to {action}")


@dataclass
class Case:
    user: str  # a role of tests/access_world.py
    page: str  # where the form is
    action: str  # where it posts
    typed: dict  # what the person fills in
    model: str  # "package.models:Class" whose rows are counted
    where: dict = field(default_factory=dict)


def _cases(ids: dict) -> dict[str, Case]:
    later = (datetime.now(UTC) + timedelta(days=20)).replace(hour=10, minute=0, second=0, microsecond=0)
    next_year = later.year + 1  # a planned run cannot have ended
    return {
        "question to a topic contact": Case(
            "staff", f"/tags/{ids['tag']}/contacts", f"/tags/{ids['tag']}/contacts/ask",
            {"person_id": ids["user_mentor"], "message": "How do you keep channels tidy?"},
            "community.profiles.models:TopicQuestion"),
        "session booking": Case(
            "mentor", f"/mentoring/mentorships/{ids['mentorship']}/sessions/new",
            f"/mentoring/mentorships/{ids['mentorship']}/sessions/new",
            {"starts_at": later.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60", "location": "Room 4",
             "agenda": "Teams channels"},
            "community.mentoring.models:MentoringSession", {"mentorship_id": ids["mentorship"]}),
        "programme run": Case(
            "change_manager", "/mentoring/runs/new", "/mentoring/runs/new",
            {"name": "Next run", "starts_on": f"{next_year}-01-01", "ends_on": f"{next_year}-12-31", "description": ""},
            "community.mentoring.models:Cohort"),
        "category": Case(
            "admin", "/community/categories/new", "/community/categories/new",
            {"name": "Excel corner", "visibility": "members"}, "community.discussions.models:Category"),
        "topic": Case(
            "admin", "/tags/new", "/tags/new", {"name": "Loop components", "slug": "", "synonyms": ""},
            "community.expertise.models:Tag"),
        "end survey": Case(
            "change_manager", f"/runs/{ids['cohort']}/surveys", f"/runs/{ids['cohort']}/surveys", {},
            "community.impact.models:Survey", {"cohort_id": ids["cohort"]}),
        "circle post": Case(
            "mentor", f"/circles/{ids['circle']}", f"/circles/{ids['circle']}/posts", {"body": "See you Monday"},
            "community.pool.models:CirclePost", {"circle_id": ids["circle"]}),
        "handover": Case(
            "change_manager", f"/mentoring/mentorships/{ids['mentorship']}/handover",
            f"/mentoring/mentorships/{ids['mentorship']}/handover",
            {"other_mentor": "@" + ids["handle_second_mentor"], "note": "Holiday cover"},
            "community.mentoring.models:Mentorship"),
    }


CASE_NAMES = ["question to a topic contact", "session booking", "programme run", "category", "topic", "end survey",
              "circle post", "handover"]


@pytest.fixture
def world(app, create_user):
    made = isolated(app, build_world, app)
    second_mentor = create_user(roles=("mentor",), name="Second Mentor", capacity=3)
    made.ids["user_admin_mentor"] = second_mentor.id
    made.ids["handle_second_mentor"] = second_mentor.handle
    return made


def _count(db, case: Case) -> int:
    import importlib

    module, name = case.model.split(":")
    model = getattr(importlib.import_module(module), name)
    db.session.rollback()
    stmt = select(func.count()).select_from(model)
    for column, value in case.where.items():
        stmt = stmt.where(getattr(model, column) == value)
    return db.session.scalar(stmt)


def _prepared(app, world, case: Case, clients: int):
    senders = [app.test_client() for _ in range(clients)]
    for own in senders:
        login(own, f"{case.user}@example.com", PASSWORD)
    page = senders[0].get(case.page)
    assert page.status_code == 200, (case.page, page.status_code)
    fields = form_on(page, case.action)
    assert fields.get("submission"), "the form carries a submission token"
    fields.pop("csrf_token", None)
    fields.update(case.typed)
    return senders, fields


@pytest.mark.parametrize("name", CASE_NAMES)
def test_a_form_sent_twice_in_a_row_makes_one_record(app, db, world, name):
    case = _cases(world.ids)[name]
    (sender,), fields = _prepared(app, world, case, 1)
    before = _count(db, case)
    first = sender.post_form(case.action, fields)
    second = sender.post_form(case.action, fields)
    assert first.status_code == 302, first.get_data(as_text=True)[:2000]
    assert second.status_code == 302 and second.headers["Location"] == first.headers["Location"]
    assert _count(db, case) == before + 1


@pytest.mark.slow
@pytest.mark.parametrize("name", CASE_NAMES)
def test_a_form_sent_twice_at_the_same_moment_makes_one_record(app, db, world, name):
    case = _cases(world.ids)[name]
    senders, fields = _prepared(app, world, case, 2)
    before = _count(db, case)
    start = threading.Barrier(len(senders))
    results: list = []
    lock = threading.Lock()

    def send(own) -> None:
        start.wait()
        response = own.post_form(case.action, fields)
        with lock:
            results.append((response.status_code, response.headers.get("Location")))

    workers = [threading.Thread(target=send, args=(own,)) for own in senders]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert {status for status, _ in results} == {302}, results
    assert len({location for _, location in results}) == 1, results
    assert _count(db, case) == before + 1
