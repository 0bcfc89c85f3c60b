"""Builders shared by the events tests: a group with a leader, members and a specialist."""

from datetime import timedelta

from sqlalchemy import select

from community.auth.models import User
from community.events import service as events
from community.extensions import db
from community.groups import service as groups
from community.groups.models import ACTIVE, SPECIALIST, Membership
from community.models import utcnow
from community.orgs.models import Organisation, Specialist
from tests.conftest import work


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def build_group(app, make_user, members=3, timezone="Europe/Moscow"):
    """A group led by leader@example.org with member1..N and specialist@example.org."""
    make_user("leader@example.org", name="Марина")
    for n in range(1, members + 1):
        make_user(f"member{n}@example.org", name=f"Участник {n}")
    make_user("specialist@example.org", name="Ирина")
    make_user("outsider@example.org", name="Чужой")
    with work(app):
        group = groups.create_group(
            user("leader@example.org"), "Семьи Казани", "Казань", "О группе", "Как вступить", "open", timezone
        )
        for n in range(1, members + 1):
            groups.join_group(user(f"member{n}@example.org"), group)
        org = Organisation(name="Фонд", slug="fond")
        db.session.add(org)
        db.session.flush()
        specialist = user("specialist@example.org")
        db.session.add(Specialist(organisation_id=org.id, user_id=specialist.id))
        db.session.add(
            Membership(group_id=group.id, user_id=specialist.id, role=SPECIALIST, status=ACTIVE, joined_at=utcnow())
        )
        group.organisation_id = org.id
        db.session.commit()
        return group.slug, group.id


def make_event(app, group_id, capacity=None, days=10, publish=True, hours=2, creator="leader@example.org", **extra):
    from community.groups.models import Group

    with work(app):
        group = db.session.get(Group, group_id)
        starts = utcnow().replace(microsecond=0) + timedelta(days=days)
        data = {
            "title": "Встреча клуба",
            "description": "Чай и разговор",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=hours),
            "place": "Казань, ул. Баумана, 1",
            "online_url": "",
            "capacity": capacity,
            "travel_reimbursed": False,
            "travel_note": "",
            **extra,
        }
        return events.create_event(user(creator), group, data, publish=publish).id
