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
