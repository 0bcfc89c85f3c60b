"""The demo's unplanned results: what the foundation noticed during the year that nobody had
planned for, and three items of its groups it marked as unexpected results (a suggestion, an
opportunity, a meeting), so the impact report answers its fifth question."""

from datetime import timedelta

from sqlalchemy import select

from community.events.models import PUBLISHED, Event
from community.extensions import db
from community.groups.models import Group
from community.involve.models import Opportunity
from community.models import utcnow
from community.orgs.models import Organisation
from community.report.models import ITEM_COLUMNS, UnexpectedKind, UnexpectedMark, UnplannedResult
from community.voice.models import Suggestion

ORG = "semya-ryadom"
GROUP = "priemnye-semi-moskvy"
NOTES = (
    (40, "Две школы района попросили родителей из группы провести встречу для учителей о приёмных детях."),
    (120, "Сотрудники службы передышки стали советоваться с родительским советом до изменений, а не после."),
    (250, "Родители сами договорились о «подменах» с детьми друг друга на время госпитализаций — без участия фонда."),
)
# (kind, title of the item, what was unexpected about it)
MARKS = (
    (
        UnexpectedKind.SUGGESTION,
        "Няня для малышей на время встреч",
        "С няней на встречи стали приходить семьи с малышами, которых мы раньше не видели совсем.",
    ),
    (
        UnexpectedKind.OPPORTUNITY,
        "Родительский совет по службе передышки",
        "Участники совета сами предложили провести такой же совет в другой службе фонда — и взялись его вести.",
    ),
    (
        UnexpectedKind.EVENT,
        "Пикник в парке",
        "На пикник пришли соседи по району; двое из них потом спросили, как стать приёмной семьёй.",
    ),
)


def seed_report(known):
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == ORG))
    if organisation is None:
        return
    today = utcnow().date()
    for days_ago, text in NOTES:
        db.session.add(
            UnplannedResult(
                organisation_id=organisation.id,
                happened_on=today - timedelta(days=days_ago),
                text=text,
                created_by_id=known["specialist"].id,
            )
        )
    for kind, title, note in MARKS:
        item_id = _item_id(organisation, kind, title)
        if item_id is not None:
            db.session.add(
                UnexpectedMark(
                    organisation_id=organisation.id,
                    kind=kind,
                    note=note,
                    marked_by_id=known["specialist"].id,
                    marked_at=utcnow() - timedelta(days=3),
                    **{ITEM_COLUMNS[kind]: item_id},
                )
            )
    db.session.flush()


def _item_id(organisation, kind, title):
    """The demo item of that title: the group's suggestion, the foundation's opportunity, the
    group's last past meeting of that name."""
    group = select(Group.id).where(Group.slug == GROUP).scalar_subquery()
    if kind == UnexpectedKind.SUGGESTION:
        query = select(Suggestion.id).where(Suggestion.title == title, Suggestion.group_id == group)
    elif kind == UnexpectedKind.OPPORTUNITY:
        query = select(Opportunity.id).where(Opportunity.title == title, Opportunity.organisation_id == organisation.id)
    else:
        query = (
            select(Event.id)
            .where(
                Event.title == title,
                Event.group_id == group,
                Event.status == PUBLISHED,
                Event.starts_at < utcnow() - timedelta(days=30),
            )
            .order_by(Event.starts_at.desc())
        )
    return db.session.scalar(query.limit(1))
