"""keeping a group safe, and announcements that stay on top (issue #15, points 3 and 4):
reports (one open report per person per item: a partial unique index), blocks, suspended
accounts, hidden help answers, help-thread and private messages, pinned posts, and "спасибо"
(one per person per post or help answer: unique constraints)

Revision ID: k01
Revises: v03
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'k01'
down_revision = 'v03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('block',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('blocker_id', sa.Integer(), nullable=False),
    sa.Column('blocked_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('blocker_id <> blocked_id', name=op.f('ck_block_not_self')),
    sa.ForeignKeyConstraint(['blocked_id'], ['user.id'], name=op.f('fk_block_blocked_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocker_id'], ['user.id'], name=op.f('fk_block_blocker_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_block')),
    sa.UniqueConstraint('blocker_id', 'blocked_id', name=op.f('uq_block_blocker_id'))
    )
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_block_blocked_id'), ['blocked_id'], unique=False)

    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('post', 'comment', 'help_request', 'help_answer', 'help_message', 'message')", name=op.f('ck_report_kind_valid')),
    sa.CheckConstraint("reason IN ('child_data', 'insult', 'advertising', 'other')", name=op.f('ck_report_reason_valid')),
    sa.CheckConstraint("status IN ('open', 'hidden', 'dismissed')", name=op.f('ck_report_status_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_report_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_report_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['group.id'], name=op.f('fk_report_group_id_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['user.id'], name=op.f('fk_report_reporter_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report'))
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_report_group_status', ['group_id', 'status'], unique=False)
        batch_op.create_index('ix_report_item', ['kind', 'item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reporter_id'), ['reporter_id'], unique=False)
        batch_op.create_index('uq_report_open_per_reporter', ['reporter_id', 'kind', 'item_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    op.create_table('thanks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('help_response_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(post_id IS NULL) <> (help_response_id IS NULL)', name=op.f('ck_thanks_one_target')),
    sa.ForeignKeyConstraint(['help_response_id'], ['help_response.id'], name=op.f('fk_thanks_help_response_id_help_response'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_thanks_post_id_post'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_thanks_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thanks')),
    sa.UniqueConstraint('user_id', 'help_response_id', name='uq_thanks_user_help_response'),
    sa.UniqueConstraint('user_id', 'post_id', name='uq_thanks_user_post')
    )
    with op.batch_alter_table('thanks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thanks_help_response_id'), ['help_response_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_thanks_post_id'), ['post_id'], unique=False)

    with op.batch_alter_table('help_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_help_message_hidden_by_id_user'), 'user', ['hidden_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('help_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_help_response_hidden_by_id_user'), 'user', ['hidden_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('hidden_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_message_hidden_by_id_user'), 'user', ['hidden_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_suspended_by_id_user'), 'user', ['suspended_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_suspended_by_id_user'), type_='foreignkey')
        batch_op.drop_column('suspended_by_id')
        batch_op.drop_column('suspended_at')

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_column('pinned_at')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_hidden_by_id_user'), type_='foreignkey')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('help_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_help_response_hidden_by_id_user'), type_='foreignkey')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('help_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_help_message_hidden_by_id_user'), type_='foreignkey')
        batch_op.drop_column('hidden_by_id')
        batch_op.drop_column('hidden_at')

    with op.batch_alter_table('thanks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thanks_post_id'))
        batch_op.drop_index(batch_op.f('ix_thanks_help_response_id'))

    op.drop_table('thanks')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index('uq_report_open_per_reporter', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_report_reporter_id'))
        batch_op.drop_index('ix_report_item')
        batch_op.drop_index('ix_report_group_status')
        batch_op.drop_index(batch_op.f('ix_report_author_id'))

    op.drop_table('report')
    with op.batch_alter_table('block', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_block_blocked_id'))

    op.drop_table('block')
