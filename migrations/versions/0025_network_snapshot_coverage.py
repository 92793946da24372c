"""The coverage index of the latest network snapshot, so what-if reads it instead of rebuilding the graph.

Revision ID: 7c3e5a9f1b24
Revises: 4d7e9b1c3a52
Create Date: 2026-12-02 12:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '7c3e5a9f1b24'
down_revision = '4d7e9b1c3a52'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'snapshot_coverage',
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['analysis_snapshots.id'],
                                name=op.f('fk_snapshot_coverage_snapshot_id_analysis_snapshots'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('snapshot_id', name=op.f('pk_snapshot_coverage')),
    )


def downgrade():
    op.drop_table('snapshot_coverage')
