"""Self-assessment: yearly rounds (one per organisation and year), the organisation's ratings
with evidence, and the parents' anonymous ratings (ballots apart from responses)

Revision ID: v03
Revises: v02
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'v03'
down_revision = 'v02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('parent_count', sa.Integer(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('parent_count >= 0', name=op.f('ck_assessment_round_parent_count_positive')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_assessment_round_opened_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_assessment_round_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_round')),
    sa.UniqueConstraint('organisation_id', 'year', name=op.f('uq_assessment_round_organisation_id'))
    )
    op.create_table('assessment_ballot',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_round.id'], name=op.f('fk_assessment_ballot_round_id_assessment_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assessment_ballot_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'user_id', name=op.f('pk_assessment_ballot'))
    )
    with op.batch_alter_table('assessment_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_ballot_user_id'), ['user_id'], unique=False)

    op.create_table('assessment_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('statement', sa.String(length=40), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('rated_by_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('level BETWEEN 0 AND 3', name=op.f('ck_assessment_rating_level_range')),
    sa.ForeignKeyConstraint(['rated_by_id'], ['user.id'], name=op.f('fk_assessment_rating_rated_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_round.id'], name=op.f('fk_assessment_rating_round_id_assessment_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_rating')),
    sa.UniqueConstraint('round_id', 'statement', name=op.f('uq_assessment_rating_round_id'))
    )
    op.create_table('assessment_response',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['assessment_round.id'], name=op.f('fk_assessment_response_round_id_assessment_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_assessment_response'))
    )
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_response_round_id'), ['round_id'], unique=False)

    op.create_table('assessment_parent_rating',
    sa.Column('response_key', sa.String(length=32), nullable=False),
    sa.Column('statement', sa.String(length=40), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.CheckConstraint('level BETWEEN 0 AND 3', name=op.f('ck_assessment_parent_rating_level_range')),
    sa.ForeignKeyConstraint(['response_key'], ['assessment_response.key'], name=op.f('fk_assessment_parent_rating_response_key_assessment_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_key', 'statement', name=op.f('pk_assessment_parent_rating'))
    )


def downgrade():
    op.drop_table('assessment_parent_rating')
    with op.batch_alter_table('assessment_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_response_round_id'))

    op.drop_table('assessment_response')
    op.drop_table('assessment_rating')
    with op.batch_alter_table('assessment_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_ballot_user_id'))

    op.drop_table('assessment_ballot')
    op.drop_table('assessment_round')
