"""The demo foundation's impact report for the last twelve months says something true on every
one of the five questions (what `make run` shows)."""

from flask_babel import gettext as _
from sqlalchemy import select

from community.demo import seed_demo
from community.extensions import db
from community.health.service import backfill
from community.orgs.models import Organisation
from community.report import service
from tests.conftest import work


def test_the_demo_report_answers_every_question(app):
    with work(app):
        seed_demo(app.config)
        backfill()
        db.session.commit()
        organisation = db.session.scalar(select(Organisation).where(Organisation.slug == "semya-ryadom"))
        report = service.build(organisation, service.default_period())
        figures = {(f.measure, f.level): f.value for f in report.figures}
        # 1 expected results: opportunities with their purposes, people chosen.
        assert report.purposes
        assert sum(v for (m, _l), v in figures.items() if m == _("Parents chosen to take part")) >= 5
        # 2 actual changes: suggestions done, with what changed.
        assert report.changes and all(change for _l, _t, change, _w in report.changes)
        assert report.gaps
        # 3 how families felt: surveys with a shown share.
        assert any(share is not None for _s, _n, share in report.surveys)
        # 4 social results: help, leaders, health stages.
        assert figures[(_("Parents who helped another family"), "")] >= 5
        assert figures[(_("Parents who led a meeting or welcomed a newcomer"), "")] >= 5
        assert any(counts for _m, counts in report.stages)
        # 5 unplanned results: noted, and items marked as unexpected (one of each kind seeded).
        assert len(report.unplanned) >= 3
        assert {m.kind for m in report.unexpected} == {"suggestion", "opportunity", "event"}
        assert all(m.title and m.mark.note for m in report.unexpected)
