"""The home, search and digest migrations (m01-m03) keep what is in the database: adding a
column to "user", "group" or "membership" never copies and drops the table (on SQLite that
would delete every row that refers to it), and the new columns are filled from the old ones."""

from flask_migrate import upgrade
from sqlalchemy import text

from community.extensions import db


def test_upgrading_keeps_memberships_and_fills_the_new_columns(make_app):
    app = make_app()
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="h01")
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    'INSERT INTO "user" (id, email, display_name, city, locale, timezone, password_hash, is_admin,'
                    " consent_at, consent_version, email_notifications, opportunity_emails, created_at)"
                    " VALUES (1, 'a@example.org', 'Анна', '', 'ru', 'Europe/Moscow', 'x', false, :now, '1', false,"
                    " false, :now)"
                ),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
            conn.execute(
                text(
                    'INSERT INTO "group" (id, name, slug, city, description, how_to_join, join_policy, timezone,'
                    " member_count, search_text, created_at)"
                    " VALUES (1, 'Опекуны Казани', 'kazan', 'Казань', '', '', 'open', 'Europe/Moscow', 1, '', :now)"
                ),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO membership (id, group_id, user_id, role, status, requested_at, request_message, reason)"
                    " VALUES (1, 1, 1, 'member', 'active', :now, '', '')"
                ),
                {"now": "2026-01-01 00:00:00+00:00"},
            )
        upgrade()
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM membership")) == 1
            assert conn.scalar(text('SELECT email_frequency FROM "user"')) == "never"
            index, region = conn.execute(text('SELECT search_index, region FROM "group"')).one()
            assert "kazan" in index and region == "Республика Татарстан"
