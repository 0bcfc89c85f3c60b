"""notifications remember whose action they report, so a deleted account's name can leave them

Revision ID: s01
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = 's01'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notification_actor_id'), ['actor_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_notification_actor_id_user'), 'user', ['actor_id'], ['id'], ondelete='SET NULL'
        )


def downgrade():
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notification_actor_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notification_actor_id'))
        batch_op.drop_column('actor_id')
