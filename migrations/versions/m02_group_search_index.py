"""group.search_index and group.region: a directory search that forgives spelling

The index holds the spelling-free form of each group's name, city, region and the city's
other names (community/groups/search.py); the app keeps it up to date on every save. This
migration fills it for the groups that exist.

Revision ID: m02
Revises: m01
"""

import sqlalchemy as sa
from alembic import op

revision = "m02"
down_revision = "m01"
branch_labels = None
depends_on = None


def upgrade():
    from community.groups.search import index_for, region_of

    with op.batch_alter_table("group", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("search_index", sa.String(length=1000), server_default="", nullable=False))
        batch_op.add_column(sa.Column("region", sa.String(length=120), server_default="", nullable=False))
    group = sa.table(
        "group", sa.column("id"), sa.column("name"), sa.column("city"), sa.column("search_index"), sa.column("region")
    )
    connection = op.get_bind()
    for row in connection.execute(sa.select(group.c.id, group.c.name, group.c.city)).all():
        connection.execute(
            group.update()
            .where(group.c.id == row.id)
            .values(search_index=index_for(row.name, row.city), region=region_of(row.city))
        )


def downgrade():
    with op.batch_alter_table("group", schema=None) as batch_op:
        batch_op.drop_column("region")
        batch_op.drop_column("search_index")
