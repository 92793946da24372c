"""The Alembic migrations build exactly the schema the models describe, on SQLite and
PostgreSQL, full-text search objects included."""

from contextlib import contextmanager

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from community import create_app
from community.config import config_for_tests
from tests.conftest import _database_url, build_schema


@contextmanager
def at_revision(tmp_path_factory, suffix: str, revision: str):
    """An empty database of its own, migrated up to `revision`, inside the app's context: a
    test writes rows as they were then, then upgrades and looks."""
    from flask_migrate import upgrade

    from tests.conftest import _reset_schema

    url = _database_url(tmp_path_factory.getbasetemp(), suffix=suffix)
    _reset_schema(url)
    app = create_app(config_for_tests(url))
    with app.app_context():
        upgrade(revision=revision)
        yield app


def test_migrations_build_the_schema_of_the_models(tmp_path_factory):
    from community.extensions import db

    url = _database_url(tmp_path_factory.getbasetemp(), suffix="_migrations")
    build_schema(url, migrations=True)
    app = create_app(config_for_tests(url))
    with app.app_context(), db.engine.connect() as conn:
        from community.database import migration_include_object

        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": migration_include_object})
        diff = compare_metadata(context, db.metadata)
        assert diff == [], diff
        extras = _search_objects(conn)
    expected = _expected_search_objects(tmp_path_factory)
    assert expected <= extras, expected - extras
    with app.app_context():
        db.engine.dispose()


def _search_objects(conn) -> set[str]:
    """Names of full-text objects: FTS5 tables and triggers (SQLite), GIN indexes and triggers (PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text("SELECT name FROM sqlite_master WHERE (type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%') OR type='trigger'"))
    else:
        rows = conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE schemaname='public' AND indexdef ILIKE '%USING gin%' "
            "UNION SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        ))
    return {row[0] for row in rows}


def _expected_search_objects(tmp_path_factory) -> set[str]:
    """What the models' schema extras create in a database built from the models."""
    from community.extensions import db

    url = _database_url(tmp_path_factory.getbasetemp(), suffix="_reference")
    build_schema(url, migrations=False)
    app = create_app(config_for_tests(url))
    with app.app_context():
        with db.engine.connect() as conn:
            names = _search_objects(conn)
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    return {n for n in names if n not in tables or n.endswith("_fts")}


def test_upgrading_a_populated_database_keeps_every_person_and_indexes_them(tmp_path_factory):
    """People created under the first revision survive the upgrade and can be searched."""
    from flask_migrate import upgrade

    from community.extensions import db

    with at_revision(tmp_path_factory, "_upgrade", "c14f228e7743"):
        with db.engine.begin() as conn:
            for i, name in enumerate(["Jürgen Groß", "Anna Berg", "Zoë Çelik"], start=1):
                conn.execute(text(
                    "INSERT INTO users (id, email, name, handle, timezone, active, created_at) "
                    "VALUES (:id, :email, :name, :handle, 'Europe/Berlin', :active, CURRENT_TIMESTAMP)"
                ), {"id": i, "email": f"p{i}@example.com", "name": name, "handle": f"p{i}", "active": True})
            conn.execute(text("INSERT INTO user_roles (user_id, role) VALUES (1, 'mentor'), (2, 'staff'), (3, 'executive')"))
        upgrade()
        from sqlalchemy import select

        from community.profiles.search import matches, search_terms

        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3
            assert conn.execute(text("SELECT capacity FROM users WHERE id = 1")).scalar() == 0
        found = set(db.session.scalars(select(matches(search_terms("gross")).c.user_id)))
        found_zoe = set(db.session.scalars(select(matches(search_terms("zoe celik")).c.user_id)))
        db.session.remove()
        db.engine.dispose()
    assert found == {1} and found_zoe == {3}


def test_upgrading_marks_the_events_people_did_as_done_by_a_person(tmp_path_factory):
    """Events written before the audit trail told a deleted account from the system: those that
    still name their actor were done by a person; those without one stay the system's."""
    from flask_migrate import upgrade

    from community.extensions import db

    with at_revision(tmp_path_factory, "_audit_by_person", "5b8d2e6f0a47"):
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO users (id, email, name, handle, timezone, active, created_at) "
                "VALUES (1, 'p1@example.com', 'Ada Admin', 'p1', 'Europe/Berlin', :active, CURRENT_TIMESTAMP)"
            ), {"active": True})
            conn.execute(text("INSERT INTO audit_events (id, created_at, actor_id, action) VALUES "
                              "(1, CURRENT_TIMESTAMP, 1, 'user.roles_changed'), (2, CURRENT_TIMESTAMP, NULL, 'privacy.retention')"))
        upgrade()
        with db.engine.connect() as conn:
            marked = dict(conn.execute(text("SELECT id, by_person FROM audit_events")).all())
        db.engine.dispose()
    assert marked == {1: True, 2: False}


def test_upgrading_lets_people_already_indexed_be_found_by_their_places_other_names(tmp_path_factory):
    """People indexed before place names were added: "München" finds the one in "Munich"; a
    downgrade takes the names away again."""
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select

    from community.extensions import db
    from community.profiles.search import matches, search_terms

    with at_revision(tmp_path_factory, "_place_names", "7d3a9c1e5f20"):
        with db.engine.begin() as conn:
            for i, location in enumerate(["Munich", "Hamburg", "Wien"], start=1):
                conn.execute(text(
                    "INSERT INTO users (id, email, name, handle, timezone, active, created_at, location) "
                    "VALUES (:id, :email, :name, :handle, 'Europe/Berlin', :active, CURRENT_TIMESTAMP, :location)"
                ), {"id": i, "email": f"p{i}@example.com", "name": f"Person {i}", "handle": f"p{i}", "active": True,
                    "location": location})
                conn.execute(text("INSERT INTO person_search (user_id, body) VALUES (:id, :body)"),
                             {"id": i, "body": f"person {i} {location.lower()}"})
        upgrade()
        found = {q: set(db.session.scalars(select(matches(search_terms(q)).c.user_id))) for q in ("münchen", "vienna", "hamburg")}
        db.session.remove()
        downgrade(revision="7d3a9c1e5f20")
        with db.engine.connect() as conn:
            bodies = dict(conn.execute(text("SELECT user_id, body FROM person_search")).all())
        db.engine.dispose()
    assert found == {"münchen": {1}, "vienna": {3}, "hamburg": {2}}
    assert bodies == {1: "person 1 munich", 2: "person 2 hamburg", 3: "person 3 wien"}  # as they were
