"""impact report (issue #11, point 4): the unplanned results an organisation notes down

Revision ID: t01
Revises: k01
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 't01'
down_revision = 'k01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unplanned_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_unplanned_result_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_unplanned_result_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unplanned_result'))
    )
    with op.batch_alter_table('unplanned_result', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unplanned_result_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index('ix_unplanned_result_org_day', ['organisation_id', 'happened_on'], unique=False)


def downgrade():
    with op.batch_alter_table('unplanned_result', schema=None) as batch_op:
        batch_op.drop_index('ix_unplanned_result_org_day')
        batch_op.drop_index(batch_op.f('ix_unplanned_result_created_by_id'))

    op.drop_table('unplanned_result')
