"""Builders shared by the safety tests: a group with posts, a help request and messages."""

from sqlalchemy import select

from community.extensions import db
from community.groups import feed
from community.groups.access import access_for
from community.groups.models import Group
from community.messages import service as messages
from community.mutual_help import service as help_service
from community.mutual_help.models import HelpResponse
from tests.conftest import Browser, work
from tests.events_helpers import build_group, user


def build_safety_world(app, make_user, members=3):
    """The Kazan group of `build_group`: member2 wrote a post and a reply; member1 asked for
    help, member2 answered and wrote in the thread; member2 wrote member1 a private message."""
    slug, group_id = build_group(app, make_user, members=members)
    ids = {"slug": slug, "group_id": group_id}
    with app.test_request_context():
        group = db.session.get(Group, group_id)
        author = user("member2@example.org")
        post = feed.create_post(author, group, access_for(author, group), "discussion", "Про лето", "Кто куда едет?")
        comment = feed.add_comment(author, group, access_for(author, group), post, "Мы на дачу")
        asked = help_service.create_request(
            user("member1@example.org"), group, "need", "Подвезти", "", "transport", "week", None, False
        )
        help_service.respond(author, asked, "Могу в субботу")
        answer = db.session.scalar(select(HelpResponse))
        help_service.accept_helper(user("member1@example.org"), asked, answer)
        db.session.expire_all()
        help_service.post_to_thread(author, asked, "Во сколько?")
        message = messages.send_message(author, user("member1@example.org"), "Купите мои курсы!")
        db.session.commit()
        from community.mutual_help.models import HelpMessage

        ids |= {
            "post": post.id,
            "comment": comment.id,
            "help_request": asked.id,
            "help_answer": answer.id,
            "help_message": db.session.scalar(select(HelpMessage.id)),
            "message": message.id,
            "author": author.id,
        }
    with work(app):
        pass  # release the jobs (emails) of the setup
    return ids


def t(app, text, **values):
    """`text` as the app shows it to a Russian-speaking member (the default language)."""
    from flask_babel import force_locale, gettext
    from markupsafe import escape

    with app.test_request_context(), force_locale("ru"):
        return str(escape(gettext(text, **values)))


def signed_in(app, email):
    """A browser logged in as `email`."""
    browser = Browser(app.test_client())
    browser.login(email)
    return browser
