"""members without an account (issue #15, point 2): user.email may be empty (such a person
cannot sign in and is never emailed), and offline_member holds who added them, the phone
number they agreed to give, the consent (who recorded it, when, what for), and the account a
leader asked them to confirm as theirs (linking)

Revision ID: x01
Revises: t01
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'x01'
down_revision = 't01'
branch_labels = None
depends_on = None


def upgrade():
    # SQLite copies "user" to change the column: migrations/env.py keeps foreign keys off while
    # migrating, so the copy does not delete the rows that refer to a user.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)

    op.create_table('offline_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('consent_purpose', sa.String(length=300), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consent_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('link_user_id', sa.Integer(), nullable=True),
    sa.Column('link_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_offline_member_added_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['consent_by_id'], ['user.id'], name=op.f('fk_offline_member_consent_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['link_user_id'], ['user.id'], name=op.f('fk_offline_member_link_user_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_offline_member_group_id_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_offline_member_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_member')),
    sa.UniqueConstraint('user_id', name=op.f('uq_offline_member_user_id'))
    )
    with op.batch_alter_table('offline_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_member_group_id'), ['group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('offline_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_member_group_id'))
    op.drop_table('offline_member')
    # People without an account keep their history under an address that cannot receive mail.
    op.execute("UPDATE \"user\" SET email = 'no-account-' || id || '@invalid' WHERE email IS NULL")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
