"""The listed people (active, visible in the directory) in name order: an index the directory
reads in its own order. A search for a very common word walks it and asks person by person
whether their document matches, instead of ranking thousands of matches (PostgreSQL; see
community.profiles.search.walks_people); the directory without search words pages on it too.

Revision ID: 5c1e8a2d7f30
Revises: 2f8a6c4e9d13
Create Date: 2026-12-03 06:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5c1e8a2d7f30'
down_revision = '2f8a6c4e9d13'
branch_labels = None
depends_on = None

LISTED = "active IS true AND directory_visible IS true"


def upgrade():
    op.create_index("ix_users_directory_name", "users", ["name", "id"],
                    sqlite_where=sa.text(LISTED), postgresql_where=sa.text(LISTED))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ANALYZE users")


def downgrade():
    op.drop_index("ix_users_directory_name", table_name="users")
