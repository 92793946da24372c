"""SCIM provisioning: hashed bearer tokens and what the identity provider said about a person

Revision ID: c9e3f4051629
Revises: b8d2e3f40518
Create Date: 2026-12-02 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c9e3f4051629'
down_revision = 'b8d2e3f40518'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scim_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scim_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_scim_tokens_token_hash'))
    )
    op.create_table('scim_users',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=254), nullable=False),
    sa.Column('user_name_display', sa.String(length=254), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=True),
    sa.Column('given_name', sa.String(length=120), nullable=True),
    sa.Column('family_name', sa.String(length=120), nullable=True),
    sa.Column('display_name', sa.String(length=120), nullable=True),
    sa.Column('email_type', sa.String(length=20), nullable=True),
    sa.Column('email_primary', sa.Boolean(), nullable=True),
    sa.Column('email_provided', sa.Boolean(), nullable=False),
    sa.Column('active_stated', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scim_users_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_scim_users')),
    sa.UniqueConstraint('user_name', name=op.f('uq_scim_users_user_name'))
    )
    with op.batch_alter_table('scim_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scim_users_external_id'), ['external_id'], unique=False)


def downgrade():
    with op.batch_alter_table('scim_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scim_users_external_id'))
    op.drop_table('scim_users')
    op.drop_table('scim_tokens')
