"""Programme impact: incentive surveys per run, the run report with charts, exports for HR."""

from flask import Blueprint

bp = Blueprint("impact", __name__)

from community.impact import views  # noqa: E402,F401
