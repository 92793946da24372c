"""Profiles, the people directory, topic contacts and the mentors' peer finder."""

from flask import Blueprint

bp = Blueprint("profiles", __name__)

from community.accounts.importing import register_column  # noqa: E402
from community.profiles import search, views  # noqa: E402,F401
from community.profiles.services import check_tags_column, import_tags_column  # noqa: E402

# CSV import of people: a `tags` column "slug:level;slug2" adds topics (never removes any).
register_column("tags", import_tags_column, check=check_tags_column)
