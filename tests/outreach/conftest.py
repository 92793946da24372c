"""The mentoring factories, for e-mails about mentorships and sessions."""

from tests.mentoring.conftest import (  # noqa: F401
    api,
    become,
    create_mentorship,
    create_session,
    give_tags,
    people,
    taxonomy,
)
