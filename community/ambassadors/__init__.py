"""Ambassador programme: evidence, nominations, decisions with audit, directory."""

from flask import Blueprint

bp = Blueprint("ambassadors", __name__)

from community.ambassadors import views  # noqa: E402,F401
