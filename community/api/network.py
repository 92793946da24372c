"""API v1: network."""

from flask_smorest import Blueprint

blp = Blueprint("api_network", __name__, description="network")
