"""The demo's self-assessment: the foundation rated itself last year and this year, with
evidence, and parents of its groups gave their anonymous view both times — so the gaps and
the history show. Made through the service."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from community.assessment import service
from community.assessment.statements import STATEMENTS
from community.auth.models import User
from community.extensions import db
from community.groups.models import ACTIVE, LEADER, MEMBER, Group, Membership
from community.models import utcnow
from community.orgs.models import Organisation

ORG = "semya-ryadom"
# The foundation's view of itself this year (0 not yet … 3 fully), with its evidence.
THIS_YEAR = {
    "principles.values": (3, "Принципы вовлечения приняты правлением, есть на сайте"),
    "principles.partners": (2, "Родители в совете по службе передышки"),
    "principles.accessible": (2, "Оплачиваем проезд и няню; встречи и онлайн"),
    "principles.respect": (3, "Отвечаем на каждое предложение в «Вы сказали — мы сделали»"),
    "purpose.clear": (3, "Каждое приглашение к участию называет цель"),
    "purpose.limits": (3, "В приглашениях есть «что можно изменить, что нельзя»"),
    "purpose.roles": (2, "Роли консультанта и амбассадора описаны"),
    "purpose.shared": (2, ""),
    "representation.levels": (2, "Родители есть на уровне групп и услуг, пока не в стратегии"),
    "representation.separately": (1, ""),
    "representation.roles": (2, "Консультанты, амбассадоры, дружественные критики"),
    "representation.diverse": (1, "Пока в основном приёмные семьи из Москвы"),
    "process.criteria": (3, "Критерии отбора открыты в каждом приглашении"),
    "process.language": (2, "Памятки переписаны простым языком"),
    "process.decisions": (3, "Журнал решений групп"),
    "process.support": (3, "Компенсация проезда и няни"),
    "influence.services": (3, "Запись на передышку онлайн — по предложению родителей"),
    "influence.wellbeing": (2, "Короткие опросы раз в квартал"),
    "influence.growth": (2, ""),
    "influence.measured": (2, "Отчёт о влиянии раз в год"),
}


def seed_assessment(known):
    """Last year's and this year's rounds of the foundation, with the parents' views."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == ORG))
    if organisation is None:
        return
    specialist = known["specialist"]
    parents = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Group.organisation_id == organisation.id,
            Membership.status == ACTIVE,
            Membership.role.in_([MEMBER, LEADER]),
            User.id != known["member"].id,  # the demo member still has this year's view to give
        )
        .order_by(User.id)
        .distinct()
    ).all()
    rng = random.Random(5)
    today = date.today()
    for year, people, lift in ((today.year - 1, parents[:7], -1), (today.year, parents[7:16], 0)):
        assessment = service.open_round(specialist, organisation, year=year)
        assessment.created_at = utcnow() - timedelta(days=(today.year - year) * 365 + 20)
        ratings = {key: (max(0, level + lift), evidence) for key, (level, evidence) in THIS_YEAR.items()}
        service.rate_as_organisation(specialist, assessment, ratings)
        for person in people:
            levels = {}
            for key, *_rest in STATEMENTS:
                ours = ratings[key][0]
                # Parents mostly agree, see less on representation, and more on respect.
                shift = -1 if key.startswith("representation") or key == "purpose.limits" else 0
                shift += 1 if key == "principles.respect" and rng.random() < 0.3 else 0
                levels[key] = min(3, max(0, ours + shift + rng.choice((-1, 0, 0, 0))))
            service.rate_as_parent(person, assessment, levels)
    db.session.flush()
