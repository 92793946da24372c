"""The profiles factories serve the taxonomy tests too."""

from tests.profiles.conftest import count_statements, create_tag, give_tags, mentoring, taxonomy  # noqa: F401
