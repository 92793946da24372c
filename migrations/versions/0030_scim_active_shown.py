"""SCIM Users carry `active` again: rows stored before said False for an account provisioned
without it too, which hid the state an administrator set (an inactive account answered without
`active`). From now on False means only that the client itself removed it.

Revision ID: 3f9a6c1d7e52
Revises: 8b4e1f7c2a90
Create Date: 2026-12-05 22:00:00
"""
from alembic import op

revision = '3f9a6c1d7e52'
down_revision = '8b4e1f7c2a90'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE scim_users SET active_stated = TRUE WHERE active_stated = FALSE")


def downgrade():
    pass  # which rows were False before cannot be told apart; showing `active` is harmless
