"""Pages of a list: `db.paginate`, without its count query when the page itself tells the total."""

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import lazyload

from community.extensions import db


def paginate(query, page=1, per_page=20, error_out=False, params=None):
    """`db.paginate(query, ...)`. A page that is not full is the last one, so the total is
    known from it (most groups' feeds, boards and lists fit on one page: one query instead of
    two); otherwise the total is counted, as `db.paginate` does.

    With `params`, `query` is a statement built once (see `paged`) and run with these bound
    parameters: SQLAlchemy neither rebuilds it nor computes its cache key again."""
    if params is None:
        result = db.paginate(query, page=page, per_page=per_page, error_out=error_out, count=False)
    else:
        result = _BoundPagination(
            page=page, per_page=per_page, error_out=error_out, count=False, select=query, params=params
        )
    shown = len(result.items)
    if 0 < shown < result.per_page or (shown == 0 and result.page == 1):
        result.total = (result.page - 1) * result.per_page + shown
    elif params is not None:
        result.total = result._query_count()
    else:
        result.total = _count(query)
    return result


def _count(query, params=None):
    counted = query.options(lazyload("*")).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(counted), params or {})


def paged(query):
    """`query` with its limit and offset as bound parameters, for `paginate(..., params=...)`."""
    return query.limit(bindparam("page_limit")).offset(bindparam("page_offset"))


class _BoundPagination(Pagination):
    def _query_items(self):
        bound = {**self._query_args["params"], "page_limit": self.per_page, "page_offset": self._query_offset}
        return list(db.session.execute(self._query_args["select"], bound).unique().scalars())

    def _query_count(self):
        return _count(self._query_args["select"].limit(None).offset(None), self._query_args["params"])
