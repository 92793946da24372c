"""API v1: tags."""

from flask_smorest import Blueprint

blp = Blueprint("api_tags", __name__, description="tags")
