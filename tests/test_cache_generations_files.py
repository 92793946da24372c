"""Without Redis, every gunicorn worker keeps its own cache, but the data generations are files
the workers of the machine share: what one worker changes, another shows at once (not only
after its cached parts expire). Two app instances on one database stand for two workers."""

from __future__ import annotations

import pytest

from community import create_app
from community.config import config_for_tests
from tests.conftest import CSRFClient, login


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {"CACHE_GENERATIONS_DIR": str(tmp_path / "generations"), "CACHE_FRAGMENT_SECONDS": 600,
            "IDENTITY_CACHE_SECONDS": 600}


@pytest.fixture
def other_worker(app, database_url, app_config):
    other = create_app({**config_for_tests(database_url), **app_config})
    other.test_client_class = CSRFClient
    yield other
    from community.extensions import db

    with other.app_context():
        db.engine.dispose()  # its connections closed now, not by the garbage collector later


def test_a_profile_edit_through_one_worker_shows_in_another_workers_cached_directory(
        app, other_worker, create_user):
    viewer = create_user(roles=("staff",))
    create_user(roles=("mentor",), name="Greta Gruber", department="Finance")
    mine, theirs = app.test_client(), other_worker.test_client()
    login(mine, viewer)
    login(theirs, viewer)
    assert "Finance" in theirs.get("/people?q=gruber").get_data(as_text=True)  # cached in that worker

    from sqlalchemy import select

    from community.accounts.models import User
    from community.extensions import db

    with app.app_context():
        person = db.session.scalar(select(User).where(User.name == "Greta Gruber"))
        person.department = "Marketing"
        db.session.commit()

    page = theirs.get("/people?q=gruber").get_data(as_text=True)
    assert "Marketing" in page and "Finance" not in page


def test_a_token_revoked_through_one_worker_is_refused_by_another_at_once(app, other_worker, create_user, api_token):
    person = create_user(roles=("staff",))
    token = api_token(person)
    headers = {"Authorization": f"Bearer {token}"}
    theirs = other_worker.test_client()
    assert theirs.get("/api/v1/me", headers=headers).status_code == 200  # remembered for 600 s there

    from sqlalchemy import select

    from community.accounts import services as accounts
    from community.accounts.models import ApiToken, User
    from community.extensions import db

    with app.app_context():
        owner = db.session.get(User, person.id)
        row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == person.id))
        accounts.revoke_api_token(owner, row.id)
        db.session.commit()

    assert theirs.get("/api/v1/me", headers=headers).status_code == 401


def test_the_generations_are_files_only_without_a_shared_cache(app, tmp_path):
    from community import caching

    with app.test_request_context():
        before = caching.generation("directory")
        caching.bump_generation({"directory"})
        assert caching.GenerationFiles(str(tmp_path / "generations")).read()["directory"] != before
