"""The reverse-mentoring programme: runs, mentorships, matching, sessions, feedback, calendar."""

from flask import Blueprint

bp = Blueprint("mentoring", __name__)

from community.mentoring import views  # noqa: E402,F401
