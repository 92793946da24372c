"""API v1: discussions."""

from flask_smorest import Blueprint

blp = Blueprint("api_discussions", __name__, description="discussions")
