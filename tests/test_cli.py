"""Command-line verbs: seed-demo, create-admin."""

from sqlalchemy import select

from community.auth.models import User
from community.demo import DEMO_PASSWORD
from community.extensions import db
from tests.conftest import Browser


def test_seed_demo_creates_the_four_known_accounts(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for email in ("admin@demo.krug", "specialist@demo.krug", "leader@demo.krug", "member@demo.krug"):
        assert email in result.output
        Browser(app.test_client()).login(email=email, password=DEMO_PASSWORD)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.krug"))
        assert admin.is_admin and admin.email_verified


def test_seed_demo_refuses_a_database_with_other_data(runner, make_user):
    make_user()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "already holds data" in result.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0


def test_create_admin_makes_a_verified_admin(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "Boss@Example.org", "--name", "Boss"],
        input="a fine long password\na fine long password\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
        assert user.is_admin and user.email_verified
    Browser(app.test_client()).login(email="boss@example.org", password="a fine long password")


def test_create_admin_refuses_a_short_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "--email", "boss@example.org", "--name", "Boss"], input="short\nshort\n"
    )
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(User)) is None
