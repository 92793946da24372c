"""The mentor community: categories, threads, Markdown posts, mentions, moderation."""

from flask import Blueprint

bp = Blueprint("discussions", __name__)

from community.discussions import views  # noqa: E402,F401
