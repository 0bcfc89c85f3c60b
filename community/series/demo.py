"""The demo's regular meetings: the leader's group meets every first Saturday, 11:00–13:00,
and the Novosibirsk club has an online tea every other Wednesday evening, twelve times. Made through the services, so each meeting is a real event; the demo member has
registered for the next club meeting."""

from datetime import time, timedelta

from sqlalchemy import select

from community.events import registration
from community.events.models import Event
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, Group, Membership
from community.models import utcnow
from community.series import service


def _led_by(user):
    return db.session.scalars(
        select(Group)
        .join(Membership, Membership.group_id == Group.id)
        .where(Membership.user_id == user.id, Membership.role == LEADER, Membership.status == ACTIVE)
        .order_by(Group.id)
    ).all()


def _details(title, description, place="", online_url=""):
    return {
        "title": title,
        "description": description,
        "place": place,
        "online_url": online_url,
        "capacity": None,
        "travel_reimbursed": False,
        "travel_note": "",
    }


def seed_series(known):
    """Two series in two groups; returns them."""
    today = utcnow().date()
    made = []
    club = _led_by(known["leader"])[0]
    made.append(
        service.create_series(
            known["leader"],
            club,
            {
                "repeat": "monthly_weekday",
                "weekday": 5,
                "nth": 1,
                "interval": 1,
                "monthday": None,
                "starts_on": today + timedelta(days=1),
                "until": None,
                "count": None,
                "starts_time": time(11, 0),
                "ends_time": time(13, 0),
                **_details(
                    "Встреча клуба замещающих семей",
                    "Каждую первую субботу: чай, разговор по кругу и одна тема, которую выбираем вместе. "
                    "С детьми в соседней комнате занимаются волонтёры.",
                    place=club.city + ", библиотека, читальный зал на втором этаже",
                ),
            },
        )
    )
    other = db.session.scalar(select(Group).where(Group.city == "Новосибирск", Group.id != club.id).order_by(Group.id))
    if other is not None:
        leader = db.session.scalar(
            select(Membership.user_id).where(
                Membership.group_id == other.id, Membership.role == LEADER, Membership.status == ACTIVE
            )
        )
        made.append(
            service.create_series(
                db.session.get(type(known["leader"]), leader),
                other,
                {
                    "repeat": "weekly",
                    "weekday": 2,
                    "nth": None,
                    "interval": 2,
                    "monthday": None,
                    "starts_on": today + timedelta(days=1),
                    "until": None,
                    "count": 12,
                    "starts_time": time(19, 0),
                    "ends_time": time(20, 30),
                    **_details(
                        "Онлайн-чай для родителей",
                        "Раз в две недели вечером, когда дети спят: полтора часа разговора без повестки.",
                        online_url="https://meet.example.org/krug-chai",
                    ),
                },
            )
        )
    first = db.session.scalar(select(Event).where(Event.series_id == made[0].id).order_by(Event.starts_at))
    registration.register(known["member"], first)
    db.session.flush()
    return made
