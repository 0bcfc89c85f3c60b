"""Pulse surveys: surveys and their questions and groups; ballots (who answered) kept apart
from responses and answers (what was answered, under a random key, with no person, time or
sequence)

Revision ID: v02
Revises: v01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'v02'
down_revision = 'v01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('repeat', sa.String(length=10), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('closes_on', sa.Date(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('custom', 'taking_part')", name=op.f('ck_survey_kind_valid')),
    sa.CheckConstraint("repeat IN ('once', 'quarterly')", name=op.f('ck_survey_repeat_valid')),
    sa.CheckConstraint('answer_count >= 0', name=op.f('ck_survey_answer_count_positive')),
    sa.CheckConstraint('round_no >= 1', name=op.f('ck_survey_round_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_survey_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_survey_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_survey_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey')),
    sa.UniqueConstraint('opportunity_id', name=op.f('uq_survey_opportunity_id'))
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_series_id'), ['series_id'], unique=False)

    op.create_table('survey_ballot',
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_ballot_survey_id_survey'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_survey_ballot_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survey_id', 'user_id', name=op.f('pk_survey_ballot'))
    )
    with op.batch_alter_table('survey_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_ballot_user_id'), ['user_id'], unique=False)

    op.create_table('survey_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_survey_group_group_id_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_group_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_group')),
    sa.UniqueConstraint('survey_id', 'group_id', name=op.f('uq_survey_group_survey_id'))
    )
    with op.batch_alter_table('survey_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_group_group_id'), ['group_id'], unique=False)

    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('scale', 'choice', 'text')", name=op.f('ck_survey_question_kind_valid')),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_question_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question')),
    sa.UniqueConstraint('survey_id', 'position', name=op.f('uq_survey_question_survey_id'))
    )
    op.create_table('survey_response',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], name=op.f('fk_survey_response_survey_id_survey'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_survey_response'))
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_survey_id'), ['survey_id'], unique=False)

    op.create_table('survey_answer',
    sa.Column('response_key', sa.String(length=32), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.CheckConstraint('value IS NULL OR value BETWEEN 0 AND 20', name=op.f('ck_survey_answer_value_range')),
    sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], name=op.f('fk_survey_answer_question_id_survey_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['response_key'], ['survey_response.key'], name=op.f('fk_survey_answer_response_key_survey_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_key', 'question_id', name=op.f('pk_survey_answer'))
    )
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_answer_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('survey_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_answer_question_id'))

    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_survey_id'))

    op.drop_table('survey_response')
    op.drop_table('survey_question')
    with op.batch_alter_table('survey_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_group_group_id'))

    op.drop_table('survey_group')
    with op.batch_alter_table('survey_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_ballot_user_id'))

    op.drop_table('survey_ballot')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_series_id'))
        batch_op.drop_index(batch_op.f('ix_survey_organisation_id'))

    op.drop_table('survey')
