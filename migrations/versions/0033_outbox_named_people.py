"""The outbox keeps the ids of the people a message names or was made from (a digest's
notifications, a briefing's nominees), so erasing one of them finds every message about them
by who they are, never by a name a namesake shares. Messages made before stay NULL.

Revision ID: 5b8d2e6f0a47
Revises: 5c1e8a3f9b27
Create Date: 2026-12-06 02:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5b8d2e6f0a47'
down_revision = '5c1e8a3f9b27'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outgoing_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('named_ids', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_messages', schema=None) as batch_op:
        batch_op.drop_column('named_ids')
