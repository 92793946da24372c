"""mentorships: handover requested (leaver, paused or erased mentor)

Revision ID: a7c1d2e3f407
Revises: 6ef996391426
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a7c1d2e3f407'
down_revision = '6ef996391426'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handover_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('handover_reason', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.drop_column('handover_reason')
        batch_op.drop_column('handover_requested_at')
