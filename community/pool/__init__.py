"""Sustaining the mentor pool: topic demand against supply, substitute mentors and handovers."""

from flask import Blueprint

bp = Blueprint("pool", __name__)

from community.pool import views  # noqa: E402,F401
