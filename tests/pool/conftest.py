"""Mentor-pool tests reuse the mentoring factories (taxonomy, mentorships, sessions, tags, API)."""

from tests.mentoring.conftest import (  # noqa: F401 - fixtures
    api,
    become,
    create_mentorship,
    create_session,
    give_tags,
    taxonomy,
)
