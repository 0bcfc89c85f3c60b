"""Migrations build the same schema as the models, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from community.extensions import db


def test_models_and_migrations_do_not_drift(make_app, database_url):
    app = make_app()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_migrations_downgrade_to_nothing_and_up_again(make_app):
    app = make_app()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "user" in inspect(db.engine).get_table_names()


STATE_COLUMNS = {"status", "kind", "role", "join_policy", "category", "urgency", "family_form", "stage", "raw_stage"}


def test_every_state_column_has_a_check_constraint_in_the_models():
    from sqlalchemy import CheckConstraint

    missing = []
    for table in db.metadata.sorted_tables:
        checks = " ".join(str(c.sqltext) for c in table.constraints if isinstance(c, CheckConstraint))
        for column in table.columns:
            if column.name in STATE_COLUMNS and f"{column.name} IN (" not in checks:
                missing.append(f"{table.name}.{column.name}")
    # A notice's kind names what happened ("post.announcement"), it is not a state.
    missing = [m for m in missing if m != "notification.kind"]
    assert not missing, f"state columns without a CHECK constraint: {missing}"


def test_the_database_refuses_an_unknown_state(make_app, make_user):
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    app = make_app()
    user_id = make_user()
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE \"user\" SET family_form = 'dragon' WHERE id = :id"), {"id": user_id})
        db.session.rollback()
        db.session.execute(text("UPDATE \"user\" SET family_form = 'kinship' WHERE id = :id"), {"id": user_id})
        db.session.commit()


def test_upgrading_an_existing_database_keeps_its_rows(make_app):
    """From the schema of 0006 to the head with people, a group, a membership, an event and a
    registration in it: nothing is lost (on SQLite a table copied and dropped by a batch
    operation would otherwise take every row referring to it through the cascades)."""
    app = make_app()
    now = "2026-01-01 00:00:00+00:00"
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO "user" (id, email, display_name, city, locale, timezone, password_hash, is_admin,'
                    " consent_at, consent_version, email_notifications, created_at)"
                    " VALUES (1, 'a@example.org', 'Анна', '', 'ru', 'Europe/Moscow', 'x', false, :now, '1', true, :now)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    'INSERT INTO "group" (id, name, slug, city, description, how_to_join, join_policy, timezone,'
                    " member_count, search_text, created_at)"
                    " VALUES (1, 'Опекуны Казани', 'kazan', 'Казань', '', '', 'open', 'Europe/Moscow', 1, '', :now)"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO membership (id, group_id, user_id, role, status, requested_at, joined_at,"
                    " request_message, reason) VALUES (1, 1, 1, 'leader', 'active', :now, :now, '', '')"
                ),
                {"now": now},
            )
            conn.execute(
                text(
                    "INSERT INTO event (id, group_id, title, description, starts_at, ends_at, place, online_url,"
                    " going_count, waitlist_count, travel_reimbursed, travel_note, status, created_by_id, offline,"
                    " created_at) VALUES (1, 1, 'Встреча', '', :now, :later, '', '', 1, 0, false, '', 'published', 1,"
                    " false, :now)"
                ),
                {"now": now, "later": "2026-01-01 02:00:00+00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO registration (id, event_id, user_id, status, queued_at, created_at, show_name)"
                    " VALUES (1, 1, 1, 'going', :now, :now, true)"
                ),
                {"now": now},
            )
        upgrade()
        with db.engine.connect() as conn:
            counts = {
                t: conn.scalar(text(f'SELECT count(*) FROM "{t}"'))  # noqa: S608 (fixed table names)
                for t in ("user", "group", "membership", "registration")
            }
        assert counts == {"user": 1, "group": 1, "membership": 1, "registration": 1}
