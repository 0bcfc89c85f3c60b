"""Builders shared by the "you said — we did" tests: the involvement world (an organisation
supporting a group, its leader, parents and specialist; a group elsewhere; another
organisation's specialist; an admin) and suggestions made and answered through the services."""

from datetime import timedelta

from flask import g
from sqlalchemy import select

from community.extensions import db
from community.groups.models import Group
from community.orgs.models import Organisation
from community.voice import service
from community.voice.access import access_for
from community.voice.models import Suggestion
from tests.conftest import Browser, work
from tests.involve_helpers import user


def place(group_slug=None, org_slug="fond"):
    if group_slug:
        return {"group": db.session.scalar(select(Group).where(Group.slug == group_slug))}
    return {"organisation": db.session.scalar(select(Organisation).where(Organisation.slug == org_slug))}


def suggest(app, email, title="Собираться по субботам", group_slug=None, anonymous=False, days_ago=0, body=""):
    """A suggestion by `email` to the group `group_slug` (or to the foundation); its id."""
    with work(app), app.test_request_context():
        author = user(email)
        suggestion = service.make_suggestion(author, access_for(author, **place(group_slug)), title, body, anonymous)
        if days_ago:
            suggestion.created_at = suggestion.created_at - timedelta(days=days_ago)
        return suggestion.id


def support(app, suggestion_id, email):
    with work(app), app.test_request_context():
        suggestion = db.session.get(Suggestion, suggestion_id)
        who = user(email)
        service.support(who, access_for(who, group=suggestion.group, organisation=suggestion.organisation), suggestion)


def answer(app, suggestion_id, email, status, reason="Обсудим на встрече", **done):
    with work(app), app.test_request_context():
        suggestion = db.session.get(Suggestion, suggestion_id)
        who = user(email)
        g.pop("_voice_access", None)
        access = access_for(who, group=suggestion.group, organisation=suggestion.organisation)
        return service.answer(who, access, suggestion, status, reason, **done).id


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser
