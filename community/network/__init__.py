"""Network analysis of the mentor pool: pure graph code (graph.py), services, dashboard."""

from flask import Blueprint

bp = Blueprint("network", __name__)

from community.network import views  # noqa: E402,F401
