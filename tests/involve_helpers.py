"""Builders shared by the involvement tests: an organisation supporting a group (a leader,
parents, the organisation's specialist), a group elsewhere, another organisation's
specialist, an admin; and opportunities, applications and sessions made through the
services."""

from datetime import date, timedelta

from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from community.groups import service as groups
from community.groups.models import ACTIVE, SPECIALIST, Group, Membership
from community.involve import choosing, service, sessions
from community.involve.models import Application, Opportunity, OpportunitySession
from community.models import utcnow
from community.orgs.models import Organisation, Specialist
from tests.conftest import work

LEADER, SPECIALIST_EMAIL = "leader@example.org", "specialist@example.org"
OTHER_SPECIALIST, ADMIN = "other-spec@example.org", "admin@example.org"
ELSEWHERE, OUTSIDER = "elsewhere@example.org", "outsider@example.org"


def user(email):
    return db.session.scalar(select(User).where(User.email == email))


def parent(n):
    return f"parent{n}@example.org"


def build_world(app, make_user, parents=3):
    """`fond` supports `Семьи Казани` (leader, parent1..N, the specialist); `Самара` is a group
    the foundation does not support (elsewhere@ is its member). Returns slugs and ids."""
    make_user(LEADER, name="Марина")
    for n in range(1, parents + 1):
        make_user(parent(n), name=f"Родитель {n}")
    make_user(SPECIALIST_EMAIL, name="Ирина")
    make_user(OTHER_SPECIALIST, name="Пётр")
    make_user(ADMIN, name="Админ", is_admin=True)
    make_user(ELSEWHERE, name="Ольга")
    make_user(OUTSIDER, name="Чужой")
    with work(app):
        group = groups.create_group(user(LEADER), "Семьи Казани", "Казань", "О группе", "Как вступить", "open")
        for n in range(1, parents + 1):
            groups.join_group(user(parent(n)), group)
        other_group = groups.create_group(user(ELSEWHERE), "Семьи Самары", "Самара", "О группе", "Как вступить", "open")
        org = Organisation(name="Фонд", slug="fond")
        other_org = Organisation(name="Другой фонд", slug="drugoi")
        db.session.add_all([org, other_org])
        db.session.flush()
        specialist = user(SPECIALIST_EMAIL)
        db.session.add(Specialist(organisation_id=org.id, user_id=specialist.id))
        db.session.add(Specialist(organisation_id=other_org.id, user_id=user(OTHER_SPECIALIST).id))
        db.session.add(
            Membership(group_id=group.id, user_id=specialist.id, role=SPECIALIST, status=ACTIVE, joined_at=utcnow())
        )
        group.organisation_id = org.id
        db.session.flush()
        return {"slug": group.slug, "group": group.id, "other_slug": other_group.slug, "org": "fond"}


def fields(**overrides):
    today = date.today()
    values = {
        "title": "Родительский совет по службе передышки",
        "purpose": "Вместе сделать службу передышки удобнее для семей.",
        "limits": "Можем менять расписание и запись; не можем менять бюджет.",
        "level": "operational",
        "role": "consultant",
        "criteria": "Приёмная семья не меньше года; пользовались передышкой.",
        "time_asked": "Три встречи по два часа, раз в месяц",
        "starts_on": today,
        "ends_on": today + timedelta(days=90),
        "format": "in_person",
        "place": "Казань, семейный центр",
        "preparation": "Встреча-знакомство, специалист на связи.",
        "materials": "Прочитайте отчёт: https://example.org/report",
        "covers_travel": True,
        "covers_childcare": True,
        "covers_other": False,
        "cost_limit": 50_000,
        "costs_note": "Сохраните билеты",
        "places": 2,
        "deadline": today + timedelta(days=14),
    }
    values.update(overrides)
    return values


def make_opportunity(app, publish=True, group_slug=None, by=SPECIALIST_EMAIL, **overrides):
    with work(app):
        if group_slug:
            owner = {"group": db.session.scalar(select(Group).where(Group.slug == group_slug))}
        else:
            owner = {"organisation": db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))}
        return service.create_opportunity(user(by), fields(**overrides), publish=publish, **owner).id


def apply(app, opportunity_id, email, note="Хочу помочь: мы приёмная семья три года."):
    with work(app):
        return choosing.apply(user(email), db.session.get(Opportunity, opportunity_id), note).id


def accept(app, application_id, by=SPECIALIST_EMAIL):
    with work(app):
        return choosing.accept(user(by), db.session.get(Application, application_id))


def held_session(app, opportunity_id, took_part=(), days_ago=1, by=SPECIALIST_EMAIL):
    """A session that took place `days_ago`, with the people who took part recorded."""
    with work(app):
        opportunity = db.session.get(Opportunity, opportunity_id)
        starts = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
        session = sessions.add_session(user(by), opportunity, "Первая встреча", starts, starts + timedelta(hours=2), "")
        if took_part:
            sessions.record_attendance(user(by), session, [user(e).id for e in took_part])
        return session.id


def get(model, id_):
    return db.session.get(model, id_)


__all__ = ["OpportunitySession", "get"]
