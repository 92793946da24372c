"""PostgreSQL: the posts' search vector stored in a generated column, its GIN index on it.

A search for a frequent word walks the threads by latest activity and asks, thread by thread,
whether a visible post matches; parsing every body again (to_tsvector per row) made that the
cost of the page. The stored tsvector is read instead, as for the directory (4d7e9b1c3a52).
The index keeps its name and its condition (visible posts only). SQLite (FTS5) is unchanged.

Rewrites `posts` (an exclusive lock for its duration: about a minute for 1,000,000 posts, see
bench/scale_pg.py).

Revision ID: 2f8a6c4e9d13
Revises: 7c3e5a9f1b24
Create Date: 2026-12-02 16:10:00
"""
from alembic import op

revision = '2f8a6c4e9d13'
down_revision = '7c3e5a9f1b24'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_posts_search")
    op.execute("ALTER TABLE posts ADD COLUMN IF NOT EXISTS search_vector tsvector "
               "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, body)) STORED")
    op.execute("CREATE INDEX ix_posts_search ON posts USING gin (search_vector) WHERE deleted_at IS NULL AND NOT hidden")
    # The rewritten table has no statistics for the new column until autovacuum comes by; the
    # search reads the planner's estimate of matching posts to choose its way (a rare word
    # taken for a frequent one walks every thread).
    op.execute("ANALYZE posts")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_posts_search")
    op.execute("ALTER TABLE posts DROP COLUMN IF EXISTS search_vector")
    op.execute("CREATE INDEX ix_posts_search ON posts USING gin (to_tsvector('simple'::regconfig, body)) "
               "WHERE deleted_at IS NULL AND NOT hidden")
    op.execute("ANALYZE posts")
