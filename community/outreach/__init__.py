"""Reaching people where they work: e-mail (immediately or as a daily digest), reminders,
the weekly briefing for change managers, and posts to Teams and Slack channels."""

from flask import Blueprint

bp = Blueprint("outreach", __name__)

from community.outreach import views  # noqa: E402,F401
