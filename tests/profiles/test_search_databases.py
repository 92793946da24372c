"""SQLite FTS5 and PostgreSQL full-text search return the same people for the same data."""

from __future__ import annotations

import contextvars

import pytest

from tests.conftest import isolated

PEOPLE = [
    # name, department, location, bio, {topic: level}
    ("Anna Müller", "Sales", "München", "Zeigt gern **Teams**-Kanäle und Kurzvideos.", {"microsoft-teams": "expert", "linkedin": "practitioner"}),
    ("Ben Weber", "IT", "Hamburg", "Passwörter? Nutzt einen Passwortmanager.", {"password-managers": "expert", "phishing": "practitioner"}),
    ("Çağla Yılmaz", "Marketing", "Berlin", "Social selling & employer branding", {"social-selling": "expert"}),
    ("Jürgen Groß", "Finance", "Zürich", "Excel-Fan, Pivot-Tabellen, Power BI", {"excel-advanced": "expert", "dashboards": "interested"}),
    ("Zoë O'Brien", "Research & Development", "Barcelona", "agile coach; design-thinking; e2e tests", {"agile-methods": "practitioner"}),
    ("Łukasz Nowak", "Logistics", "Straße 1, Wien", "Mobile work on the shop floor", {"mobile-work": "expert", "microsoft-teams": "interested"}),
]
QUERIES = [
    {"q": "muller"}, {"q": "MÜLL"}, {"q": "teams"}, {"q": "ms teams"}, {"q": "yılmaz"}, {"q": "yilmaz"},
    {"q": "gross"}, {"q": "groß"}, {"q": "strasse"}, {"q": "zurich"}, {"q": "o'brien"}, {"q": "obrien"},
    {"q": "pivot"}, {"q": "power bi"}, {"q": "e2e"}, {"q": "passwort"}, {"q": "lukasz"}, {"q": "design thinking"},
    {"q": "social"}, {"q": '"teams" NEAR excel'}, {"q": "-teams"}, {"q": "(agile)"}, {"q": "a:b *"},
    {"q": "munich"}, {"q": "muenchen"}, {"q": "vienna"}, {"q": "wien"}, {"q": "zuerich"},
    {"tag": "microsoft-teams"}, {"tag": "teams", "q": "anna"}, {"department": "IT"}, {"q": "e", "location": "Berlin"},
]
EXPECTED = {
    "muller": {"Anna Müller"}, "MÜLL": {"Anna Müller"}, "teams": {"Anna Müller", "Łukasz Nowak"},
    "yılmaz": {"Çağla Yılmaz"}, "yilmaz": {"Çağla Yılmaz"}, "gross": {"Jürgen Groß"}, "groß": {"Jürgen Groß"},
    "strasse": {"Łukasz Nowak"}, "zurich": {"Jürgen Groß"}, "o'brien": {"Zoë O'Brien"}, "obrien": set(),
    "power bi": {"Jürgen Groß"}, "e2e": {"Zoë O'Brien"}, "passwort": {"Ben Weber"}, "lukasz": {"Łukasz Nowak"},
    "design thinking": {"Zoë O'Brien"}, "-teams": {"Anna Müller", "Łukasz Nowak"}, "(agile)": {"Zoë O'Brien"},
    # a place in another language's name ("München" is found as "Munich", "Wien" as "Vienna")
    "munich": {"Anna Müller"}, "muenchen": {"Anna Müller"}, "vienna": {"Łukasz Nowak"}, "wien": {"Łukasz Nowak"},
    "zuerich": {"Jürgen Groß"},
}


def build(app) -> None:
    from community.accounts import services as accounts
    from community.expertise.services import seed_taxonomy
    from community.extensions import db
    from community.profiles.services import add_person_tags

    with app.app_context():
        seed_taxonomy()
        for i, (name, department, location, bio, tags) in enumerate(PEOPLE):
            user = accounts.create_user(email=f"p{i}@example.com", name=name, department=department, location=location)
            user.bio = bio
            add_person_tags(user, tags.items())
        db.session.commit()


def results(app) -> list[set[str]]:
    from community.profiles.queries import DirectoryQuery, search_people

    with app.app_context():
        return [
            {user.name for user in search_people(DirectoryQuery(**query), page=1, per_page=50).page.items}
            for query in QUERIES
        ]


def test_search_gives_the_expected_people_on_this_database(app, db):
    isolated(app, build, app)
    found = isolated(app, results, app)
    for query, people in zip(QUERIES, found, strict=True):
        if "q" in query and len(query) == 1 and query["q"] in EXPECTED:
            assert people == EXPECTED[query["q"]], query


def test_sqlite_and_postgresql_return_the_same_people(app, db, tmp_path):
    """Runs where the suite itself runs on PostgreSQL: the same data in a fresh SQLite file must
    give identical result sets for every query."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("compares with PostgreSQL when the suite runs on it (TEST_DATABASE_URL)")
    from community import create_app
    from community.config import config_for_tests
    from community.database import SCHEMA_EXTRAS
    from community.extensions import db as database

    isolated(app, build, app)
    on_postgresql = isolated(app, results, app)

    def on_sqlite():
        other = create_app(config_for_tests(f"sqlite:///{tmp_path / 'compare.sqlite3'}"))
        with other.app_context():
            database.create_all()
            with database.engine.begin() as conn:
                for install in SCHEMA_EXTRAS:
                    install(conn)
        build(other)
        found = results(other)
        with other.app_context():
            database.engine.dispose()
        return found

    on_sqlite_results = contextvars.Context().run(on_sqlite)
    assert on_sqlite_results == on_postgresql
    assert any(on_postgresql) and not all(on_postgresql)


def test_a_very_common_word_lists_the_same_people_by_name(app, db, monkeypatch):
    """PostgreSQL: a word in many documents walks the listed people in name order (no ranking of
    every match); it finds exactly the people the ranked search finds, and never a hidden one."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the walk is PostgreSQL's way (FTS5 ranks its matches)")
    from community.profiles import search

    isolated(app, build, app)
    ranked = isolated(app, results, app)
    monkeypatch.setattr(search, "WALK_FROM_PEOPLE", 0)
    monkeypatch.setattr(search, "WALK_FROM_SHARE", 0.0)
    walked = isolated(app, results, app)
    assert walked == ranked

    def common_word() -> tuple[list[str], int, bool]:
        from sqlalchemy import select

        from community.accounts.models import User
        from community.profiles.queries import DirectoryQuery, search_people

        with app.app_context():
            hidden = db.session.scalar(select(User).where(User.name == "Ben Weber"))
            hidden.directory_visible = False
            db.session.commit()
            assert search.walks_people(["e"])
            found = search_people(DirectoryQuery(q="e"), page=1, per_page=3)
            rest = search_people(DirectoryQuery(q="e"), page=2, per_page=3)
            names = [user.name for user in found.page.items + rest.page.items]
            everyone = [user.name for user in search_people(DirectoryQuery(), page=1, per_page=50).page.items]
            return names, found.page.total, [name for name in everyone if name in names]

    names, total, directory_order = isolated(app, common_word)
    # Three of the six have a word beginning with "e"; Ben Weber ("einen") is hidden now.
    assert names == directory_order and len(names) == total == 3 and "Ben Weber" not in names
