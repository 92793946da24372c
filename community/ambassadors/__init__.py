"""Ambassador programme: evidence, nominations, decisions with audit, directory."""

from flask import Blueprint

bp = Blueprint("ambassadors", __name__)

from community.ambassadors import services, views  # noqa: E402,F401  (services registers notification kinds)
