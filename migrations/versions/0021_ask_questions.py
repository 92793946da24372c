"""The ask loop: questions to topic contacts get a status, the asker's verdict and a thread of answers.

The earlier topic_questions rows move into questions (same ids; every one `open`, as nobody
could answer them before), and topic_questions is dropped. The downgrade moves them back
(answers and verdicts are lost then).

Revision ID: 9a4c1e7b2d21
Revises: 3f2b7c9d1e04
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9a4c1e7b2d21'
down_revision = '3f2b7c9d1e04'
branch_labels = None
depends_on = None


def _create_questions():
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_questions_asker_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['contact_id'], ['users.id'], name=op.f('fk_questions_contact_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_questions_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_asker_created', ['asker_id', 'created_at'], unique=False)
        batch_op.create_index('ix_questions_contact_created', ['contact_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_questions_tag_id'), ['tag_id'], unique=False)

    op.create_table('question_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_question_answers_author_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_answers'))
    )
    with op.batch_alter_table('question_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_answers_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_answers_question_id'), ['question_id'], unique=False)


def _create_topic_questions():
    op.create_table('topic_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_topic_questions_asker_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_topic_questions_person_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_topic_questions_tag_id_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_questions'))
    )
    with op.batch_alter_table('topic_questions', schema=None) as batch_op:
        batch_op.create_index('ix_topic_questions_asker_created', ['asker_id', 'created_at'], unique=False)
        batch_op.create_index('ix_topic_questions_person_created', ['person_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_questions_tag_id'), ['tag_id'], unique=False)


def _drop(table, indexes):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name in indexes:
            batch_op.drop_index(name)
    op.drop_table(table)


def _restart_sequence(table):
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def upgrade():
    _create_questions()
    op.execute(
        "INSERT INTO questions (id, asker_id, contact_id, tag_id, body, status, helpful, created_at, answered_at, "
        "resolved_at, updated_at) SELECT id, asker_id, person_id, tag_id, message, 'open', NULL, created_at, NULL, "
        "NULL, created_at FROM topic_questions"
    )
    _restart_sequence('questions')
    _drop('topic_questions', ['ix_topic_questions_tag_id', 'ix_topic_questions_person_created',
                              'ix_topic_questions_asker_created'])


def downgrade():
    _create_topic_questions()
    op.execute(
        "INSERT INTO topic_questions (id, asker_id, person_id, tag_id, message, created_at) "
        "SELECT id, asker_id, contact_id, tag_id, body, created_at FROM questions"
    )
    _restart_sequence('topic_questions')
    _drop('question_answers', ['ix_question_answers_question_id', 'ix_question_answers_author_id'])
    _drop('questions', ['ix_questions_tag_id', 'ix_questions_contact_created', 'ix_questions_asker_created'])
