"""Pages of a list: `db.paginate`, without its count query when the page itself tells the total."""

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload

from community.extensions import db


def paginate(query, page=1, per_page=20, error_out=False):
    """`db.paginate(query, ...)`. A page that is not full is the last one, so the total is
    known from it (most groups' feeds, boards and lists fit on one page: one query instead of
    two); otherwise the total is counted, as `db.paginate` does."""
    result = db.paginate(query, page=page, per_page=per_page, error_out=error_out, count=False)
    shown = len(result.items)
    if 0 < shown < result.per_page or (shown == 0 and result.page == 1):
        result.total = (result.page - 1) * result.per_page + shown
    else:
        counted = query.options(lazyload("*")).order_by(None).subquery()
        result.total = db.session.scalar(select(func.count()).select_from(counted))
    return result
