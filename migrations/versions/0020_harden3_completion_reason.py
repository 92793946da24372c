"""The reason given when completing a mentorship is kept on the mentorship and shown to its participants.

Revision ID: 3f2b7c9d1e04
Revises: 3b7e2d9c4f10
Create Date: 2026-12-02 07:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '3f2b7c9d1e04'
down_revision = '3b7e2d9c4f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('completed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_mentorships_completed_by_id_users'), 'users', ['completed_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_mentorships_completed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('completed_by_id')
        batch_op.drop_column('completion_reason')
