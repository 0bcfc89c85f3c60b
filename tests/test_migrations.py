"""Migrations build the same schema as the models, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

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
