"""`flask seed-demo`: a realistic demo community in Russian, with a year of history.

Four known accounts (SPEC §5) share the password below; every other demo person has an
unguessable password and exists only to make the groups feel alive.

The demo is built the way people build a community, one click at a time: every step a person
could take goes through its feature's service (register and confirm the address, open an
organisation, invite its specialists, create a group, ask to join and be approved, post and
reply, plan an event, take a place, mark who came, ask for help and answer...), so the
services' rules hold for the demo as they do for everyone. The services stamp the present;
what no service does, putting that history back in time (created_at, the dates of last
year's events), is set afterwards, each place marked "History:". Nobody is told or emailed
about made-up history (`_keep_it_quiet`). Part of the caller's unit of work: it flushes, the
command commits once (community/jobs.py).
"""

import random
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from community import email as outbox
from community import jobs
from community.auth import service as accounts
from community.auth.models import User
from community.extensions import db
from community.groups import feed
from community.groups import service as groups
from community.groups.access import GroupAccess
from community.groups.models import (
    ANNOUNCEMENT,
    APPROVAL,
    DECISION,
    DISCUSSION,
    OPEN,
    PENDING,
    EngagementKind,
    Membership,
)
from community.models import utcnow
from community.notifications.models import Notification
from community.orgs import service as orgs_service

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
    with outbox.held():  # the services write no email at all: nobody is told about made-up history
        return _seed(config)


def _seed(config):
    rng = random.Random(2026)
    now = utcnow()
    # Two hashes for everyone (a hash takes half a second): the known accounts share one
    # password, the others one long random one nobody knows.
    known_hash = accounts.hash_password(DEMO_PASSWORD)
    other_hash = accounts.hash_password(secrets.token_urlsafe(24))

    def person(email, name, city, password_hash, **profile):
        """Register, follow the link in the confirmation email, fill in the profile."""
        user = accounts.register_user(email, name, None, "ru", city=city, password_hash=password_hash)
        accounts.verify_email(accounts.make_token(accounts.VERIFY, user, email=user.email))
        if profile:
            accounts.update_profile(user, **profile)
        # History: the account was opened and confirmed over a year ago.
        user.consent_at = user.email_verified_at = now - timedelta(days=400)
        return user

    known = {}
    for email, name, city, is_admin in KNOWN_ACCOUNTS:
        known[email.split("@")[0]] = person(
            email,
            name,
            city,
            known_hash,
            family_form=None if is_admin or email.startswith("specialist") else "foster",
            experience_years=None if is_admin else 6,
        )
        if is_admin:
            accounts.create_admin(email, name, DEMO_PASSWORD)  # `flask create-admin` promotes the account
    admin = known["admin"]

    orgs = {}
    for name, slug, region, tz in ORGANISATIONS:
        orgs[slug] = orgs_service.create_organisation(admin, name, slug, region, tz)
        orgs[slug].created_at = now - timedelta(days=500)  # History: the foundations are older than Krug
    second_specialist = person("olga.kuznetsova@demo.krug", "Ольга Кузнецова", "Екатеринбург", other_hash)
    staff_of = {"semya-ryadom": known["specialist"], "teplyi-dom": second_specialist}
    for slug, user in staff_of.items():  # the admin invites each, who follows the emailed link
        orgs_service.accept_invitation(user, orgs_service.invite_specialist(admin, orgs[slug], user.email))

    family_forms = ("foster", "guardianship", "adoption", "kinship", None)
    for index, (name, city, policy, org_slug, size, leader_key) in enumerate(GROUPS):
        started = now - timedelta(days=rng.randint(300, 380) if size > 6 else rng.randint(40, 90))
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

        group = groups.create_group(leader, name, city, DESCRIPTIONS[city], HOW_TO_JOIN[policy], policy)
        # The demo's addresses are known (README, tests); the service makes one from the name,
        # which gives a longer one for Nizhny Novgorod.
        group.slug = _slug(index)
        group.created_at = started  # History: the group has been running for a while
        joined = {}  # who joined this group when: nobody takes part before joining
        _backdate_membership(group, leader, started, joined)

        span = (now - started).days
        members = [p for p in parents if p is not leader]
        co_leader = members[1] if size >= 14 else None
        for user in members:
            if user is co_leader:
                membership = _join(group, leader, user, started + timedelta(days=3), joined)
                groups.make_leader(leader, membership)
            else:
                days = rng.randint(1, max(2, span - 5))
                # Most families join in the first weeks; the others arrive over the group's life.
                _join(group, leader, user, started + timedelta(days=days if days % 5 < 2 else days % 21 + 1), joined)
        # The organisation's specialist offers its support and the leader accepts: the group is
        # linked and the specialist joins it.
        organisation = orgs.get(org_slug)
        specialist = None
        if organisation is not None:
            staff = staff_of[org_slug]
            offer = orgs_service.offer_support(staff, organisation, group)
            orgs_service.accept_offer(leader, offer, group)
            offer.created_at = offer.decided_at = started + timedelta(days=2)  # History
            if index == 3:
                # Novosibirsk is linked to the foundation but runs on its own: the specialist
                # left it at once, and no specialist is inside.
                groups.leave_group(staff, group)
                membership = _backdate_membership(group, staff, started + timedelta(days=2), {})
                membership.ended_at = membership.joined_at  # History
            else:
                specialist = staff
                if specialist is not leader:
                    _backdate_membership(group, specialist, started + timedelta(days=2), joined)

        members = [m for m in members if m is not co_leader]
        if index == 0:
            # Someone waiting for the leader's answer, and roles from the involvement framework.
            newcomer = person("newcomer-0@demo.krug", "Светлана К.", city, other_hash)
            waiting = groups.join_group(
                newcomer,
                group,
                "Здравствуйте! Мы взяли под опеку двоих детей полгода назад, хотим познакомиться с другими семьями.",
            )
            waiting.requested_at = now - timedelta(days=1)  # History
            groups.offer_engagement_role(leader, _membership(group, known["member"]), EngagementKind.CONSULTANT)
            for user, role in ((members[2], "mentor"), (members[3], "ambassador"), (members[4], "critic")):
                engagement = groups.offer_engagement_role(leader, _membership(group, user), role)
                groups.answer_engagement_role(user, engagement, accept=True)
        _posts(rng, group, leader, members, started, now, joined)
        _events(rng, group, leader, members, specialist, started, now, index, joined)
        _help(rng, group, leader, members, started, now, index, joined)
    _event_history()
    _help_sweep(now)
    _keep_it_quiet()
    _involvement(known)
    _series(known)
    _voice(known)
    _surveys(known)
    _assessment(known)
    _safety(known)
    _report(known)
    _offline(known)
    _keep_it_quiet(run_fan_outs=True)
    return [email for email, *_ in KNOWN_ACCOUNTS]


def _membership(group, user):
    return db.session.scalar(select(Membership).where(Membership.group_id == group.id, Membership.user_id == user.id))


def _backdate_membership(group, user, when, joined):
    """History: the person has been in the group since `when`."""
    membership = _membership(group, user)
    membership.requested_at = membership.joined_at = when
    joined[user] = when
    return membership


def _join(group, leader, user, when, joined):
    """Join an open group, or ask to join and be approved by the leader."""
    membership = groups.join_group(user, group)
    if membership.status == PENDING:
        groups.approve_request(leader, membership)
    return _backdate_membership(group, user, when, joined)


def _access(user, group):
    """What `user` may do in `group` now (the views' access object, computed afresh: the
    request-wide cache would remember the person before)."""
    return GroupAccess(group, _membership(group, user), bool(user.is_admin), user.id)


SHOWN_FAN_OUTS = {"involve.announce"}


def _keep_it_quiet(run_fan_outs=False):
    """Made-up history is nobody's news: the notices the services wrote about it go, and so
    do the jobs they left for after the commit (fan-outs to members and the like; no email is
    written at all, see `seed_demo`). Then (`run_fan_outs`) the feature demos' announcements
    of opportunities to take part run here, as they would after the commit, so their in-app
    notices show (as they always have)."""
    pending = jobs.take_pending()
    if run_fan_outs:
        for name, args in pending:
            if name in SHOWN_FAN_OUTS:
                jobs.JOBS[name](*args)
        jobs.take_pending()
    else:
        db.session.execute(delete(Notification))  # the demo's own story so far: nobody was told
    db.session.flush()


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
        post = feed.create_post(
            author, group, _access(author, group), kind, title, body, MEMBERS_SAID if kind == DECISION else ""
        )
        post.created_at = when  # History
        for i, text in enumerate(replies):
            replier = rng.choice(members_then or [leader])
            comment = feed.add_comment(replier, group, _access(replier, group), post, text)
            comment.created_at = min(now, when + timedelta(hours=2 + i * 5))  # History


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

    from sqlalchemy import update

    from community.events import registration as places
    from community.events import service as events
    from community.events.models import GOING, WAITLISTED, EventFeedback, Registration

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
        # Every event is planned ahead and places are taken before it starts (the service's
        # rules): last year's events are planned for tomorrow, then moved back to their day.
        planned_for = starts_at if future else now + timedelta(days=1)
        event = events.create_event(
            leader,
            group,
            {
                "title": title,
                "description": description,
                "starts_at": planned_for,
                "ends_at": planned_for + timedelta(hours=2),
                "place": PLACES[group.city],
                "capacity": capacity,
                "travel_reimbursed": capacity is not None,
                "travel_note": "Компенсация проезда до 300 ₽" if capacity else "",
            },
            publish=True,
        )
        if specialist is not None and specialist is not leader and n % 3 == 2:
            _co_organise(events, leader, event, specialist)
        members_then = _present(members, joined, starts_at)
        if members_then and n % 2 == 0:
            _co_organise(events, leader, event, members_then[n % len(members_then)])
        came, feedback = [], []
        for person in [p for p in _present(people, joined, starts_at) if rng.random() < active_share]:
            registration = places.register(person, event)  # a place while there is one, else the waiting list
            if registration.status != GOING:
                continue
            attended = None if future or cancelled else rng.random() < 0.85
            if rng.random() < 0.5:
                places.set_name_visibility(person, event, True)
            if attended:
                came.append(person.id)
                if rng.random() < 0.5:
                    feedback.append(
                        (
                            person,
                            rng.choice([3, 4, 4, 5, 5, 5]),
                            rng.choice(["", "Тёплая атмосфера", "Можно было прийти с детьми", "Ответы специалиста"]),
                            rng.choice(["", "", "Начинать чуть позже", "Больше времени на общение"]),
                            rng.random() < 0.7,
                        )
                    )
        if cancelled:
            events.cancel_event(leader, event)
        # History: planned two weeks ahead (for what is coming, no later than today), last
        # year's events back on their day, the cancellation two days before it.
        created = min(now, starts_at - timedelta(days=14))
        event.starts_at, event.ends_at, event.created_at = starts_at, starts_at + timedelta(hours=2), created
        if cancelled:
            event.cancelled_at = starts_at - timedelta(days=2)
        if event.waitlist_count:
            db.session.execute(
                update(Registration)
                .where(Registration.event_id == event.id, Registration.status == WAITLISTED)
                .values(queued_at=created + timedelta(hours=1))  # History: an hour after the places went
                .execution_options(synchronize_session=False)
            )
        if future or cancelled:
            continue
        places.mark_attendance(leader, event, came)
        for person, *answers in feedback:
            places.submit_feedback(person, event, *answers)
        if feedback:
            db.session.execute(
                update(EventFeedback)
                .where(EventFeedback.event_id == event.id)
                .values(created_at=event.ends_at + timedelta(hours=5))  # History: the evening after
                .execution_options(synchronize_session=False)
            )


def _event_history():
    """History: organisers and places date from when each event was planned (the places
    were taken at once; the waiting list's are moved on in `_events`)."""
    from sqlalchemy import update

    from community.events.models import WAITLISTED, Event, EventOrganiser, Registration

    for table, columns in ((EventOrganiser, ("created_at", "answered_at")), (Registration, ("created_at",))):
        planned = select(Event.created_at).where(Event.id == table.event_id).scalar_subquery()
        db.session.execute(
            update(table).values(dict.fromkeys(columns, planned)).execution_options(synchronize_session=False)
        )
    planned = select(Event.created_at).where(Event.id == Registration.event_id).scalar_subquery()
    db.session.execute(
        update(Registration)
        .where(Registration.status != WAITLISTED)
        .values(queued_at=planned)
        .execution_options(synchronize_session=False)
    )


def _co_organise(events, leader, event, user):
    """The leader invites a co-organiser, who accepts."""
    events.invite_organiser(leader, event, user.id)
    events.answer_organiser_invite(user, event, accept=True)


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
    from community.mutual_help import service as help_board
    from community.mutual_help.models import IN_PROGRESS, OPEN, RESOLVED

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
        # Unanswered ones stay open (the hourly sweep closes those past 60 days: `_help_sweep`).
        status = OPEN if unanswered else rng.choice([OPEN, IN_PROGRESS]) if age < 5 else RESOLVED
        request = help_board.create_request(
            author,
            group,
            "offer" if offer else "need",
            title,
            details,
            category,
            rng.choice(["today", "week", "whenever"]),
            None,
            category == "emotional",
        )
        request.created_at = created  # History
        if unanswered:
            continue
        answer_at = min(now, created + timedelta(hours=rng.choice([2, 5, 12, 30, 60])))
        chosen = rng.sample(helpers, k=min(len(helpers), rng.choice([1, 1, 2])))
        answers = [
            help_board.respond(helper, request, "Могу помочь, напишите, когда удобно.")
            for helper in chosen
            if helper is not author  # in Samara the one helper may be asking
        ]
        if status != OPEN:
            for answer in answers:
                help_board.accept_helper(author, request, answer)
        if status == RESOLVED:
            thank_you = rng.choice(["", "Спасибо огромное!", "Вы нас очень выручили, спасибо!"])
            help_board.resolve(author, request, [answer.id for answer in answers], thank_you)
        # History: answered some hours later, the helper accepted an hour after, resolved in two days.
        for answer in answers:
            answer.created_at = answer_at
            if answer.accepted_at is not None:
                answer.accepted_at = request.updated_at = answer_at + timedelta(hours=1)
        if answers:
            request.first_response_at = answer_at
        if status == RESOLVED:
            request.resolved_at = min(now, answer_at + timedelta(days=2))
    if index == 1:
        # Kazan: two families have been waiting for an answer since last month — the group is
        # at risk, and its health page says why and what to do.
        month_began = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        for days, (category, title, details) in ((12, HELP_NEEDS[1]), (19, HELP_NEEDS[2])):
            request = help_board.create_request(
                people[-1 - days % 3], group, "need", title, details, category, "week", None, False
            )
            request.created_at = month_began - timedelta(days=days, hours=3)  # History


def _help_sweep(now):
    """The hourly sweep over that year of help (community/mutual_help/nudges.py): needs left
    without an answer are flagged to the leaders, and those past 60 days are closed."""
    from community.mutual_help.models import CLOSED, HelpRequest
    from community.mutual_help.nudges import AUTO_CLOSE_AFTER, nudge

    nudge(now)
    for request in db.session.scalars(
        select(HelpRequest).where(HelpRequest.status == CLOSED, HelpRequest.close_note == "auto")
    ):
        request.closed_at = request.created_at + AUTO_CLOSE_AFTER  # History: the sweep ran back then
