"""A finding names a mentor as the analysis saw them; the pages add today's state beside the
name: a mentor who paused mentoring or was deactivated since reads "Mentoring paused" or
"Deactivated" until the next analysis (a paused mentor otherwise stayed "overloaded" with
mentees already handed over). Pseudonymised pages add nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.conftest import text_of
from tests.network_app.test_privacy import pseudonymise


def _set(settle, person, **values):
    def change():
        from community.accounts.models import User
        from community.extensions import db

        db.session.execute(update(User).where(User.id == person.id).values(**values))

    settle(change)


@pytest.mark.parametrize("path", ["/network/risks", "/network"])
def test_a_mentor_paused_since_the_analysis_is_marked(client, login_as, analyst, small_org, compute, settle, path):
    compute()
    login_as(analyst)
    assert "Mentoring paused" not in text_of(client.get(path))
    _set(settle, small_org["mia"], mentoring_paused=True)
    text = text_of(client.get(path))
    assert "Mia Mentor Mentoring paused" in text


def test_a_mentor_deactivated_since_is_marked_and_german_reads_german(client, login_as, create_user, small_org, compute,
                                                                        settle):
    compute()
    _set(settle, small_org["mia"], active=False)
    login_as(create_user(roles=("change_manager",), locale="de"))
    assert "Mia Mentor Deaktiviert" in text_of(client.get("/network/risks"))


def test_pseudonymised_pages_add_no_state(client, login_as, analyst, small_org, compute, settle, app, create_user):
    create_user(roles=("admin",), email="admin-switch@example.com")
    compute()
    pseudonymise(app, settle)
    _set(settle, small_org["mia"], mentoring_paused=True)
    login_as(analyst)
    assert "Mentoring paused" not in text_of(client.get("/network/risks"))
