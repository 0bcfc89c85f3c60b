"""Builders shared by the series tests: a rule as the form sends it, and as the service takes it."""

from datetime import date, time, timedelta

from community.extensions import db
from community.groups.models import Group
from community.series import service
from tests.conftest import work
from tests.events_helpers import user


def rule(**overrides):
    """Series values for the service: the first Saturday of each month, 11:00–13:00."""
    return {
        "repeat": "monthly_weekday",
        "interval": 1,
        "weekday": 5,
        "nth": 1,
        "monthday": None,
        "starts_on": date.today() + timedelta(days=1),
        "until": None,
        "count": None,
        "starts_time": time(11, 0),
        "ends_time": time(13, 0),
        "title": "Встреча клуба",
        "description": "Чай и разговор",
        "place": "Казань, ул. Баумана, 1",
        "online_url": "",
        "capacity": None,
        "travel_reimbursed": False,
        "travel_note": "",
        **overrides,
    }


def form(**overrides):
    """The series form as a browser sends it."""
    return {
        "title": "Встреча клуба",
        "description": "Чай и разговор",
        "repeat": "monthly_weekday",
        "weekday": "5",
        "nth": "1",
        "interval": "1",
        "monthday": "",
        "starts_on": (date.today() + timedelta(days=1)).isoformat(),
        "starts_time": "11:00",
        "ends_time": "13:00",
        "ends": "never",
        "until": "",
        "count": "",
        "place": "Казань, ул. Баумана, 1",
        "online_url": "",
        "capacity": "",
        **overrides,
    }


def make_series(app, group_id, creator="leader@example.org", **overrides):
    with work(app):
        return service.create_series(user(creator), db.session.get(Group, group_id), rule(**overrides)).id
