"""impact report, question 5 (issue #11): items of the organisation's groups marked as
unexpected results: a suggestion, an event, an opportunity or a decision, with a short note

Revision ID: u01
Revises: w01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'u01'
down_revision = 'w01'
branch_labels = None
depends_on = None

# Written out as the model builds it (community/report/models.py, _one_item_of_its_kind).
ONE_ITEM_OF_ITS_KIND = (
    "(kind = 'suggestion' AND suggestion_id IS NOT NULL AND event_id IS NULL AND opportunity_id IS NULL AND post_id IS NULL)"
    " OR (kind = 'event' AND event_id IS NOT NULL AND suggestion_id IS NULL AND opportunity_id IS NULL AND post_id IS NULL)"
    " OR (kind = 'opportunity' AND opportunity_id IS NOT NULL AND suggestion_id IS NULL AND event_id IS NULL AND post_id IS NULL)"
    " OR (kind = 'decision' AND post_id IS NOT NULL AND suggestion_id IS NULL AND event_id IS NULL AND opportunity_id IS NULL)"
)


def upgrade():
    op.create_table('unexpected_mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(ONE_ITEM_OF_ITS_KIND, name=op.f('ck_unexpected_mark_one_item_of_its_kind')),
    sa.CheckConstraint('length(note) BETWEEN 1 AND 500', name=op.f('ck_unexpected_mark_note_length')),
    sa.CheckConstraint("kind IN ('suggestion', 'event', 'opportunity', 'decision')", name=op.f('ck_unexpected_mark_kind_valid')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_unexpected_mark_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['user.id'], name=op.f('fk_unexpected_mark_marked_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_unexpected_mark_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_unexpected_mark_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_unexpected_mark_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'], name=op.f('fk_unexpected_mark_suggestion_id_suggestion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unexpected_mark')),
    sa.UniqueConstraint('event_id', name=op.f('uq_unexpected_mark_event_id')),
    sa.UniqueConstraint('opportunity_id', name=op.f('uq_unexpected_mark_opportunity_id')),
    sa.UniqueConstraint('post_id', name=op.f('uq_unexpected_mark_post_id')),
    sa.UniqueConstraint('suggestion_id', name=op.f('uq_unexpected_mark_suggestion_id'))
    )
    with op.batch_alter_table('unexpected_mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unexpected_mark_marked_by_id'), ['marked_by_id'], unique=False)
        batch_op.create_index('ix_unexpected_mark_org_kind', ['organisation_id', 'kind'], unique=False)


def downgrade():
    with op.batch_alter_table('unexpected_mark', schema=None) as batch_op:
        batch_op.drop_index('ix_unexpected_mark_org_kind')
        batch_op.drop_index(batch_op.f('ix_unexpected_mark_marked_by_id'))

    op.drop_table('unexpected_mark')
