"""A session's history keeps the end before and after a reschedule, so a change of its length
alone reads "10:00–11:30 instead of 10:00–10:45" (it read "moved from 10:00 to 10:00").

Revision ID: 9e2c4a7b1d35
Revises: 3f9a6c1d7e52
Create Date: 2026-12-05 22:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9e2c4a7b1d35'
down_revision = '3f9a6c1d7e52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('session_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_ends_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('new_ends_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('session_changes', schema=None) as batch_op:
        batch_op.drop_column('new_ends_at')
        batch_op.drop_column('old_ends_at')
