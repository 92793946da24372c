"""Flask extensions, created unbound and initialised in create_app."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from community import ratelimit_storage  # noqa: F401 - registers community-memory://
from community.database import Base

db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # A type checker cannot take `db.Model` (an attribute) as a base class; it is `Base` plus
    # Flask-SQLAlchemy's table names and binds, so models are checked against `Base`.
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
cache = Cache()
mail = Mail()


def limit_check_needed(app, rate_limiter: Limiter) -> bool:
    """Whether Flask-Limiter's check before every request has anything to check: limits for the
    whole application, default limits for every route, limits on a blueprint or meta limits.
    The app declares none of them (each of its limits decorates its view, and the decorator
    checks it when the view is called); an operator may add them by configuration."""
    manager = rate_limiter.limit_manager
    configured = any(app.config.get(name) for name in ("RATELIMIT_APPLICATION", "RATELIMIT_DEFAULT", "RATELIMIT_META"))
    return bool(configured or manager.application_limits or manager.default_limits
                or any(manager.blueprint_limits(app, name) for name in app.blueprints))


def skip_idle_limit_check(app) -> None:
    """Without such limits, take the check off the request path: it resolved the route's limits
    on every request to find none, a tenth of a cached page's CPU (issue 19). Called once the
    blueprints are registered; the decorated limits, their headers and 429 answers stay as
    they are (tests/test_rate_limit_check.py)."""
    if limit_check_needed(app, limiter):
        return
    hooks = app.before_request_funcs.get(None, [])
    app.before_request_funcs[None] = [hook for hook in hooks if hook != limiter._check_request_limit]
