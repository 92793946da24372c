"""Administration: people and their roles, the audit trail."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from community.admin import views  # noqa: E402,F401
