"""Expertise taxonomy: tags with synonyms; curated by change managers and admins."""

from flask import Blueprint

bp = Blueprint("expertise", __name__)

from community.expertise import views  # noqa: E402,F401
