"""The ask loop: a question to a topic contact, its answers, and whether it helped."""

from flask import Blueprint

bp = Blueprint("questions", __name__)

from community.questions import views  # noqa: E402,F401
