"""Rows for the real tables, built in memory and inserted in bulk (both generators use it).

A generator adds plain dicts (`Rows.add(Model, ...)`); a row that other rows point to is put in
their `…_id` field as the row itself, and replaced by its id once inserted. One multi-row
INSERT per table (with RETURNING where ids are needed), in foreign-key order.
"""

import secrets

from sqlalchemy import insert, text

from community.auth.models import User
from community.events.models import Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import Comment, Group, Membership, Post
from community.health.models import HealthBreak
from community.mutual_help.models import HelpRequest, HelpResponse
from community.orgs.models import Organisation, Specialist

ORDER = (
    User,
    Organisation,
    Specialist,
    Group,
    HealthBreak,
    Membership,
    Event,
    EventOrganiser,
    Registration,
    Post,
    Comment,
    HelpRequest,
    HelpResponse,
)
REFERENCED = {User, Organisation, Group, Event, Post, HelpRequest}


class Row(dict):
    """A row to insert; other rows hold it in their `…_id` fields until its id is known."""

    __hash__ = object.__hash__
    __eq__ = object.__eq__


class Rows:
    def __init__(self):
        self.tables = {}
        self.password_hash = unusable_password()

    def add(self, model, **values):
        row = Row(values)
        self.tables.setdefault(model, []).append(row)
        return row

    def insert(self):
        """Insert every table's rows (not committed)."""
        connection = db.session.connection()
        for model in ORDER:
            batch = self.tables.get(model, [])
            if not batch:
                continue
            for row in batch:
                for k, v in row.items():
                    if isinstance(v, Row) and "id" not in v:
                        raise ValueError(f"{model.__name__}.{k} points at a row not inserted yet: {dict(v)}")
            keys = set().union(*batch)
            defaults = _defaults(model, keys)
            values = [
                {k: v["id"] if isinstance(v, Row) else v for k, v in {**defaults, **row}.items()} for row in batch
            ]
            if model in REFERENCED:
                statement = insert(model).returning(model.id, sort_by_parameter_order=True)
                for row, new_id in zip(batch, connection.execute(statement, values).scalars().all(), strict=True):
                    row["id"] = new_id
            else:
                connection.execute(insert(model), values)
        self.tables.clear()


def _defaults(model, keys):
    """Every key some row of the batch has, for the rows that lack it: the column's scalar default."""
    result = {}
    for key in keys:
        column = model.__table__.columns[key]
        default = column.default
        result[key] = default.arg if default is not None and default.is_scalar else None
    return result


def analyze():
    """Fresh planner statistics after a bulk load, as autovacuum would soon give them
    (PostgreSQL otherwise plans the indicators' joins for near-empty tables)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for model in ORDER:
            db.session.execute(text(f'ANALYZE "{model.__table__.name}"'))


def unusable_password():
    """Simulated people never sign in: one hash of a random secret, shared by all of them."""
    from community.auth.service import hash_password

    return hash_password(secrets.token_urlsafe(24))
