"""API v1: mentoring."""

from flask_smorest import Blueprint

blp = Blueprint("api_mentoring", __name__, description="mentoring")
