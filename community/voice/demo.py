"""The demo's "you said — we did": a year of suggestions to the Moscow group and to the
foundation, in every status — some *done* with what changed and at which level, one
*not possible* with the honest reason, one anonymous, one the decisions log cites, one
waiting over two weeks for the leader. Made through the services, then moved back in
time; nobody is emailed or notified about this made-up history."""

from datetime import timedelta

from flask import g
from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from community.groups import feed
from community.groups.access import access_for as group_access_for
from community.groups.models import ACTIVE, DECISION, MEMBER, Group, Membership
from community.models import utcnow
from community.orgs.models import Organisation
from community.voice import service
from community.voice.access import access_for
from community.voice.models import SuggestionAnswer

GROUP, ORG = "priemnye-semi-moskvy", "semya-ryadom"

# title, body, author (index into the parents, or "member"), to the foundation, anonymous,
# days ago, supporters, answers [(status, reason, days after)], done (change, level)
SUGGESTIONS = (
    (
        "Встречаться в субботу утром, а не в среду вечером",
        "Работающие родители не успевают к семи, а с детьми вечером тяжело.",
        "member",
        False,
        False,
        330,
        9,
        [
            ("heard", "Спасибо! Спросим всех на ближайшей встрече.", 3),
            ("considering", "Опрос на встрече: 11 за субботу, 4 за среду. Ищем помещение на субботу.", 10),
            ("doing", "Договорились с центром «Радуга» о субботах. Пробуем с февраля.", 30),
            ("done", "Попробовали три месяца, ходит больше семей. Оставляем субботы.", 120),
        ],
        ("Встречи группы теперь по субботам в 11:00 в центре «Радуга».", "community"),
    ),
    (
        "Няня для малышей на время встреч",
        "Не с кем оставить младшего, поэтому пропускаю встречи.",
        0,
        False,
        False,
        300,
        12,
        [
            ("heard", "Понимаем. Спросим фонд, может ли он оплатить няню.", 2),
            ("doing", "Фонд согласился оплачивать няню на встречах группы. Ищем человека.", 25),
            ("done", "Няня работает на каждой встрече, фонд оплачивает.", 60),
        ],
        ("На встречах группы с детьми до 7 лет занимается няня; оплачивает фонд.", "operational"),
    ),
    (
        "Проще записываться на службу передышки",
        "Сейчас надо звонить в рабочее время. Хорошо бы записываться онлайн.",
        1,
        True,
        False,
        250,
        14,
        [
            ("heard", "Спасибо. Обсудим на родительском совете по службе передышки.", 5),
            ("considering", "Совет предложил запись через форму на сайте. Считаем, сколько это стоит.", 30),
            ("done", "Запись теперь через форму на сайте, ответ в течение дня.", 90),
        ],
        ("Запись на службу передышки — через форму на сайте фонда, ответ в течение рабочего дня.", "operational"),
    ),
    (
        "Пригласить юриста по вопросам опеки",
        "Много вопросов про документы и выплаты.",
        2,
        False,
        False,
        200,
        7,
        [
            ("heard", "Хорошая идея, ищем юриста.", 4),
            ("considering", "Юрист фонда может прийти раз в квартал. Согласуем даты.", 20),
        ],
        None,
    ),
    (
        "Выплачивать компенсацию проезда наличными на встрече",
        "Не у всех есть банковская карта.",
        3,
        True,
        False,
        160,
        3,
        [
            ("heard", "Спасибо, что написали.", 3),
            (
                "not_possible",
                "Фонд по закону платит только на банковский счёт. Поможем оформить бесплатную карту — "
                "спросите специалиста на встрече.",
                15,
            ),
        ],
        None,
    ),
    (
        "Группа поддержки для подростков",
        "Нашим старшим тоже нужно общаться с такими же ребятами.",
        4,
        False,
        True,
        120,
        11,
        [
            ("heard", "Спасибо! Это важно. Обсудим с психологом фонда.", 6),
            ("doing", "Психолог фонда готов вести подростковую группу. Набираем желающих.", 40),
        ],
        None,
    ),
    (
        "Обмен детскими вещами на встречах",
        "",
        5,
        False,
        False,
        60,
        5,
        [("heard", "Спасибо! Обсудим на следующей встрече, где хранить вещи.", 4)],
        None,
    ),
    ("Чат группы для срочных вопросов", "Иногда нужен совет вечером.", 6, False, False, 21, 4, [], None),
    ("Летний выезд на природу всей группой", "", 7, False, False, 5, 2, [], None),
)


def seed_voice(known):
    """Suggestions of the demo's Moscow group and foundation (`known`: the demo accounts)."""
    group = db.session.scalar(select(Group).where(Group.slug == GROUP))
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == ORG))
    if group is None or organisation is None:
        return
    leader, specialist, member = known["leader"], known["specialist"], known["member"]
    parents = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.group_id == group.id,
            Membership.status == ACTIVE,
            Membership.role == MEMBER,
            User.id != member.id,
        )
        .order_by(Membership.id)
    ).all()
    now = utcnow()
    done_suggestion = None
    for title, body, author, to_org, anonymous, days_ago, supported, answers, done in SUGGESTIONS:
        person = member if author == "member" else parents[author % len(parents)]
        place = {"organisation": organisation} if to_org else {"group": group}
        answerer = specialist if to_org else leader
        g.pop("_voice_access", None)
        suggestion = service.make_suggestion(person, access_for(person, **place), title, body, anonymous)
        for supporter in [p for p in [member, *parents] if p is not person][:supported]:
            service.support(supporter, access_for(supporter, **place), suggestion)
        for status, reason, _days in answers:
            change, level = done if status == "done" else ("", None)
            service.answer(answerer, access_for(answerer, **place), suggestion, status, reason, change, level)
        _back_in_time(suggestion, now - timedelta(days=days_ago), answers)
        if done and not to_org and done_suggestion is None:
            done_suggestion = suggestion
    if done_suggestion is not None:
        _cite_in_decisions(group, leader, done_suggestion)
    # The story is history: no notices or emails about it (the jobs are dropped before the commit).
    pending = db.session.info.get("jobs_pending", [])
    pending[:] = [job for job in pending if not job[0].startswith("voice.")]
    db.session.flush()


def _back_in_time(suggestion, then, answers):
    suggestion.created_at = then
    rows = db.session.scalars(
        select(SuggestionAnswer).where(SuggestionAnswer.suggestion_id == suggestion.id).order_by(SuggestionAnswer.id)
    ).all()
    for row, (_status, _reason, days) in zip(rows, answers, strict=True):
        row.created_at = min(utcnow(), then + timedelta(days=days))
        suggestion.answered_at = row.created_at


def _cite_in_decisions(group, leader, suggestion):
    """The leaders recorded the change as a decision; the decision cites the suggestion."""
    g.pop("_group_access", None)
    post = feed.create_post(
        leader,
        group,
        group_access_for(leader, group),
        DECISION,
        "Встречаемся по субботам",
        "С февраля встречи группы — по субботам в 11:00 в центре «Радуга».",
        "Большинство семей попросили субботу: в будни вечером не успевают.",
    )
    post.created_at = suggestion.answered_at  # History: recorded when the suggestion was answered
    g.pop("_group_access", None)
    suggestion.decision_id = post.id
