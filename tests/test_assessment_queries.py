"""The self-assessment page keeps the same number of SQL queries as parents and years grow."""

from datetime import date

from sqlalchemy import select

from community.assessment import service
from community.assessment.statements import KEYS
from community.extensions import db
from community.orgs.models import Organisation
from tests.conftest import Browser, work
from tests.involve_helpers import SPECIALIST_EMAIL, build_world, parent, user
from tests.test_help_queries import count_queries


def build(app, make_user, size):
    build_world(app, make_user, parents=size)
    with work(app):
        fond = db.session.scalar(select(Organisation).where(Organisation.slug == "fond"))
        for year in range(date.today().year - size // 3, date.today().year + 1):
            assessment = service.open_round(user(SPECIALIST_EMAIL), fond, year=year)
            service.rate_as_organisation(user(SPECIALIST_EMAIL), assessment, {k: (2, "Есть") for k in KEYS})
            for n in range(1, size + 1):
                service.rate_as_parent(user(parent(n)), assessment, {k: n % 4 for k in KEYS})


def queries(make_app, make_user, size):
    app = make_app()
    build(app, make_user, size)
    counts = []
    for email in (SPECIALIST_EMAIL, parent(1)):
        browser = Browser(app.test_client())
        browser.login(email)
        counts.append(count_queries(app, browser, "/orgs/fond/self-assessment"))
    return counts


def test_the_self_assessment_page_does_not_grow_with_the_data(make_app, make_user):
    small = queries(make_app, make_user, 6)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries(make_app, make_user, 12)
    assert large == small
