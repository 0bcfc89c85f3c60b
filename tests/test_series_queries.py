"""A series' page and its meetings' pages keep the same number of SQL queries however many
meetings the series has."""

from datetime import timedelta

from community.models import utcnow
from community.series import service
from tests.conftest import Browser, work
from tests.events_helpers import build_group
from tests.series_helpers import make_series
from tests.test_events_queries import count_queries


def test_the_series_page_costs_the_same_for_few_or_many_meetings(app, make_user):
    slug, group_id = build_group(app, make_user, members=1)
    monthly = make_series(app, group_id)
    weekly = make_series(app, group_id, repeat="weekly", weekday=3)
    with work(app):
        service.generate_all(now=utcnow() + timedelta(days=60))  # weekly: twenty-odd meetings
    browser = Browser(app.test_client())
    browser.login("member1@example.org")
    browser.get(f"/series/{monthly}")  # the first page after logging in also notes the session
    few = count_queries(app, browser, f"/series/{monthly}")
    many = count_queries(app, browser, f"/series/{weekly}")
    assert few == many
    assert count_queries(app, browser, f"/series/{monthly}.ics") == count_queries(app, browser, f"/series/{weekly}.ics")
