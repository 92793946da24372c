"""Mentor pool: handover of mentorships (the request columns came with 0007_sso_handover), pausing mentoring

Revision ID: 9a1c0e7d5b21
Revises: 89c075f1e7d8
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a1c0e7d5b21'
down_revision = '89c075f1e7d8'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN for `users` (no table rebuild): SQLite's full-text triggers lock it in a batch copy.
    op.add_column('users', sa.Column('mentoring_paused', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('continues_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('handover_note', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mentorships_continues_id'), ['continues_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_mentorships_continues_id_mentorships'), 'mentorships',
                                    ['continues_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('mentorships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mentorships_continues_id_mentorships'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_mentorships_continues_id'))
        batch_op.drop_column('handover_note')
        batch_op.drop_column('continues_id')
        batch_op.drop_column('handed_over_at')

    op.drop_column('users', 'mentoring_paused')
