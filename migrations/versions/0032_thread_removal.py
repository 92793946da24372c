"""Moderators remove threads (kept and restorable: who, when and why are stored on the thread),
and a thread's title and topics can be changed (the time of the last change is its version).

On SQLite the table is rebuilt (batch mode, foreign keys off: migrations/env.py), which drops
the triggers that keep thread titles searchable; they are created again here.

Revision ID: 5c1e8a3f9b27
Revises: 9e2c4a7b1d35
Create Date: 2026-12-06 02:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5c1e8a3f9b27'
down_revision = '9e2c4a7b1d35'
branch_labels = None
depends_on = None

THREAD_SEARCH_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS threads_search_insert AFTER INSERT ON threads
       BEGIN INSERT INTO thread_search(rowid, title) VALUES (NEW.id, NEW.title); END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_update AFTER UPDATE OF title ON threads
       BEGIN
         DELETE FROM thread_search WHERE rowid = OLD.id;
         INSERT INTO thread_search(rowid, title) VALUES (NEW.id, NEW.title);
       END""",
    """CREATE TRIGGER IF NOT EXISTS threads_search_delete AFTER DELETE ON threads
       BEGIN DELETE FROM thread_search WHERE rowid = OLD.id; END""",
)


def _search_triggers_again():
    if op.get_bind().dialect.name == 'sqlite':
        for statement in THREAD_SEARCH_TRIGGERS:
            op.execute(statement)


def upgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('removal_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_threads_removed_by_id_users'), 'users', ['removed_by_id'], ['id'],
                                    ondelete='SET NULL')
    _search_triggers_again()


def downgrade():
    with op.batch_alter_table('threads', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_threads_removed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('removal_reason')
        batch_op.drop_column('removed_by_id')
        batch_op.drop_column('removed_at')
        batch_op.drop_column('edited_at')
    _search_triggers_again()
