"""Privacy by design: data export, erasure, retention; each feature contributes its part."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from community.privacy import views  # noqa: E402,F401
