"""The demo's involvement: the foundation's three opportunities the working group described
— a parents' advisory panel on the respite service (services level), ambassadors for the
city's foster-care day (community), a friendly-critic review of next year's plan
(strategy) — and a draft, with applications, decisions, sessions, who took part and cost
claims in every state. Made through the services, then moved back in time; nobody is
emailed about this made-up history."""

import struct
import zlib
from datetime import date, timedelta

from sqlalchemy import delete, func, select

from community.auth.models import User
from community.events.models import GOING, Event, Registration
from community.extensions import db
from community.groups.models import ACTIVE, MEMBER, Group, Membership
from community.involve import choosing, service, sessions
from community.involve.claims import service as claims
from community.involve.claims.receipts import Receipt
from community.involve.models import Application, OpportunitySession
from community.models import utcnow
from community.notifications.models import OutboxMessage
from community.orgs.models import Organisation

ORG = "semya-ryadom"

PANEL = {
    "title": "Родительский совет по службе передышки",
    "purpose": "Вместе с семьями сделать службу передышки удобнее: как записываться, когда её не хватает, "
    "что помогает детям и родителям.",
    "limits": "Можем изменить расписание, порядок записи и то, как мы рассказываем о службе. "
    "Не можем в этом году увеличить бюджет службы и число нянь.",
    "level": "operational",
    "role": "consultant",
    "criteria": "Приёмная семья, опека или усыновление — не меньше года.\n"
    "Вы хотя бы раз пользовались службой передышки фонда.\n"
    "Готовы прийти на три встречи из четырёх.",
    "time_asked": "Четыре встречи по два часа, раз в месяц, по субботам",
    "format": "in_person",
    "place": "Семейный центр «Радуга», ул. Строителей, 7",
    "preparation": "Перед первой встречей — знакомство и короткий рассказ о том, как устроена служба. "
    "На встречах с детьми занимаются волонтёры. Специалист фонда на связи между встречами.",
    "materials": "Как работает служба передышки (2 страницы): https://example.org/peredyshka\n"
    "Вопросы, которые мы обсудим на первой встрече: https://example.org/voprosy",
    "covers_travel": True,
    "covers_childcare": True,
    "covers_other": False,
    "cost_limit": 100_000,
    "costs_note": "Сохраните билеты или чек такси; няня — до трёх часов.",
    "places": 5,
}
AMBASSADORS = {
    "title": "Амбассадоры Дня приёмной семьи в Москве",
    "purpose": "Рассказать гостям городского праздника, каково это — быть приёмной семьёй, "
    "и пригласить тех, кто думает об этом, в наши группы.",
    "limits": "Можем решить вместе, о чём рассказывать и как устроить наш шатёр. "
    "Не можем изменить программу праздника: её готовит город.",
    "level": "community",
    "role": "ambassador",
    "criteria": "Любая замещающая семья из групп, которые поддерживает фонд.\n"
    "Готовы рассказать о своём опыте без подробностей о детях.\n"
    "Можете быть на празднике хотя бы три часа.",
    "time_asked": "Одна встреча-подготовка (1,5 часа) и сам праздник (3–4 часа)",
    "format": "in_person",
    "place": "Парк Горького, шатёр фонда",
    "preparation": "На подготовке договоримся, кто о чём рассказывает, и отрепетируем. "
    "На празднике рядом всегда специалист фонда.",
    "materials": "Памятка амбассадора: https://example.org/ambassador",
    "covers_travel": True,
    "covers_childcare": False,
    "covers_other": False,
    "cost_limit": 50_000,
    "costs_note": "Проезд до парка и обратно.",
    "places": 8,
}
REVIEW = {
    "title": "Взгляд со стороны: план фонда на следующий год",
    "purpose": "Прочитать план фонда глазами семей и сказать честно, что в нём не так и чего не хватает.",
    "limits": "Можем изменить приоритеты и формулировки плана. Не можем изменить требования наших доноров.",
    "level": "strategic",
    "role": "critic",
    "criteria": "Родитель из любой поддерживаемой группы; опыт не важен.\n"
    "Готовы прочитать 10 страниц и прийти на две встречи.",
    "time_asked": "Две встречи по два часа и около часа на чтение",
    "format": "mixed",
    "place": "Офис фонда или по видеосвязи",
    "preparation": "Присылаем план заранее; на первой встрече объясняем, как его читать.",
    "materials": "План фонда (черновик): https://example.org/plan",
    "covers_travel": True,
    "covers_childcare": True,
    "covers_other": True,
    "cost_limit": 80_000,
    "costs_note": "",
    "places": 4,
}
EVALUATION = {
    "title": "Оценка программы наставничества",
    "purpose": "Вместе с семьями понять, что изменилось благодаря наставникам и чего не хватило.",
    "limits": "Можем изменить программу на следующий год. Не можем продлить её без нового гранта.",
    "level": "monitoring",
    "role": "critic",
    "criteria": "Семьи, у которых был наставник в этом году.",
    "time_asked": "Одно интервью на час",
    "format": "online",
    "place": "",
    "preparation": "Пришлём вопросы заранее.",
    "materials": "",
    "covers_travel": False,
    "covers_childcare": False,
    "covers_other": False,
    "cost_limit": None,
    "costs_note": "",
    "places": 10,
}

NOTES = (
    "Мы пять лет приёмная семья, передышкой пользовались дважды — очень помогло. Хочу, чтобы записываться было проще.",
    "Опекун внучки. Хочу рассказать, как тяжело найти няню на выходные.",
    "Усыновители, пользовались службой прошлым летом. Готовы ходить по субботам.",
    "Приёмная мама троих детей. Есть идеи, как сделать запись через группу.",
    "Мы недавно стали опекунами, передышкой ещё не пользовались, но очень интересно.",
    "Хотим помочь: у нас большой опыт и много вопросов к службе.",
    "Работаю по субботам через одну, но очень хочу участвовать.",
    "Приёмная семья 7 лет. Была в родительском совете школы.",
    "Хочу принести голос пап: нас в группах мало.",
)


def _receipt_png():
    """A small picture of a receipt (white paper, grey lines), so the demo's receipt opens."""
    width, height = 120, 180
    rows = []
    for y in range(height):
        line = y % 14 in (0, 1) and 12 < y < height - 20
        row = bytes([0]) + b"".join(
            (b"\x90\x90\x90" if line and 12 < x < width - 12 else b"\xfa\xf8\xf2") for x in range(width)
        )
        rows.append(row)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def seed_involvement(known):
    """Opportunities, applications, sessions and claims of the demo foundation (`known`: the
    demo's four accounts by key)."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == ORG))
    specialist, member = known["specialist"], known["member"]
    member.opportunity_emails = True
    parents = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Group, Group.id == Membership.group_id)
        .where(
            Group.organisation_id == organisation.id,
            Membership.status == ACTIVE,
            Membership.role == MEMBER,
            User.id != member.id,
        )
        .order_by(Group.id, Membership.id)
        .limit(14)
    ).all()
    first_mail = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    today = date.today()

    # 1. The advisory panel: running, full, with a waiting list; two sessions held, one ahead.
    panel = _opportunity(
        specialist, organisation, PANEL, starts=today - timedelta(days=45), ends=today + timedelta(days=75)
    )
    people = [member] + parents[:8]
    applications = [choosing.apply(p, panel, NOTES[n]) for n, p in enumerate(people)]
    for application in applications[:5]:
        choosing.accept(
            specialist, application, "Спасибо! Ждём вас на первой встрече." if application.user is member else ""
        )
    choosing.accept(specialist, applications[5])  # the places are taken: the waiting list
    choosing.decline(
        specialist,
        applications[6],
        "Сейчас мы ищем семьи, которые уже пользовались службой. Расскажите о себе снова, когда попробуете её: "
        "будем очень рады.",
    )
    choosing.withdraw(applications[7].user, panel)  # stepped back before the decision
    # applications[8] waits for the specialist's answer.
    panel.announced_at = utcnow()  # announced weeks ago; nobody is told again
    _back_in_time(panel, days=40)
    first = _session(specialist, panel, "Первая встреча совета", days_ago=30, people=people[:4])
    second = _session(specialist, panel, "Вторая встреча: запись на передышку", days_ago=5, people=people[:5])
    _session(specialist, panel, "Третья встреча: лето", days_ago=-20, people=())

    # 2. Ambassadors for the city's foster-care day: open, some applied; the demo member can apply.
    ambassadors = _opportunity(
        specialist, organisation, AMBASSADORS, starts=today + timedelta(days=10), ends=today + timedelta(days=40)
    )
    for n, person in enumerate(parents[8:12]):
        application = choosing.apply(person, ambassadors, NOTES[(n + 3) % len(NOTES)])
        if n == 0:
            choosing.accept(specialist, application, "Будем рады! Подготовка — через две недели.")
    _session(specialist, ambassadors, "День приёмной семьи", days_ago=-35, people=())

    # 3. The friendly-critic review of next year's plan: over, closed, its claims paid or declined.
    review = _opportunity(
        specialist, organisation, REVIEW, starts=today + timedelta(days=1), ends=today + timedelta(days=60)
    )
    critics = [parents[1], parents[3], parents[12], parents[13], parents[9]]
    reviews = [choosing.apply(p, review, NOTES[(n + 5) % len(NOTES)]) for n, p in enumerate(critics)]
    for application in reviews[:4]:
        choosing.accept(specialist, application)
    choosing.decline(specialist, reviews[4], "Места закончились раньше, чем мы ожидали. Позовём вас в следующий раз.")
    review_session = _session(specialist, review, "Обсуждение плана", days_ago=50, people=critics[:4])

    # 4. A draft the specialist is still writing.
    _opportunity(
        specialist,
        organisation,
        EVALUATION,
        starts=today + timedelta(days=30),
        ends=today + timedelta(days=60),
        publish=False,
    )

    # Cost claims in every state.
    receipt = Receipt(_receipt_png(), "png")
    paid = _claim(member, first, "travel", 42000, receipt, "Метро и автобус туда и обратно")
    claims.approve(specialist, paid)
    claims.mark_paid(specialist, paid)
    _claim(member, second, "travel", 42000, receipt, "Метро и автобус")  # waits for a decision
    approved = _claim(member, second, "childcare", 90000, None, "Няня на три часа")
    claims.approve(specialist, approved, "Оплатим до конца месяца.")
    unproven = _claim(member, first, "childcare", 60000, None, "Няня на время встречи")
    claims.decline(
        specialist, unproven, "Нужна расписка няни или чек. Исправьте заявку и отправьте её снова — оплатим."
    )
    declined = _claim(people[1], first, "travel", 95000, None, "Такси")
    claims.decline(
        specialist, declined, "Без чека не можем оплатить такси. Пришлите, пожалуйста, фото чека — и подайте заново."
    )
    _claim(people[2], second, "travel", 18000, receipt, "")
    for n, critic in enumerate(critics[:3]):
        claim = _claim(critic, review_session, "travel", 30000 + n * 5000, None, "")
        claims.approve(specialist, claim)
        if n < 2:
            claims.mark_paid(specialist, claim)
    _event_claim(member)
    _date_decisions()

    # The review is over: move it back, close it.
    review.starts_on, review.ends_on, review.deadline = (
        today - timedelta(days=90),
        today - timedelta(days=20),
        today - timedelta(days=70),
    )
    service.close_opportunity(specialist, review)
    review.closed_at = utcnow() - timedelta(days=70)  # History: closed when its deadline passed
    choosing.sync_roles(review)
    review.announced_at = utcnow()
    _back_in_time(review, days=85)
    # The made-up history reaches nobody's inbox.
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id > first_mail))
    db.session.flush()


def _opportunity(specialist, organisation, text, starts, ends, publish=True):
    fields = dict(text, starts_on=starts, ends_on=ends, deadline=min(ends, date.today() + timedelta(days=12)))
    opportunity = service.create_opportunity(specialist, fields, organisation=organisation, publish=publish)
    return opportunity


def _back_in_time(opportunity, days):
    """Applications and decisions happened over the past weeks, not this minute."""
    then = utcnow() - timedelta(days=days)
    opportunity.created_at = opportunity.published_at = then
    for n, application in enumerate(
        db.session.scalars(select(Application).where(Application.opportunity_id == opportunity.id))
    ):
        application.created_at = then + timedelta(days=1 + n % 4, hours=n)
        if application.decided_at:
            application.decided_at = application.created_at + timedelta(days=3)
        if application.queued_at:
            application.queued_at = application.decided_at
    db.session.flush()


def _session(specialist, opportunity, title, days_ago, people):
    starts = (utcnow() - timedelta(days=days_ago)).replace(hour=8, minute=0, second=0, microsecond=0)
    session = sessions.add_session(
        specialist, opportunity, title, starts, starts + timedelta(hours=2), opportunity.place
    )
    if people:
        sessions.record_attendance(specialist, session, [p.id for p in people])
    return session


def _claim(user, session, category, amount, receipt, note):
    item = claims.claimable_session(user, session.id)
    claim = claims.submit_claim(user, item, category, amount, session.starts_at.date(), note, receipt)
    claim.created_at = session.ends_at + timedelta(days=1)
    return claim


def _date_decisions():
    """Claims were decided a few days after they were sent, and paid a week after."""
    from community.involve.claims.models import CostClaim

    for claim in db.session.scalars(select(CostClaim)):
        if claim.decided_at:
            claim.decided_at = min(utcnow(), claim.created_at + timedelta(days=3))
        if claim.paid_at:
            claim.paid_at = min(utcnow(), claim.created_at + timedelta(days=7))


def _event_claim(member):
    """The demo member came to an event that reimburses travel: a claim waits for the foundation."""
    event = db.session.scalar(
        select(Event)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.user_id == member.id,
            Registration.status == GOING,
            Registration.attended.is_(True),
            Event.travel_reimbursed.is_(True),
            Event.starts_at >= utcnow() - timedelta(days=300),
        )
        .order_by(Event.starts_at.desc())
        .limit(1)
    )
    if event is None:
        return
    item = claims.claimable_event(member, event.id)
    if item is not None:
        claims.submit_claim(member, item, "travel", 30000, event.starts_at.date(), "Автобус до семейного центра", None)


__all__ = ["OpportunitySession", "seed_involvement"]
