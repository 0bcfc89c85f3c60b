"""The demo's unplanned results: what the foundation noticed during the year that nobody had
planned for, so the impact report answers its fifth question."""

from datetime import timedelta

from sqlalchemy import select

from community.extensions import db
from community.models import utcnow
from community.orgs.models import Organisation
from community.report.models import UnplannedResult

ORG = "semya-ryadom"
NOTES = (
    (40, "Две школы района попросили родителей из группы провести встречу для учителей о приёмных детях."),
    (120, "Сотрудники службы передышки стали советоваться с родительским советом до изменений, а не после."),
    (250, "Родители сами договорились о «подменах» с детьми друг друга на время госпитализаций — без участия фонда."),
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
    db.session.flush()
