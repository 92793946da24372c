"""An erased person's row does not stay in a people import, nor come back through one."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.admin.test_web_import import upload
from tests.conftest import text_of


def test_erasing_someone_calls_off_a_checked_import_that_would_have_updated_them(client, login_as, create_user, db):
    from community.accounts.models import User
    from community.admin.models import PeopleImport

    admin = create_user(roles=["admin"])
    max_ = create_user(email="max.z@example.com", name="Max Zimmer")
    login_as(admin)
    show = upload(client, "name,email,department\nMax Z New,max.z@example.com,Sales\nNia New,nia@example.com,IT\n").headers["Location"]
    assert "updates Max Zimmer" in text_of(client.get(show))

    erased = client.post_form(f"/admin/users/{max_.id}/erase", {"confirm": "max.z@example.com"})
    assert erased.status_code == 302
    text = text_of(client.get(show))
    assert "max.z@example.com" not in text and "Max Z" not in text
    assert "Someone in this file was erased after the check. Upload the file again." in text
    client.post_form(f"{show}/start")  # nothing to start any more
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "max.z@example.com")) == 0
    assert db.session.scalar(select(func.count(User.id)).where(User.email == "nia@example.com")) == 0
    db.session.expire_all()
    job = db.session.scalars(select(PeopleImport)).one()
    assert job.status == "failed" and job.content == "" and job.preview == []


def test_a_finished_import_keeps_no_rows_of_the_people_it_imported(client, login_as, create_user, db):
    from community.admin.models import PeopleImport

    login_as(create_user(roles=["admin"]))
    show = upload(client, "name,email,department\nOla Import,ola@example.com,Sales\n").headers["Location"]
    client.post_form(f"{show}/start")
    assert "The import is done." in text_of(client.get(show))
    db.session.expire_all()
    job = db.session.scalars(select(PeopleImport)).one()
    assert job.content == "" and job.preview == [] and job.created == 1


def test_erasing_someone_leaves_an_import_of_someone_whose_address_only_ends_like_theirs(client, login_as, create_user, db):
    from community.admin.models import PeopleImport

    admin = create_user(roles=["admin"])
    ann = create_user(email="ann@example.com", name="Ann Short")
    login_as(admin)
    show = upload(client, "name,email,department\nJo Ann,joann@example.com,Sales\n").headers["Location"]
    assert client.post_form(f"/admin/users/{ann.id}/erase", {"confirm": "ann@example.com"}).status_code == 302
    db.session.expire_all()
    job = db.session.scalars(select(PeopleImport)).one()
    assert job.status == "checked" and "joann@example.com" in job.content
    assert "Import 1 row" in text_of(client.get(show))
