"""The app's own PostgreSQL connection settings (planner costs, lock timeout)."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def test_postgresql_connections_price_random_reads_for_ssds_unless_told_otherwise(monkeypatch):
    from community.config import _engine_options

    def server_options() -> str:
        return _engine_options("postgresql://db.example/community", 5000)["connect_args"]["options"]

    monkeypatch.delenv("DB_RANDOM_PAGE_COST", raising=False)
    assert server_options() == "-c lock_timeout=5000 -c random_page_cost=1.1"
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "2")
    assert server_options() == "-c lock_timeout=5000 -c random_page_cost=2.0"
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "")  # the server's own setting
    assert server_options() == "-c lock_timeout=5000"
    monkeypatch.setenv("DB_RANDOM_PAGE_COST", "cheap; DROP TABLE users")
    with pytest.raises(ValueError, match="DB_RANDOM_PAGE_COST must be a number"):
        server_options()  # a number or nothing: never text in the connection's options
    assert "options" not in _engine_options("sqlite:///community.sqlite3", 5000)["connect_args"]


def test_the_apps_postgresql_sessions_have_those_settings(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL settings")
    with app.app_context():
        assert db.session.execute(text("SHOW random_page_cost")).scalar_one() == "1.1"
        assert db.session.execute(text("SHOW lock_timeout")).scalar_one() == "5s"
