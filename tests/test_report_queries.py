"""The impact report keeps the same number of SQL queries as the organisation's data grows."""

from community.extensions import db
from tests.conftest import Browser
from tests.involve_helpers import SPECIALIST_EMAIL
from tests.report_helpers import in_period, seed
from tests.test_help_queries import count_queries


def queries(make_app, make_user, size):
    app = make_app()
    seed(app, make_user, parents=3 + size, size=size)
    browser = Browser(app.test_client())
    browser.login(SPECIALIST_EMAIL)
    return [count_queries(app, browser, f"/orgs/fond/report{suffix}?{in_period()}") for suffix in ("", ".csv")]


def test_the_report_does_not_grow_with_the_data(make_app, make_user):
    small = queries(make_app, make_user, 2)
    with make_app().app_context():
        db.drop_all()
        db.create_all()
    large = queries(make_app, make_user, 6)
    assert large == small
