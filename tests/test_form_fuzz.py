"""Property-based tests of every HTML form: whatever is typed into its fields, the answer is
never a server error (forms re-render with messages or redirect)."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.access_world import build_world
from tests.conftest import PASSWORD, isolated, login

NASTY = st.sampled_from([
    "", " ", "0", "-1", "99999999999999999999", "1e400", "NaN", "' OR 1=1 --", '"unterminated', "NEAR(a b)", "*", "-x",
    "<script>alert(1)</script>", "javascript:alert(1)", "\x00", "ä" * 300, "x" * 6000, "2026-02-30T25:61",
    "@nobody", "../../etc/passwd", "%s%n", "\u202e", "😀", "microsoft-teams", "expert", "on", "true",
])
VALUE = st.one_of(NASTY, st.text(max_size=80), st.integers(min_value=-10**20, max_value=10**20).map(str))


class FormCollector(HTMLParser):
    """Forms that post, with their action and field names."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": set()}
            self.forms.append(self._current)
        elif (
            tag in ("input", "select", "textarea") and self._current is not None and attrs.get("name")
            and attrs.get("type") not in ("submit", "button") and attrs["name"] != "csrf_token"
        ):
            self._current["fields"].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


@pytest.fixture
def app_config():
    return {"POST_RATE_LIMIT": "100000 per minute", "NOMINATION_RATE_LIMIT": "100000 per minute",
            "TOKEN_RATE_LIMIT": "100000 per minute", "LOGIN_RATE_LIMIT": "100000 per minute",
            "ANALYSIS_JOBS_QUEUED": False}


def collect_forms(app, world, client) -> dict[str, set[str]]:
    """Visit every page without URL variables and the pages of the world's objects."""
    ids = world.ids
    pages = [
        "/", "/settings", "/settings/password", "/settings/tokens", "/settings/calendar", "/settings/privacy",
        "/people", f"/people/{ids['user_mentor']}", f"/people/{ids['user_mentor']}/edit", "/tags", "/tags/new",
        f"/tags/{ids['tag']}", f"/tags/{ids['tag']}/edit", f"/tags/{ids['tag']}/merge", f"/tags/{ids['tag']}/contacts",
        "/community", "/community/new", f"/threads/{ids['thread']}", f"/posts/{ids['post']}/flag",
        f"/threads/{ids['thread']}/move", "/community/moderation", "/community/categories/new",
        f"/community/categories/{ids['category_id']}/edit", "/mentoring/", "/mentoring/request",
        "/mentoring/runs/new", f"/mentoring/runs/{ids['cohort']}/edit", f"/mentoring/mentorships/{ids['mentorship']}",
        f"/mentoring/mentorships/{ids['mentorship']}/sessions/new", f"/sessions/{ids['session']}",
        f"/sessions/{ids['session']}/reschedule", f"/sessions/{ids['session']}/cancel", "/ambassadors/nominate",
        f"/ambassadors/nominations/{ids['nomination']}", "/ambassadors/criteria", f"/ambassadors/{ids['user_mentor']}/end",
        "/network", "/network/reveal", "/admin/users/new", f"/admin/users/{ids['user_staff']}",
        f"/admin/users/{ids['user_staff']}/erase", "/notifications/", "/network/demand", f"/runs/{ids['cohort']}/surveys",
        f"/surveys/{ids['survey']}/questions",
        f"/mentoring/mentorships/{ids['mentorship']}/handover", "/circles", "/circles/proposals", f"/circles/{ids['circle']}",
    ]
    forms: dict[str, set[str]] = {}
    for page in pages:
        response = client.get(page)
        assert response.status_code < 500, page
        collector = FormCollector()
        collector.feed(response.get_data(as_text=True))
        for form in collector.forms:
            action = form["action"] or page
            if action in ("/logout",) or re.search(r"/(erase|active)$", action):
                continue  # would end the session or the account the fuzzer works with
            forms.setdefault(action, set()).update(form["fields"])
    return forms


def test_every_form_survives_any_input(app):
    from community.accounts import services as accounts
    from community.accounts.models import ROLES
    from community.extensions import db

    def setup():
        world = build_world(app)
        with app.app_context():
            accounts.create_user(email="forms@example.com", name="Form Fuzzer", password=PASSWORD, roles=ROLES,
                                 check_password=False)
            db.session.commit()
        return world

    world = isolated(app, setup)
    client = app.test_client()
    isolated(app, login, client, "forms@example.com")
    forms = isolated(app, collect_forms, app, world, client)
    assert len(forms) > 30, sorted(forms)
    for action, fields in sorted(forms.items()):
        fuzz_form(app, client, action, fields)()


def fuzz_form(app, client, action: str, fields: set[str]):
    @given(values=st.fixed_dictionaries({name: VALUE for name in sorted(fields)}))
    @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def post(values):
        response = isolated(app, client.post_form, action, values)
        assert response.status_code < 500, (action, values, response.status_code)

    return post
