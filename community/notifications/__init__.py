"""In-app notifications shared by mentoring, discussions and the ambassador programme."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from community.notifications import views  # noqa: E402,F401
