"""Profiles, the people directory, topic contacts and the mentors' peer finder."""

from flask import Blueprint

bp = Blueprint("profiles", __name__)

from community.profiles import views  # noqa: E402,F401
