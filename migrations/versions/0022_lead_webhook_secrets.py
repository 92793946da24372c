"""Webhook URLs are secrets: the column holds them encrypted (longer), existing ones are encrypted.

Revision ID: 5a8d2e6f0b31
Revises: 9a4c1e7b2d21
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5a8d2e6f0b31'
down_revision = '9a4c1e7b2d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('channel_webhooks', schema=None) as batch_op:
        batch_op.alter_column('url', existing_type=sa.String(length=1000), type_=sa.String(length=2000),
                              existing_nullable=False)
    _encrypt_existing()


def _encrypt_existing():
    """Encrypt the URLs stored in plain text (needs the app's SECRET_KEY: `flask db upgrade`
    has it; without an app, plain values stay readable and `flask secrets reencrypt` does it)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return
    from community.secrets_at_rest import cipher, encrypt, is_encrypted

    box = cipher(current_app.config["SECRET_KEY"], list(current_app.config.get("SECRET_KEY_FALLBACKS") or []))
    conn = op.get_bind()
    hooks = sa.table('channel_webhooks', sa.column('id', sa.Integer), sa.column('url', sa.String))
    for hook_id, url in conn.execute(sa.select(hooks.c.id, hooks.c.url)).all():
        if not is_encrypted(url):
            conn.execute(hooks.update().where(hooks.c.id == hook_id).values(url=encrypt(url, box)))


def downgrade():
    from flask import current_app, has_app_context

    if has_app_context():
        from community.secrets_at_rest import cipher, decrypt, is_encrypted

        box = cipher(current_app.config["SECRET_KEY"], list(current_app.config.get("SECRET_KEY_FALLBACKS") or []))
        conn = op.get_bind()
        hooks = sa.table('channel_webhooks', sa.column('id', sa.Integer), sa.column('url', sa.String))
        for hook_id, url in conn.execute(sa.select(hooks.c.id, hooks.c.url)).all():
            if is_encrypted(url):
                conn.execute(hooks.update().where(hooks.c.id == hook_id).values(url=decrypt(url, box)))
    with op.batch_alter_table('channel_webhooks', schema=None) as batch_op:
        batch_op.alter_column('url', existing_type=sa.String(length=2000), type_=sa.String(length=1000),
                              existing_nullable=False)
