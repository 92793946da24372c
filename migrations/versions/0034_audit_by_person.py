"""Audit events remember that a person did them (`by_person`), so an event whose actor's
account was deleted since (actor_id set to NULL) no longer reads as done by the system. Events
written before: those that still have an actor were done by a person; those without one cannot
be told apart any more and stay "the system".

Revision ID: 7d3a9c1e5f20
Revises: 5b8d2e6f0a47
Create Date: 2026-12-06 11:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '7d3a9c1e5f20'
down_revision = '5b8d2e6f0a47'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('by_person', sa.Boolean(), nullable=False, server_default=sa.false()))
    audit_events = sa.table('audit_events', sa.column('actor_id', sa.Integer()), sa.column('by_person', sa.Boolean()))
    op.execute(audit_events.update().where(audit_events.c.actor_id.is_not(None)).values(by_person=True))


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('by_person')
