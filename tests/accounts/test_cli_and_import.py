"""CLI commands and the CSV import of people."""

from sqlalchemy import func, select

CSV_OK = """name,email,department,location,roles
Anna Berg,anna.berg@example.com,IT,Munich,mentor
Bernd Graf,bernd.graf@example.com,Sales,Hamburg,executive
"""


def test_users_create_reads_the_password_from_stdin(runner, db):
    from community.accounts.models import User

    result = runner.invoke(
        args=["users", "create", "--email", "Cm@Example.com", "--name", "Chris Manager", "--role", "change_manager", "--role", "staff", "--password-stdin"],
        input="a-long-enough-secret\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cm@example.com"))
    assert user.roles == ["staff", "change_manager"]
    assert "a-long-enough-secret" not in result.output


def test_users_create_refuses_a_weak_password_and_unknown_roles(runner):
    weak = runner.invoke(args=["users", "create", "--email", "a@example.com", "--name", "A B", "--role", "staff", "--password-stdin"], input="123456\n")
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output
    role = runner.invoke(args=["users", "create", "--email", "b@example.com", "--name", "B C", "--role", "king", "--password-stdin"], input="a-long-enough-secret\n")
    assert role.exit_code == 1 and "Unknown role" in role.output


def test_tokens_create_prints_the_token_alone_on_the_last_line(runner, create_user, client):
    user = create_user()
    result = runner.invoke(args=["tokens", "create", user.email])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert " " not in token
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["email"] == user.email


def test_tokens_create_for_unknown_person_fails_cleanly(runner):
    result = runner.invoke(args=["tokens", "create", "ghost@example.com"])
    assert result.exit_code == 1 and "No account" in result.output


def test_import_reports_every_bad_row_with_its_line_and_imports_the_rest(runner, tmp_path, db):
    from community.accounts.models import User

    path = tmp_path / "people.csv"
    path.write_text(
        "name,email,department,location,roles\n"
        "Anna Berg,anna.berg@example.com,IT,Munich,mentor\n"  # line 2 ok
        ",nobody@example.com,IT,Munich,staff\n"  # line 3: no name
        "Carl Dorn,not-an-email,IT,Munich,staff\n"  # line 4: bad e-mail
        "Dana Eck,dana@example.com,IT,Munich,wizard\n"  # line 5: unknown role
        "Eva Fink,anna.berg@example.com,IT,Munich,staff\n"  # line 6: duplicate
        "Fritz Gans,fritz@example.com,HR,Berlin,admin\n"  # line 7: admin not importable
        "Gül Han,gul.han@example.com,HR,Berlin,mentor;executive\n",  # line 8 ok
        encoding="utf-8",
    )
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 2
    for line in (3, 4, 5, 6, 7):
        assert f"line {line}:" in result.output
    assert "line 2:" not in result.output and "line 8:" not in result.output
    assert "2 created" in result.output and "5 rejected" in result.output
    gul = db.session.scalar(select(User).where(User.email == "gul.han@example.com"))
    assert gul.roles == ["mentor", "executive"] and gul.name == "Gül Han"


def test_reimporting_the_same_file_changes_nothing(runner, tmp_path, db):
    from community.accounts.models import User

    path = tmp_path / "people.csv"
    path.write_text(CSV_OK, encoding="utf-8")
    assert "2 created" in runner.invoke(args=["people", "import", str(path)]).output
    again = runner.invoke(args=["people", "import", str(path)])
    assert again.exit_code == 0 and "0 created, 0 updated, 2 unchanged" in again.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 2


def test_import_updates_changed_people_and_never_removes_roles(runner, tmp_path, db):
    from community.accounts.models import User

    path = tmp_path / "people.csv"
    path.write_text(CSV_OK, encoding="utf-8")
    runner.invoke(args=["people", "import", str(path)])
    path.write_text(CSV_OK.replace("IT,Munich,mentor", "Marketing,Munich,staff"), encoding="utf-8")
    result = runner.invoke(args=["people", "import", str(path)])
    assert "1 updated" in result.output
    anna = db.session.scalar(select(User).where(User.email == "anna.berg@example.com"))
    assert anna.department == "Marketing" and anna.roles == ["mentor", "staff"]


def test_import_accepts_semicolon_csv_with_bom_from_spreadsheet_programs(runner, tmp_path, db):
    from community.accounts.models import User

    path = tmp_path / "people.csv"
    path.write_bytes("\ufeffName;E-Mail;Department\n".replace("E-Mail", "email").encode() + "Ömer Çelik;omer@example.com;IT\n".encode())
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.name).where(User.email == "omer@example.com")) == "Ömer Çelik"


def test_import_refuses_a_file_without_required_columns_or_not_utf8(runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("fullname,mail\nA,b@example.com\n")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and "name, email" in result.output
    path.write_bytes("name,email\nJürgen,j@example.com\n".encode("latin-1"))
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_demo_is_deterministic_for_a_seed(app, db):
    from community import demo
    from community.accounts.models import User

    def names():
        return [(u.name, u.department, u.roles) for u in db.session.scalars(select(User).order_by(User.id))]

    demo.build(people=60, seed=7)
    db.session.commit()
    first = names()
    db.session.commit()
    from tests.conftest import _clear_tables, isolated

    isolated(app, _clear_tables, app)
    demo.build(people=60, seed=7)
    db.session.commit()
    assert names() == first
    roles = [r for _, _, rs in first for r in rs]
    assert roles.count("mentor") == 6 and roles.count("executive") == 3 and roles.count("admin") == 1


def test_demo_command_refuses_a_populated_database_and_if_empty_skips(runner, create_user):
    create_user()
    assert runner.invoke(args=["demo", "--people", "50"]).exit_code == 1
    skipped = runner.invoke(args=["demo", "--people", "50", "--if-empty"])
    assert skipped.exit_code == 0 and "not loaded" in skipped.output


def test_demo_admin_can_log_in(runner, client):
    from community.demo import DEMO_ADMIN_EMAIL, DEMO_PASSWORD
    from tests.conftest import login

    assert runner.invoke(args=["demo", "--people", "40", "--seed", "2"]).exit_code == 0
    assert login(client, DEMO_ADMIN_EMAIL, DEMO_PASSWORD).status_code == 302


def test_a_large_import_leaves_postgresql_with_planner_statistics(runner, tmp_path, db):
    """A thousand new people at once: the planner, without statistics, took the tables for
    nearly empty (see tests/network_app/test_cli_and_demo.py); a small import does not analyse."""
    import pytest
    from sqlalchemy import text

    from community.database import BULK_ROWS

    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    def estimated() -> float:
        with db.engine.connect() as connection:
            return connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'users'")).scalar()

    small = tmp_path / "small.csv"
    small.write_text(CSV_OK, encoding="utf-8")
    assert "2 created" in runner.invoke(args=["people", "import", str(small)]).output
    assert estimated() < 2  # never analysed (-1) or empty: a small import leaves it to autovacuum
    rows = [f"Person {n},person{n}@example.com,Dept {n % 7},City,staff" for n in range(BULK_ROWS)]
    large = tmp_path / "large.csv"
    large.write_text("name,email,department,location,roles\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(args=["people", "import", str(large)])
    assert f"{BULK_ROWS} created" in result.output, result.output
    assert estimated() == BULK_ROWS + 2


def test_import_refuses_a_file_with_a_column_heading_twice(runner, tmp_path, db):
    from community.accounts.models import User

    path = tmp_path / "twice.csv"
    path.write_text("name,email,email\nAnna Twice,anna.old@example.com,anna.new@example.com\n")
    result = runner.invoke(args=["people", "import", str(path)])
    assert result.exit_code == 1 and "The header has the column email more than once" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
