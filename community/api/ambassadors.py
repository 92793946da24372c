"""API v1: ambassadors."""

from flask_smorest import Blueprint

blp = Blueprint("api_ambassadors", __name__, description="ambassadors")
