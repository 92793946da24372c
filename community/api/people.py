"""API v1: people."""

from flask_smorest import Blueprint

blp = Blueprint("api_people", __name__, description="people")
