"""`flask seed-demo`: a small, realistic demo with the four known accounts (SPEC §5)."""

from sqlalchemy import select

from community.auth.models import User
from community.auth.service import hash_password
from community.extensions import db
from community.models import utcnow

DEMO_PASSWORD = "krug-demo-2026"

DEMO_ACCOUNTS = (
    # email, display name, city, admin
    ("admin@demo.krug", "Администратор Круга", "Москва", True),
    ("specialist@demo.krug", "Ирина Соколова (специалист)", "Москва", False),
    ("leader@demo.krug", "Марина Петрова", "Москва", False),
    ("member@demo.krug", "Алексей Смирнов", "Москва", False),
)


class DemoRefused(Exception):
    """The database already holds data that is not ours to mix the demo into."""


def seed_demo(config):
    """Create the demo accounts; refuse if the database holds any user already."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        raise DemoRefused
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    for email, name, city, is_admin in DEMO_ACCOUNTS:
        db.session.add(
            User(
                email=email,
                display_name=name,
                city=city,
                password_hash=password_hash,
                email_verified_at=now,
                is_admin=is_admin,
                consent_at=now,
                consent_version=config["CONSENT_VERSION"],
            )
        )
    db.session.commit()
    return [email for email, *_ in DEMO_ACCOUNTS]
