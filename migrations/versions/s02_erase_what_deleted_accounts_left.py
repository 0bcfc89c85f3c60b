"""what accounts deleted before 2026-11 left behind is erased as deletion now does it
(community/auth/personal_data.py): their replies, thread and private messages go, their
discussions go or are emptied, the words of their help requests, answers, feedback and
support offers are removed. A missing author (NULL) always means a deleted account.

Revision ID: s02
Revises: s01
"""
from alembic import op


revision = 's02'
down_revision = 's01'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM comment WHERE author_id IS NULL")
    op.execute("DELETE FROM help_message WHERE author_id IS NULL")
    op.execute("DELETE FROM message WHERE sender_id IS NULL OR recipient_id IS NULL")
    op.execute(
        "DELETE FROM post WHERE author_id IS NULL AND kind = 'discussion' "
        "AND id NOT IN (SELECT post_id FROM comment)"
    )
    op.execute("UPDATE post SET title = '', body = '', members_said = '' WHERE author_id IS NULL AND kind = 'discussion'")
    op.execute(
        "UPDATE post SET comment_count = "
        "(SELECT count(*) FROM comment WHERE comment.post_id = post.id AND comment.hidden_at IS NULL)"
    )
    op.execute(
        "UPDATE help_request SET status = 'closed', closed_at = COALESCE(closed_at, created_at) "
        "WHERE author_id IS NULL AND status IN ('open', 'in_progress')"
    )
    op.execute(
        "UPDATE help_request SET title = '', details = '', close_note = '', thank_you = '' WHERE author_id IS NULL"
    )
    op.execute("UPDATE help_response SET message = '' WHERE helper_id IS NULL")
    op.execute("UPDATE event_feedback SET helped = '', change = '', anonymous = TRUE WHERE user_id IS NULL")
    op.execute("UPDATE support_offer SET message = '' WHERE specialist_id IS NULL")


def downgrade():
    pass  # what was erased stays erased
