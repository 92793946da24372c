"""The web import's check says exactly what the import will do, and bad files are refused clearly.

The check runs the import's own row rules (a long name, an unknown topic level, …), marks the
rows that update someone who exists already, refuses a file with a quote left open or a huge
cell naming the line, and a row the database refuses becomes that row's error.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from tests.conftest import isolated, text_of


@pytest.fixture
def topics(app):
    from community.expertise.services import seed_taxonomy
    from community.extensions import db

    def _seed():
        with app.app_context():
            seed_taxonomy()
            db.session.commit()

    isolated(app, _seed)


def upload(client, content: str | bytes, filename: str = "people.csv"):
    data = content if isinstance(content, bytes) else content.encode()
    return client.post_form("/admin/import", {"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def count_named(db, suffix: str) -> int:
    from community.accounts.models import User

    return db.session.scalar(select(func.count(User.id)).where(User.name.like(f"%{suffix}")))


def imports(db) -> int:
    from community.admin.models import PeopleImport

    return db.session.scalar(select(func.count(PeopleImport.id)))


LONG = "L" * 121
CHECK_EQUALS_IMPORT = (
    "name,email,department,roles,tags\n"
    "Anna Same,anna.same@example.com,IT,mentor,microsoft-teams:expert\n"
    f"{LONG},long.same@example.com,IT,staff,\n"
    "Bert Same,bert.same@example.com,IT,staff,microsoft-teams:godlike\n"
    "Carl Same,carl.same@example.com,IT,staff,no-such-topic\n"
    "Dora Same,dora.same@example.com,IT,staff,\n"
)


def test_the_check_refuses_exactly_the_rows_the_import_refuses(client, login_as, create_user, db, topics):
    login_as(create_user(roles=["admin"]))
    show = upload(client, CHECK_EQUALS_IMPORT).headers["Location"]
    checked = text_of(client.get(show))
    assert "5 rows in the file." in checked and "3 rows will be refused." in checked
    assert "Import 2 rows" in checked
    assert "3 Names have at most 120 characters." in checked
    assert "4 Unknown level “godlike” for microsoft-teams" in checked
    assert "5 Unknown topic: no-such-topic." in checked
    assert "New people 2" in checked
    assert count_named(db, "Same") == 0  # the check writes nothing

    client.post_form(f"{show}/start")
    done = text_of(client.get(show))
    assert "Created 2" in done and "Refused 3" in done
    assert "will be refused" not in done  # the finished page shows the outcome only
    assert count_named(db, "Same") == 2


def test_a_row_with_several_problems_names_them_all(client, login_as, create_user, db, topics):
    """The check named only the first problem of a row: fixed, the file came back with the next."""
    login_as(create_user(roles=["admin"]))
    show = upload(client, "name,email,roles,timezone,tags\n"
                          ",not-an-address,wizard,Mars/Olympus,microsoft-teams:godlike\n").headers["Location"]
    checked = text_of(client.get(show))
    assert "1 row will be refused." in checked
    row = checked[checked.index("not-an-address"):]
    for problem in ("Enter a name.", "wizard", "Mars/Olympus", "Unknown level “godlike” for microsoft-teams"):
        assert problem in row, problem


def test_the_finished_page_does_not_repeat_the_checks_figures(client, login_as, create_user, db):
    login_as(create_user(roles=["admin"]))
    show = upload(client, "name,email\nEva Fig,eva.fig@example.com\n,nameless@example.com\n").headers["Location"]
    assert "1 row will be refused." in text_of(client.get(show))
    client.post_form(f"{show}/start")
    done = text_of(client.get(show))
    assert "2 rows in the file." in done and "Created 1" in done and "Refused 1" in done
    assert "will be refused" not in done and "What the import will do" not in done


UNCLOSED = (
    "name,email,department\n"
    "Anna Quote,anna.quote@example.com,IT\n"
    '"Bert Quote,bert.quote@example.com,IT\n'
    "Carl Quote,carl.quote@example.com,IT\n"
    "Dora Quote,dora.quote@example.com,IT\n"
)


@pytest.mark.parametrize("content", [UNCLOSED, UNCLOSED.rstrip("\n"), UNCLOSED + 'Emil Quote,"emil@example.com,IT\n'])
def test_a_quote_left_open_refuses_the_file_naming_its_line(client, login_as, create_user, db, content):
    login_as(create_user(roles=["admin"]))
    response = upload(client, content)
    assert response.status_code in (200, 422)
    assert "Line 3 opens a quote that is not closed on that line" in text_of(response)
    assert imports(db) == 0 and count_named(db, "Quote") == 0


def test_a_quote_left_open_at_the_last_line_is_reported_at_that_line(client, login_as, create_user, db):
    login_as(create_user(roles=["admin"]))
    response = upload(client, 'name,email\nAnna Last,anna.last@example.com\n"Bert Last,bert.last@example.com\n')
    assert "Line 3 opens a quote that is not closed on that line, so lines 3 to 3 were read as one cell." in text_of(response)
    assert imports(db) == 0


def test_quoted_cells_that_close_are_still_read(client, login_as, create_user, db):
    login_as(create_user(roles=["admin"]))
    show = upload(client, 'name,email,department\n"Berg, Anna",anna.berg@example.com,"IT; Support"\n').headers["Location"]
    text = text_of(client.get(show))
    assert "1 row in the file." in text and "Berg, Anna" in text and "No bad rows found." in text


def test_a_cell_over_the_csv_limit_is_a_form_error_naming_the_line(client, login_as, create_user, db):
    login_as(create_user(roles=["admin"]))
    content = "name,email,department\nAnna Huge,anna.huge@example.com,IT\nBert Huge,bert.huge@example.com," + "x" * 140_000 + "\n"
    response = upload(client, content)
    assert response.status_code in (200, 422)
    assert "Line 3 has a cell longer than 131,072 characters" in text_of(response)
    assert imports(db) == 0


def test_rows_that_update_existing_people_are_marked_before_the_import(client, login_as, create_user, db):
    admin = create_user(roles=["admin"], name="Ada Admin", email="ada.admin@example.com")
    create_user(name="Olga Same", email="olga@example.com", department="HR")
    login_as(admin)
    rows = ["name,email,department"]
    rows += [f"New {n} Person,new{n}@example.com,IT" for n in range(6)]
    rows += ["Olga Same,olga@example.com,HR", "Renamed Admin,ADA.ADMIN@example.com,Hacked"]
    show = upload(client, "\n".join(rows) + "\n").headers["Location"]
    page = client.get(show)
    text = text_of(page)
    assert "New people 6" in text and "Existing people updated 1" in text and "Existing people unchanged (skipped) 1" in text
    assert "1 existing person will be updated" in text
    assert "9 ADA.ADMIN@example.com updates Ada Admin" in text  # line 9, beyond the first rows
    assert "updates Olga Same" not in text  # the same values: nothing changes for her


def test_an_import_reports_which_accounts_it_updated(app, db, create_user):
    from community.accounts.importing import import_people

    kept = create_user(name="Kept Same", email="kept@example.com")
    renamed = create_user(name="Old Name", email="renamed@example.com")

    def run():
        with app.app_context():
            return import_people(b"name,email\nKept Same,kept@example.com\nNew Name,renamed@example.com\n"
                                 b"Fresh Person,fresh@example.com\n")

    report = isolated(app, run)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert report.updated_ids == [renamed.id] and kept.id not in report.updated_ids


def test_the_audit_entry_of_an_import_names_the_updated_accounts(client, login_as, create_user, db):
    from community.audit.models import AuditEvent

    admin = create_user(roles=["admin"], name="Ada Admin", email="ada.admin@example.com")
    login_as(admin)
    show = upload(client, "name,email\nRenamed Admin,ada.admin@example.com\n").headers["Location"]
    client.post_form(f"{show}/start")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "people.imported")).one()
    assert event.data["updated_ids"] == [admin.id]


def test_long_values_wrap_in_the_preview(client, login_as, create_user):
    login_as(create_user(roles=["admin"]))
    show = upload(client, "name,email,department\nAnna Wrap,anna.wrap@example.com," + "d" * 400 + "\n").headers["Location"]
    body = client.get(show).get_data(as_text=True)
    assert '<td class="import-cell">' + "d" * 400 + "</td>" in body  # a cell that wraps (static/css/app.css)
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text()
    assert ".import-cell {" in css and "overflow-wrap: break-word" in css


def test_a_long_name_for_an_existing_person_is_refused_and_the_rest_imported(client, login_as, create_user, db):
    from community.accounts.models import User
    from community.admin.models import PeopleImport

    login_as(create_user(roles=["admin"]))
    victim = create_user(email="victim@example.com", name="Victim")
    lines = ["name,email"] + [f"Bulk {i} Half,bulk{i}@example.com" for i in range(120)]
    lines.append(("N" * 300) + ",victim@example.com")
    lines += [f"Late {i} Half,late{i}@example.com" for i in range(10)]
    show = upload(client, "\n".join(lines) + "\n").headers["Location"]
    checked = text_of(client.get(show))
    assert "1 row will be refused." in checked and "122 Names have at most 120 characters." in checked
    assert "Import 130 rows" in checked
    client.post_form(f"{show}/start")
    db.session.expire_all()
    job = db.session.scalars(select(PeopleImport)).one()
    assert (job.status, job.created, job.errors) == ("done", 130, [[122, "Names have at most 120 characters."]])
    assert db.session.get(User, victim.id).name == "Victim"
    assert count_named(db, "Half") == 130


def test_a_row_the_database_refuses_is_that_rows_error_and_the_job_finishes(client, login_as, create_user, db,
                                                                          monkeypatch):
    from sqlalchemy import text

    from community.accounts import importing as people_import
    from community.admin.models import PeopleImport
    from community.extensions import db as database

    def boom(user, raw):
        if raw == "boom":
            database.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return False

    monkeypatch.setitem(people_import.COLUMN_HANDLERS, "extra", boom)
    login_as(create_user(roles=["admin"]))
    rows = "".join(f"Row {n} Safe,row{n}@example.com,{'boom' if n == 150 else ''}\n" for n in range(200))
    show = upload(client, "name,email,extra\n" + rows).headers["Location"]
    checked = text_of(client.get(show))
    assert "152 The database refused this row; check its values." in checked and "Import 199 rows" in checked
    client.post_form(f"{show}/start")
    db.session.expire_all()
    job = db.session.scalars(select(PeopleImport)).one()
    assert job.status == "done" and job.created == 199
    assert job.errors == [[152, "The database refused this row; check its values."]]
    assert count_named(db, "Safe") == 199
    assert "Refused 1" in text_of(client.get(show))


@pytest.mark.parametrize(("content", "message"), [
    ("name,email,email\nAnna Twice,anna.old@example.com,anna.new@example.com\n",
     "The header has the column email more than once; keep one of them and check the file again."),
    ("name,Email,department,EMAIL ,Department\nAnna Twice,a@example.com,IT,b@example.com,HR\n",
     "The header has the columns email, department more than once; keep one of each and check the file again."),
])
def test_a_file_with_two_columns_of_one_heading_is_refused_naming_the_heading(client, login_as, create_user, db,
                                                                              content, message):
    """Before, the last of the two columns was used without a word."""
    login_as(create_user(roles=["admin"]))
    response = upload(client, content)
    assert response.status_code in (200, 422)
    assert message in text_of(response)
    assert imports(db) == 0 and count_named(db, "Twice") == 0
