"""The directory's search documents name a person's place in its other languages too ("Munich"
is found as "München", "Wien" as "Vienna"): the documents of people whose location has such
names get them (community.spelling.PLACE_NAMES; new and changed people get them anyway).

Revision ID: 8e4b2d6a1c93
Revises: 7d3a9c1e5f20
Create Date: 2026-12-07 18:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '8e4b2d6a1c93'
down_revision = '7d3a9c1e5f20'
branch_labels = None
depends_on = None


def _place_names() -> list[dict]:
    """For each person whose location has names in other languages: those names, as added."""
    # The folding rules and names are the search service's own, so queries and documents match.
    from community.profiles.search import fold
    from community.spelling import place_aliases

    rows = op.get_bind().execute(sa.text("SELECT id, location FROM users WHERE location IS NOT NULL AND location <> ''")).all()
    found = []
    for user_id, location in rows:
        aliases = place_aliases(fold(location))
        if aliases:
            found.append({"user_id": user_id, "extra": " " + " ".join(aliases)})
    return found


def upgrade():
    updates = _place_names()
    if updates:
        op.get_bind().execute(sa.text("UPDATE person_search SET body = body || :extra WHERE user_id = :user_id"), updates)


def downgrade():
    updates = _place_names()
    if updates:
        op.get_bind().execute(sa.text("UPDATE person_search SET body = replace(body, :extra, '') WHERE user_id = :user_id"),
                              updates)
