"""`flask seed-demo`: a realistic demo community in Russian, with a year of history.

Four known accounts (SPEC §5) share the password below; every other demo person has an
unguessable password and exists only to make the groups feel alive.
"""

import random
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from community.auth.models import User
from community.auth.service import hash_password
from community.extensions import db
from community.groups.models import (
    ACTIVE,
    ANNOUNCEMENT,
    APPROVAL,
    DECISION,
    DISCUSSION,
    LEADER,
    MEMBER,
    OPEN,
    PENDING,
    SPECIALIST,
    Comment,
    EngagementKind,
    EngagementRole,
    EngagementStatus,
    Group,
    Membership,
    Post,
)
from community.groups.service import search_key
from community.models import utcnow
from community.orgs.models import Organisation, Specialist

DEMO_PASSWORD = "krug-demo-2026"

KNOWN_ACCOUNTS = (
    # email, display name, city, admin
    ("admin@demo.krug", "Администратор Круга", "Москва", True),
    ("specialist@demo.krug", "Ирина Соколова", "Москва", False),
    ("leader@demo.krug", "Марина Петрова", "Москва", False),
    ("member@demo.krug", "Алексей Смирнов", "Москва", False),
)

FIRST_NAMES = (
    "Анна",
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Светлана",
    "Юлия",
    "Екатерина",
    "Мария",
    "Ирина",
    "Людмила",
    "Галина",
    "Дарья",
    "Ксения",
    "Вера",
    "Надежда",
    "Оксана",
    "Алина",
    "Полина",
    "Любовь",
    "Сергей",
    "Андрей",
    "Дмитрий",
    "Михаил",
    "Игорь",
    "Павел",
    "Николай",
    "Владимир",
    "Олег",
    "Роман",
)
LAST_INITIALS = "АБВГДЕЖЗИКЛМНОПРСТУФХЧШЮЯ"

ORGANISATIONS = (
    ("Фонд «Семья рядом»", "semya-ryadom", "Москва и Поволжье", "Europe/Moscow"),
    ("АНО «Тёплый дом»", "teplyi-dom", "Урал и Сибирь", "Asia/Yekaterinburg"),
)

# name, city, policy, organisation slug or None, size, leader key
GROUPS = (
    ("Приёмные семьи Москвы", "Москва", APPROVAL, "semya-ryadom", 22, "leader"),
    ("Опекуны Казани", "Казань", OPEN, "semya-ryadom", 14, None),
    ("Семьи Екатеринбурга", "Екатеринбург", APPROVAL, "teplyi-dom", 16, None),
    ("Клуб усыновителей Новосибирска", "Новосибирск", OPEN, "semya-ryadom", 12, None),
    ("Родственная опека — Нижний Новгород", "Нижний Новгород", APPROVAL, "semya-ryadom", 8, "specialist"),
    ("Молодые приёмные семьи Петербурга", "Санкт-Петербург", OPEN, "teplyi-dom", 4, None),
    ("Приёмные родители Самары", "Самара", APPROVAL, None, 7, None),
)

DESCRIPTIONS = {
    "Москва": "Мы — приёмные семьи, опекуны и усыновители Москвы. Встречаемся раз в месяц, помогаем друг другу и делимся опытом.\nРядом с нами специалисты фонда «Семья рядом».",
    "Казань": "Опекуны и бабушки-опекуны Казани. Говорим о документах, школе и отдыхе, ездим вместе за город.",
    "Екатеринбург": "Родительский клуб замещающих семей Екатеринбурга. Тренинги, пикники, поддержка новичков.",
    "Новосибирск": "Усыновители Новосибирска: встречи в библиотеке, семейные праздники и взаимная помощь. Всё организуем сами.",
    "Нижний Новгород": "Группа для тех, кто взял под опеку внука, племянника или другого родственника.",
    "Санкт-Петербург": "Для тех, кто стал приёмным родителем совсем недавно. Спрашивайте — здесь не бывает глупых вопросов.",
    "Самара": "Приёмные родители Самары и области. Встречаемся по субботам в семейном центре.",
}
HOW_TO_JOIN = {
    OPEN: "Группа открыта для всех замещающих семей и тех, кто только готовится ими стать. Нажмите «Вступить» и представьтесь в ленте.",
    APPROVAL: "Группа для приёмных семей, опекунов и усыновителей. Напишите пару слов о себе — ведущая ответит в течение двух дней. Мы не спрашиваем о детях.",
}

POSTS = (
    (
        DISCUSSION,
        "Как вы готовите детей к школе после лета?",
        "Делитесь, что помогает войти в ритм: режим, кружки, разговоры.",
        [
            "Мы начинаем за две недели ложиться пораньше.",
            "Помогает заранее сходить в школу и погулять во дворе.",
            "Спасибо, попробуем!",
        ],
    ),
    (
        ANNOUNCEMENT,
        "Встреча в субботу переносится",
        "Друзья, встреча переносится на следующую субботу, то же время и место. Компенсация проезда сохраняется.",
        ["Спасибо, что предупредили!"],
    ),
    (
        DECISION,
        "Встречаемся по субботам, а не по будням",
        "Решили: с нового месяца встречи проходят в первую субботу месяца с 11:00 до 13:00. С детьми занимаются волонтёры.",
        ["Отлично, в будни никак не успевали."],
    ),
    (
        DISCUSSION,
        "Опыт с органами опеки: отчёт за год",
        "Кто уже сдавал годовой отчёт? Какие документы попросили в этот раз?",
        ["У нас попросили акт обследования и справку из школы.", "Можно заранее позвонить и уточнить список."],
    ),
    (
        DISCUSSION,
        "Куда поехать на выходные с детьми",
        "Ищем идеи недорогих поездок на один день.",
        ["Мы ездили в ботанический сад — всем понравилось."],
    ),
)
MEMBERS_SAID = "На прошлой встрече большинство сказали, что в будни не успевают из-за работы. В опросе 9 из 12 семей выбрали субботу."


class DemoRefused(Exception):
    """The database already holds data that is not ours to mix the demo into."""


def seed_demo(config):
    """Create the demo community; refuse if the database holds any user already."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        raise DemoRefused
    rng = random.Random(2026)
    now = utcnow()
    known_hash = hash_password(DEMO_PASSWORD)
    other_hash = hash_password(secrets.token_urlsafe(24))

    def person(email, name, city, password_hash, **extra):
        user = User(
            email=email,
            display_name=name,
            city=city,
            password_hash=password_hash,
            email_verified_at=now - timedelta(days=400),
            consent_at=now - timedelta(days=400),
            consent_version=config["CONSENT_VERSION"],
            **extra,
        )
        db.session.add(user)
        return user

    known = {}
    for email, name, city, is_admin in KNOWN_ACCOUNTS:
        known[email.split("@")[0]] = person(
            email,
            name,
            city,
            known_hash,
            is_admin=is_admin,
            family_form=None if is_admin or email.startswith("specialist") else "foster",
            experience_years=None if is_admin else 6,
        )

    orgs = {}
    for name, slug, region, tz in ORGANISATIONS:
        orgs[slug] = Organisation(
            name=name, slug=slug, region=region, timezone=tz, created_at=now - timedelta(days=500)
        )
        db.session.add(orgs[slug])
    second_specialist = person("olga.kuznetsova@demo.krug", "Ольга Кузнецова", "Екатеринбург", other_hash)
    db.session.flush()
    db.session.add(Specialist(organisation=orgs["semya-ryadom"], user=known["specialist"]))
    db.session.add(Specialist(organisation=orgs["teplyi-dom"], user=second_specialist))
    staff_of = {"semya-ryadom": known["specialist"], "teplyi-dom": second_specialist}

    family_forms = ("foster", "guardianship", "adoption", "kinship", None)
    for index, (name, city, policy, org_slug, size, leader_key) in enumerate(GROUPS):
        started = now - timedelta(days=rng.randint(300, 380) if size > 6 else rng.randint(40, 90))
        group = Group(
            name=name,
            slug=_slug(index),
            city=city,
            description=DESCRIPTIONS[city],
            how_to_join=HOW_TO_JOIN[policy],
            join_policy=policy,
            search_text=search_key(name, city),
            organisation=orgs.get(org_slug),
            created_at=started,
        )
        db.session.add(group)
        parents = []
        for n in range(size):
            first = rng.choice(FIRST_NAMES)
            parents.append(
                person(
                    f"{_slug(index)}-{n}@demo.krug",
                    f"{first} {rng.choice(LAST_INITIALS)}.",
                    city,
                    other_hash,
                    family_form=rng.choice(family_forms),
                    experience_years=rng.choice([None, 1, 2, 3, 5, 8, 12]),
                )
            )
        leader = known.get(leader_key) if leader_key else parents[0]
        if leader_key == "leader":
            parents = [known["member"]] + parents
        if index == 1:
            parents = [known["member"]] + parents
        db.session.flush()

        joined = {}  # who joined this group when: nobody takes part before joining

        def join(user, role, when, group=group, joined=joined):
            joined[user] = when
            db.session.add(
                Membership(group=group, user=user, role=role, status=ACTIVE, requested_at=when, joined_at=when)
            )

        join(leader, LEADER, started)
        span = (now - started).days
        members = [p for p in parents if p is not leader]
        co_leader = members[1] if size >= 14 else None
        for user in members:
            if user is co_leader:
                join(user, LEADER, started + timedelta(days=3))
            else:
                days = rng.randint(1, max(2, span - 5))
                # Most families join in the first weeks; the others arrive over the group's life.
                join(user, MEMBER, started + timedelta(days=days if days % 5 < 2 else days % 21 + 1))
        members = [m for m in members if m is not co_leader]
        # Novosibirsk is linked to the foundation but runs on its own: no specialist inside.
        specialist = staff_of.get(org_slug) if index != 3 else None
        if specialist is not None and specialist is not leader:
            join(specialist, SPECIALIST, started + timedelta(days=2))
        if index == 0:
            # Someone waiting for the leader's answer, and roles from the involvement framework.
            newcomer = person("newcomer-0@demo.krug", "Светлана К.", city, other_hash)
            db.session.add(
                Membership(
                    group=group,
                    user=newcomer,
                    role=MEMBER,
                    status=PENDING,
                    requested_at=now - timedelta(days=1),
                    request_message="Здравствуйте! Мы взяли под опеку двоих детей полгода назад, хотим познакомиться с другими семьями.",
                )
            )
        db.session.flush()
        if index == 0:
            member_ms = db.session.scalar(
                select(Membership).where(Membership.group_id == group.id, Membership.user_id == known["member"].id)
            )
            db.session.add(
                EngagementRole(
                    membership=member_ms,
                    role=EngagementKind.CONSULTANT,
                    status=EngagementStatus.OFFERED,
                    offered_by_id=leader.id,
                )
            )
            for user, role in ((members[2], "mentor"), (members[3], "ambassador"), (members[4], "critic")):
                ms = db.session.scalar(
                    select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id)
                )
                db.session.add(
                    EngagementRole(membership=ms, role=role, status=EngagementStatus.ACCEPTED, offered_by_id=leader.id)
                )
        group.member_count = db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.group_id == group.id, Membership.status == ACTIVE, Membership.role != SPECIALIST
            )
        )
        _posts(rng, group, leader, members, started, now, joined)
        _events(rng, group, leader, members, specialist, started, now, index, joined)
        _help(rng, group, leader, members, started, now, index, joined)
    db.session.flush()
    _involvement(known)
    _series(known)
    _voice(known)
    _surveys(known)
    _assessment(known)
    _safety(known)
    _report(known)
    _offline(known)
    return [email for email, *_ in KNOWN_ACCOUNTS]


def _safety(known):
    """Pinned announcements, “спасибо”, reports (community/safety/demo.py)."""
    from community.safety.demo import seed_safety

    seed_safety(known)


def _offline(known):
    """A member without an account, registered and attending (community/offline/demo.py)."""
    from community.offline.demo import seed_offline

    seed_offline(known)


def _involvement(known):
    """Opportunities to take part and cost claims (community/involve/demo.py)."""
    from community.involve.demo import seed_involvement

    seed_involvement(known)


def _series(known):
    """Regular meetings (community/series/demo.py)."""
    from community.series.demo import seed_series

    seed_series(known)


def _voice(known):
    """You said — we did (community/voice/demo.py)."""
    from community.voice.demo import seed_voice

    seed_voice(known)


def _surveys(known):
    """Pulse surveys (community/surveys/demo.py)."""
    from community.surveys.demo import seed_surveys

    seed_surveys(known)


def _assessment(known):
    """Self-assessment (community/assessment/demo.py)."""
    from community.assessment.demo import seed_assessment

    seed_assessment(known)


def _report(known):
    """Unplanned results for the impact report (community/report/demo.py)."""
    from community.report.demo import seed_report

    seed_report(known)


def _slug(index):
    return (
        "priemnye-semi-moskvy",
        "opekuny-kazani",
        "semi-ekaterinburga",
        "klub-usynovitelei-novosibirska",
        "rodstvennaya-opeka-nn",
        "molodye-priemnye-semi-peterburga",
        "priemnye-roditeli-samary",
    )[index]


def _present(people, joined, when):
    """The people who had joined the group by `when`."""
    return [p for p in people if joined.get(p, when) <= when]


def _posts(rng, group, leader, members, started, now, joined):
    span = max(2, (now - started).days)
    for kind, title, body, replies in POSTS[: 2 + min(3, len(members) // 4)]:
        when = started + timedelta(days=rng.randint(1, span - 1), hours=rng.randint(8, 20))
        members_then = _present(members, joined, when)
        author = leader if kind != DISCUSSION else rng.choice(members_then or [leader])
        post = Post(
            group_id=group.id,
            author_id=author.id,
            kind=kind,
            title=title,
            body=body,
            members_said=MEMBERS_SAID if kind == DECISION else "",
            created_at=when,
        )
        db.session.add(post)
        db.session.flush()
        for i, text in enumerate(replies):
            db.session.add(
                Comment(
                    post_id=post.id,
                    author_id=rng.choice(members_then or [leader]).id,
                    body=text,
                    created_at=min(now, when + timedelta(hours=2 + i * 5)),
                )
            )
        post.comment_count = len(replies)


EVENT_KINDS = (
    ("Встреча родительского клуба", "Чай, разговор по кругу и планы на месяц. С детьми занимаются волонтёры.", None),
    ("Пикник в парке", "Берём пледы и еду на всех. Если пойдёт дождь — переносим в семейный центр.", None),
    (
        "Тренинг: школа и документы",
        "Специалист фонда расскажет о школьных вопросах и отчётах в опеку. Вопросы можно прислать заранее.",
        12,
    ),
    ("Семейный праздник", "Игры, мастер-классы и угощение. Приходите всей семьёй.", 30),
)
PLACES = {
    "Москва": "Семейный центр «Радуга», ул. Строителей, 7",
    "Казань": "Библиотека им. Тукая, ул. Баумана, 12",
    "Екатеринбург": "Центр «Тёплый дом», ул. Малышева, 40",
    "Новосибирск": "Библиотека, Красный проспект, 20",
    "Нижний Новгород": "Семейный клуб, ул. Рождественская, 3",
    "Санкт-Петербург": "Коворкинг «Сад», Литейный пр., 15",
    "Самара": "Семейный центр, ул. Ленинградская, 50",
}


def _events(rng, group, leader, members, specialist, started, now, index, joined):
    """A year of events: monthly meetings, picnics, trainings; attendance and feedback;
    a cancellation and a waiting list; and the next few weeks planned ahead."""
    from zoneinfo import ZoneInfo

    from community.events.models import (
        ACCEPTED,
        CANCELLED,
        GOING,
        PUBLISHED,
        WAITLISTED,
        Event,
        EventFeedback,
        EventOrganiser,
        Registration,
    )

    zone = ZoneInfo(group.timezone)
    people = [leader] + members
    active_share = {0: 0.6, 1: 0.5, 2: 0.55, 3: 0.8, 4: 0.35, 5: 0.8, 6: 0.25}[index]
    months = max(1, (now - started).days // 30)
    dates = []
    for m in range(months, 0, -1):
        if index == 6 and m <= 3:
            continue  # Samara has gone quiet: no events for three months
        day = (now - timedelta(days=30 * m - 12)).astimezone(zone).replace(hour=11, minute=0, second=0, microsecond=0)
        dates.append(day)
        if index == 3:  # Novosibirsk also meets for a family club mid-month, run by parents alone
            dates.append(day + timedelta(days=14))
    for weeks in (1, 3):
        if index != 6:
            dates.append(
                (now + timedelta(weeks=weeks)).astimezone(zone).replace(hour=11, minute=0, second=0, microsecond=0)
            )
    for n, local_start in enumerate(dates):
        title, description, capacity = EVENT_KINDS[n % len(EVENT_KINDS)]
        future = local_start > now
        if index == 0 and future and n == len(dates) - 2:
            capacity = 3  # a small workshop that fills up, with a waiting list
        starts_at = local_start.astimezone(ZoneInfo("UTC"))
        cancelled = n == 3 and index in (0, 2)
        event = Event(
            group_id=group.id,
            title=title,
            description=description,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            place=PLACES[group.city],
            capacity=capacity,
            travel_reimbursed=capacity is not None,
            travel_note="Компенсация проезда до 300 ₽" if capacity else "",
            status=CANCELLED if cancelled else PUBLISHED,
            created_by_id=leader.id,
            created_at=starts_at - timedelta(days=14),
            cancelled_at=starts_at - timedelta(days=2) if cancelled else None,
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(
            EventOrganiser(
                event_id=event.id,
                user_id=leader.id,
                status=ACCEPTED,
                is_specialist=leader is specialist,
                created_at=event.created_at,
                answered_at=event.created_at,
            )
        )
        if specialist is not None and specialist is not leader and n % 3 == 2:
            db.session.add(
                EventOrganiser(
                    event_id=event.id,
                    user_id=specialist.id,
                    status=ACCEPTED,
                    is_specialist=True,
                    created_at=event.created_at,
                    answered_at=event.created_at,
                )
            )
        members_then = _present(members, joined, starts_at)
        if members_then and n % 2 == 0:
            helper = members_then[n % len(members_then)]
            db.session.add(
                EventOrganiser(
                    event_id=event.id,
                    user_id=helper.id,
                    status=ACCEPTED,
                    is_specialist=False,
                    created_at=event.created_at,
                    answered_at=event.created_at,
                )
            )
        coming = [p for p in _present(people, joined, starts_at) if rng.random() < active_share]
        going = coming[:capacity] if capacity else coming
        waiting = coming[capacity:] if capacity else []
        for person in going:
            attended = None if future or cancelled else rng.random() < 0.85
            db.session.add(
                Registration(
                    event_id=event.id,
                    user_id=person.id,
                    status=GOING,
                    attended=attended,
                    show_name=rng.random() < 0.5,
                    queued_at=event.created_at,
                    created_at=event.created_at,
                )
            )
            if attended and rng.random() < 0.5:
                db.session.add(
                    EventFeedback(
                        event_id=event.id,
                        user_id=person.id,
                        feeling=rng.choice([3, 4, 4, 5, 5, 5]),
                        helped=rng.choice(["", "Тёплая атмосфера", "Можно было прийти с детьми", "Ответы специалиста"]),
                        change=rng.choice(["", "", "Начинать чуть позже", "Больше времени на общение"]),
                        anonymous=rng.random() < 0.7,
                        created_at=event.ends_at + timedelta(hours=5),
                    )
                )
        for person in waiting:
            db.session.add(
                Registration(
                    event_id=event.id,
                    user_id=person.id,
                    status=WAITLISTED,
                    queued_at=event.created_at + timedelta(hours=1),
                    created_at=event.created_at,
                )
            )
        event.going_count, event.waitlist_count = (0, 0) if cancelled else (len(going), len(waiting))
        if cancelled:
            for registration in db.session.scalars(select(Registration).where(Registration.event_id == event.id)):
                registration.status = CANCELLED


HELP_NEEDS = (
    ("transport", "Подвезти до поликлиники в четверг утром", "Нужно к 9:00, обратно сами."),
    ("childcare", "Посидеть с младшими пару часов в субботу", "Нужно съездить в опеку с документами."),
    ("documents", "Как оформить выплату на проезд?", "Кто уже оформлял — подскажите, какие справки нужны."),
    ("advice", "Подростковый возраст: как договариваться о времени возвращения", "Поделитесь опытом."),
    ("respite", "Нужна передышка на выходные", "Ищу, кто мог бы взять на один день, или идеи, куда обратиться."),
    ("emotional", "Тяжёлая неделя, хочется поговорить", ""),
    ("things", "Ищем зимнюю куртку, рост 140", ""),
)
HELP_OFFERS = (
    ("things", "Отдам детский велосипед", "В хорошем состоянии, самовывоз."),
    ("transport", "Еду в центр по вторникам — могу подвезти", ""),
    ("advice", "Готова рассказать, как проходила школа приёмных родителей", ""),
)


def _help(rng, group, leader, members, started, now, index, joined):
    """A year of mutual help. Most groups share help widely; in Samara (index 6) one person
    does all the helping; a few needs stay unanswered."""
    from community.mutual_help.models import CLOSED, IN_PROGRESS, OPEN, RESOLVED, HelpRequest, HelpResponse

    people = [leader] + members
    if len(people) < 3:
        return
    span = max(10, (now - started).days)
    count = {0: 26, 1: 14, 2: 16, 3: 24, 4: 6, 5: 3, 6: 8}[index]
    for n in range(count):
        offer = n % 5 == 4
        category, title, details = (HELP_OFFERS if offer else HELP_NEEDS)[n % (3 if offer else 7)]
        recent = n >= count - 3
        created = now - (
            timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 12))
            if recent
            else timedelta(days=rng.randint(5, span - 1), hours=rng.randint(0, 12))
        )
        people_then = _present(people, joined, created)
        author = rng.choice(people_then)
        if index == 6:
            helpers = [people[1]] if people[1] in people_then else []  # the same person answers everything
        else:
            helpers = [p for p in people_then if p is not author]
        age = (now - created).days
        unanswered = (
            (index in (0, 2) and n in (3, 11, count - 1))
            or (index == 6 and n % 3 == 0)
            or (index != 3 and rng.random() < 0.08)
        )
        if unanswered and age > 60:
            status = CLOSED
        elif unanswered:
            status = OPEN
        elif age < 5:
            status = rng.choice([OPEN, IN_PROGRESS])
        else:
            status = RESOLVED
        request = HelpRequest(
            group_id=group.id,
            author_id=author.id,
            kind="offer" if offer else "need",
            title=title,
            details=details,
            category=category,
            urgency=rng.choice(["today", "week", "whenever"]),
            status=status,
            created_at=created,
            sensitive=category == "emotional",
        )
        db.session.add(request)
        db.session.flush()
        if unanswered:
            if status == CLOSED:
                request.closed_at, request.close_note = created + timedelta(days=60), "auto"
            continue
        answer_at = created + timedelta(hours=rng.choice([2, 5, 12, 30, 60]))
        if answer_at > now:
            answer_at = now
        chosen = rng.sample(helpers, k=min(len(helpers), rng.choice([1, 1, 2])))
        for helper in chosen:
            if helper is author:
                continue
            db.session.add(
                HelpResponse(
                    request_id=request.id,
                    helper_id=helper.id,
                    message="Могу помочь, напишите, когда удобно.",
                    created_at=answer_at,
                    accepted_at=answer_at + timedelta(hours=1) if status != OPEN else None,
                    helped=status == RESOLVED,
                )
            )
        request.response_count = len(chosen)
        request.first_response_at = answer_at
        if status == RESOLVED:
            request.resolved_at = min(now, answer_at + timedelta(days=2))
            request.thank_you = rng.choice(["", "Спасибо огромное!", "Вы нас очень выручили, спасибо!"])
    if index == 1:
        # Kazan: two families have been waiting for an answer since last month — the group is
        # at risk, and its health page says why and what to do.
        month_began = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        for days, (category, title, details) in ((12, HELP_NEEDS[1]), (19, HELP_NEEDS[2])):
            db.session.add(
                HelpRequest(
                    group_id=group.id,
                    author_id=people[-1 - days % 3].id,
                    kind="need",
                    title=title,
                    details=details,
                    category=category,
                    urgency="week",
                    status=OPEN,
                    created_at=month_began - timedelta(days=days, hours=3),
                )
            )
