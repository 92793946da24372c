"""People whose visibility changed, waiting for the posts that name them to be rendered anew:
one row per person, so one background run covers everyone queued (a mass deactivation through
SCIM read every post once per person before).

Revision ID: 8b4e1f7c2a90
Revises: 6d2f9b3e8a41
Create Date: 2026-12-05 19:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '8b4e1f7c2a90'
down_revision = '6d2f9b3e8a41'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mention_relinks',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mention_relinks_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_mention_relinks')),
    )


def downgrade():
    op.drop_table('mention_relinks')
