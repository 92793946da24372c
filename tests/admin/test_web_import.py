"""The web CSV import: check (preview, bad rows with line numbers), start once, progress, result."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from tests.conftest import text_of

GOOD_AND_BAD = (
    "name,email,department,roles,timezone\n"
    "Anna Import,anna@example.com,Sales,mentor,Europe/Berlin\n"
    "Bert Import,not-an-address,Sales,staff,\n"
    "Carl Import,carl@example.com,IT,wizard,\n"
    "Dora Import,anna@example.com,IT,staff,\n"
    "Emil Import,emil@example.com,IT,executive,Mars/Olympus\n"
    ",nameless@example.com,IT,staff,\n"
    "Finn Import,finn@example.com,HR,executive,\n"
)


def upload(client, content: str, filename: str = "people.csv"):
    return client.post_form("/admin/import", {"file": (io.BytesIO(content.encode()), filename)},
                            content_type="multipart/form-data")


def users_named(db, suffix: str) -> int:
    from community.accounts.models import User

    return db.session.scalar(select(func.count(User.id)).where(User.name.like(f"%{suffix}")))


def test_upload_shows_a_preview_and_every_bad_row_before_anything_is_written(client, login_as, create_user, db):
    login_as(create_user(roles=["admin"]))
    response = upload(client, GOOD_AND_BAD)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "Anna Import" in text and "The first rows" in text
    assert "7 rows in the file." in text and "5 rows will be refused." in text
    for line, reason in ((3, "Enter a valid e-mail address"), (4, "wizard"), (5, "Duplicate of line 2."),
                         (6, "Unknown time zone: "), (7, "Enter a name.")):
        assert f"{line} {reason}" in text or (f"{line} " in text and reason in text), (line, reason)
    assert "Import 2 rows" in text
    assert users_named(db, "Import") == 0  # nothing written yet


def test_starting_imports_the_good_rows_reports_the_result_and_is_audited(client, login_as, create_user, db):
    from community.audit.models import AuditEvent

    admin = create_user(roles=["admin"])
    login_as(admin)
    show = upload(client, GOOD_AND_BAD).headers["Location"]
    response = client.post_form(f"{show}/start")
    assert response.status_code == 302
    text = text_of(client.get(show))
    assert "The import is done." in text
    assert "Created 2" in text and "Updated 0" in text and "Skipped (unchanged) 0" in text and "Refused 5" in text
    assert "Rows that were not imported" in text and "Duplicate of line 2." in text
    assert users_named(db, "Import") == 2
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "people.imported")).one()
    assert event.actor_id == admin.id and event.data["created"] == 2 and event.data["errors"] == 5
    audit = text_of(client.get("/admin/audit?action=people."))
    assert "People imported from CSV" in audit


def test_a_second_start_does_not_import_twice(client, login_as, create_user, db):
    from community.audit.models import AuditEvent

    login_as(create_user(roles=["admin"]))
    show = upload(client, GOOD_AND_BAD).headers["Location"]
    client.post_form(f"{show}/start")
    again = client.post_form(f"{show}/start", follow_redirects=True)
    assert "This import was started already" in text_of(again)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "people.imported")) == 1
    assert users_named(db, "Import") == 2
    assert client.post(f"{show}/start").status_code in (302, 400)  # without the form token nothing starts


def test_a_large_file_runs_as_a_job_with_progress_to_the_end(client, login_as, create_user, db):
    from community.admin.models import PeopleImport

    login_as(create_user(roles=["admin"]))
    rows = "".join(f"Person {n} Bulk,bulk{n}@example.com,Dept {n % 7},staff\n" for n in range(2500))
    show = upload(client, "name,email,department,roles\n" + rows, "bulk.csv").headers["Location"]
    assert "2,500 rows in the file." in text_of(client.get(show))
    client.post_form(f"{show}/start")
    job = db.session.scalars(select(PeopleImport)).one()
    assert (job.status, job.processed, job.total_rows, job.created) == ("done", 2500, 2500, 2500)
    assert job.content == ""  # the file is not kept once imported
    assert users_named(db, "Bulk") == 2500
    fragment = client.get(f"{show}/progress").get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="import-progress"') and "hx-get" not in fragment
    assert "Created 2,500" in text_of(client.get(show))


def test_a_running_import_shows_a_progress_bar_that_polls(app, client, login_as, create_user, db):
    from community.admin.models import PeopleImport

    login_as(create_user(roles=["admin"]))
    show = upload(client, GOOD_AND_BAD).headers["Location"]
    job = db.session.scalars(select(PeopleImport)).one()
    job.status, job.processed = "running", 3
    db.session.commit()
    body = client.get(show).get_data(as_text=True)
    assert "<progress" in body and 'max="7"' in body and 'value="3"' in body
    assert 'hx-trigger="every 1s"' in body and f'hx-get="{show}/progress"' in body
    assert ">Refresh</a>" in body  # without JavaScript


def test_a_file_without_the_required_columns_is_refused_with_a_message(client, login_as, create_user):
    login_as(create_user(roles=["admin"]))
    response = upload(client, "fullname,mail\nX,x@example.com\n")
    assert response.status_code in (200, 422)
    assert "The header lacks the columns: name, email." in text_of(response)
    response = upload(client, "name,email\n")
    assert "The file has a header but no rows." in text_of(response)
    assert "Choose a CSV file." in text_of(client.post_form("/admin/import", {}, content_type="multipart/form-data"))
    for empty in ("", "\ufeff", "\n\n  \n"):  # not "the header lacks the columns"
        text = text_of(upload(client, empty))
        assert "The file is empty" in text and "lacks" not in text, repr(empty)


def test_a_file_of_refused_rows_offers_no_import(client, login_as, create_user, db):
    from community.admin.models import PeopleImport

    login_as(create_user(roles=["admin"]))
    response = upload(client, "name,email,roles\nBert Import,not-an-address,staff\n,nameless@example.com,staff\n")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "Nothing in this file would change" in text
    assert "Import 0 rows" not in text and "the others are imported" not in text
    assert 'action="/admin/import/' not in page.get_data(as_text=True).split("nothing-to-import")[1]
    job_id = db.session.scalar(select(PeopleImport.id).order_by(PeopleImport.id.desc()))
    started = client.post_form(f"/admin/import/{job_id}/start")  # a form kept from before: refused
    assert started.status_code == 409 and "Nothing in this file would change" in text_of(started)
    assert users_named(db, "Import") == 0


def test_only_admins_import(client, login_as, create_user):
    login_as(create_user(roles=["change_manager"]))
    assert client.get("/admin/import").status_code == 403
    assert upload(client, GOOD_AND_BAD).status_code == 403
    assert client.get("/admin/import/1").status_code in (403, 404)


def test_on_a_phone_the_people_to_update_are_cards_and_the_preview_scrolls_with_a_hint(client, login_as, create_user):
    """At 390 px the e-mail of a person to be updated broke mid-word ("…@demo.exa / mple") and the
    preview was cut at its third column with nothing saying that it scrolls."""
    from tests.stacked import tables_in, unlabelled

    create_user(roles=["staff"], name="Old Name", email="known@example.com")
    login_as(create_user(roles=["admin"]))
    show = upload(client, "name,email,department\nNew Name,known@example.com,Sales\nNina New,nina@example.com,IT\n")
    tables = tables_in(client.get(show.headers["Location"]).get_data(as_text=True))
    updates = next(t for t in tables if t.headings == ["Line", "E-mail", "Person"])
    assert unlabelled(updates) == []
    assert [(c.label, c.text) for c in updates.rows[0]] == [
        ("Line", "2"), ("E-mail", "known@example.com"), ("Person", "updates Old Name")]
    # The raw rows keep their columns side by side (a stack would lose the file's shape); the
    # box they scroll in shows a shadow at its cut edge (static/css/app.css).
    preview = next(t for t in tables if "department" in t.headings)
    assert "import-preview" in preview.classes and not preview.stacks


def test_the_upload_form_says_both_name_and_email_are_required(client, login_as, create_user):
    """"Columns: name, email (required), …" read as if only the e-mail were required; a row
    without a name is refused."""
    login_as(create_user(roles=["admin"]))
    text = text_of(client.get("/admin/import"))
    assert "Columns: name and email (both required)" in text
