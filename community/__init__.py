"""Mentor Community & Ambassador Network."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from flask import Flask

# Feature packages, each a blueprint `bp`; models, when a feature has them, in `<feature>.models`.
FEATURES = (
    "main", "accounts", "admin", "audit", "notifications", "expertise", "profiles",
    "mentoring", "discussions", "ambassadors", "network", "impact", "pool", "privacy", "scim", "outreach", "questions",
)


def web_folders() -> tuple[str, str]:
    """templates/ and static/: inside the package in an installed copy, else at the checkout's top."""
    package = Path(__file__).resolve().parent
    for root in (package, package.parent):
        if (root / "templates" / "base.html").is_file():
            return str(root / "templates"), str(root / "static")
    raise RuntimeError("templates/ not found beside or inside the community package")


def create_app(config: dict | None = None) -> Flask:
    """Application factory: a short list of register_* steps."""
    templates, static = web_folders()
    app = Flask(__name__, instance_relative_config=True, template_folder=templates, static_folder=static)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.extensions["community.features"] = FEATURES  # for features that visit the others
    register_config(app, config)
    register_models()
    register_extensions(app)
    register_security(app)
    register_blueprints(app)
    register_errors(app)
    register_cli(app)
    register_templates(app)
    return app


def register_config(app: Flask, config: dict | None) -> None:
    from community.config import default_config

    app.config.from_mapping(default_config(app.instance_path, config))
    if config:
        app.config.from_mapping(config)
        if "SQLALCHEMY_DATABASE_URI" in config:
            from community.config import _normalise_database_url

            app.config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(
                config["SQLALCHEMY_DATABASE_URI"]
            )


def register_models() -> None:
    """Import every feature's models so metadata (and Alembic) sees all tables."""
    for feature in FEATURES:
        name = f"community.{feature}.models"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def register_extensions(app: Flask) -> None:
    from community import i18n
    from community.database import (
        install_idle_ping,
        install_sqlite_transactions,
        install_unbegun_reads,
    )
    from community.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        connect_args = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}).get("connect_args", {})
        install_sqlite_transactions(db.engine, float(connect_args.get("timeout", 5.0)))
        install_idle_ping(db.engine, app.config["DB_PING_AFTER_IDLE_SECONDS"])
        install_unbegun_reads(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    login_manager.init_app(app)
    from community import caching, unit_of_work

    caching.init_app(app)
    unit_of_work.install_session_hooks()
    from community.accounts import auth

    auth.init_login_manager(login_manager)
    from community.accounts import oidc

    oidc.init_app(app)
    from community import tasks
    from community.extensions import mail

    mail.init_app(app)
    tasks.init_app(app)


def register_security(app: Flask) -> None:
    from community import security

    security.init_app(app)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        # Behind a reverse proxy: the client's address (rate limits, logs, login sessions) and
        # the scheme come from the X-Forwarded-* headers that this many proxies set.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]


def register_blueprints(app: Flask) -> None:
    from community import api
    from community.database import BoundedIntConverter

    app.url_map.converters["int"] = BoundedIntConverter

    for feature in FEATURES:
        package = importlib.import_module(f"community.{feature}")
        if hasattr(package, "bp"):
            app.register_blueprint(package.bp)
    api.init_app(app)
    from community.extensions import skip_idle_limit_check
    from community.unit_of_work import wrap_all_views

    wrap_all_views(app)
    skip_idle_limit_check(app)


def register_errors(app: Flask) -> None:
    from community import error_pages, logs

    logs.init_app(app)
    error_pages.init_app(app)


def register_cli(app: Flask) -> None:
    from community import cli

    cli.init_app(app)


def register_templates(app: Flask) -> None:
    from community import i18n, labels, templating

    templating.init_app(app)
    i18n.init_app(app)
    labels.init_app(app)
