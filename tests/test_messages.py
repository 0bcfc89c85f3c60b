"""Messages between members: they arrive in Krug and by email from Krug, and nobody's address
is ever shown; only people who share a live group may write to each other."""

from types import SimpleNamespace

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from community.auth.models import User
from community.extensions import db
from community.groups import service
from community.groups.models import OPEN, Group
from community.messages.models import Message
from community.notifications.models import Notification
from tests.conftest import Browser, work


def say(app, text, locale="ru", **values):
    """The sentence as the app writes it in `locale` (so tests survive translation updates)."""
    with work(app), force_locale(locale):
        return gettext(text, **values)


def shown(app, text, **values):
    return str(escape(say(app, text, **values)))


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def group_by_slug(slug):
    return db.session.scalar(select(Group).where(Group.slug == slug))


@pytest.fixture
def circle(app, make_user):
    """Boris and Vera are members of Anna's group; Gleb is in no group with them."""
    people = SimpleNamespace(
        anna=make_user("anna@example.org", name="Анна"),
        boris=make_user("boris@example.org", name="Борис"),
        vera=make_user("vera@example.org", name="Вера"),
        gleb=make_user("gleb@example.org", name="Глеб"),
    )
    with work(app):
        anna = db.session.get(User, people.anna)
        group = service.create_group(anna, "Опекуны Казани", "Казань", "О нас", "Пишите", OPEN)
        for user_id in (people.boris, people.vera):
            service.join_group(db.session.get(User, user_id), group)
        people.slug = group.slug
    return people


def send(browser, to_id, body):
    return browser.submit(f"/messages/with/{to_id}", {"body": body})


def messages(app):
    with app.app_context():
        return db.session.scalars(select(Message).order_by(Message.id)).all()


def test_a_member_writes_to_a_fellow_member_who_gets_it_by_email_without_addresses(app, circle, mailbox):
    boris = signed_in(app, "boris@example.org")
    assert boris.get(f"/messages/with/{circle.vera}").status_code == 200

    response = send(boris, circle.vera, "Вера, можно я позвоню вам про опеку?")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/messages/with/{circle.vera}#write"
    [message] = messages(app)
    assert (message.sender_id, message.recipient_id, message.read_at) == (circle.boris, circle.vera, None)
    [email] = mailbox.to("vera@example.org")
    assert email["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert email["Reply-To"] is None
    assert "Вера, можно я позвоню вам про опеку?" in mailbox.text(email)
    assert "Вера, можно я позвоню вам про опеку?" in mailbox.html(email)
    assert any(link.endswith(f"/messages/with/{circle.boris}") for link in mailbox.links(email))
    assert "boris@example.org" not in email.as_string()
    assert "Борис" in email["Subject"]
    with app.app_context():
        [notice] = db.session.scalars(select(Notification).where(Notification.user_id == circle.vera)).all()
    assert (notice.kind, notice.url) == ("message.received", f"/messages/with/{circle.boris}")
    assert mailbox.to("boris@example.org") == []


def test_the_conversation_is_shown_to_both_without_addresses(app, circle):
    boris, vera = signed_in(app, "boris@example.org"), signed_in(app, "vera@example.org")
    send(boris, circle.vera, "Здравствуйте!")
    send(vera, circle.boris, "Добрый день, Борис.")

    for browser, other_id in ((boris, circle.vera), (vera, circle.boris)):
        page = browser.get(f"/messages/with/{other_id}").get_data(as_text=True)
        assert page.index("Здравствуйте!") < page.index("Добрый день, Борис.")
        assert 'id="write"' in page
        assert "boris@example.org" not in page and "vera@example.org" not in page


def test_the_thread_names_the_other_person(app, circle):
    vera = signed_in(app, "vera@example.org")
    send(signed_in(app, "boris@example.org"), circle.vera, "Здравствуйте!")

    page = vera.get(f"/messages/with/{circle.boris}").get_data(as_text=True)

    assert f"<h1>{shown(app, 'Conversation with %(name)s', name='Борис')}</h1>" in page
    assert '<p class="meta">Борис · ' in page


def test_writing_to_someone_you_share_no_group_with_is_not_found(app, circle, mailbox):
    gleb = signed_in(app, "gleb@example.org")
    assert gleb.get(f"/messages/with/{circle.vera}").status_code == 404
    response = gleb.submit(f"/messages/with/{circle.vera}", {"body": "Привет!"}, page="/messages/")
    assert response.status_code == 404
    assert messages(app) == [] and mailbox.messages == []


def test_writing_to_yourself_or_nobody_is_not_found(app, circle):
    boris = signed_in(app, "boris@example.org")
    for user_id in (circle.boris, 999_999, 10**30):
        assert boris.get(f"/messages/with/{user_id}").status_code == 404, user_id


def test_a_pending_member_cannot_be_written_to(app, circle):
    with work(app):
        group = group_by_slug(circle.slug)
        group.join_policy = "approval"
        db.session.commit()
        service.join_group(db.session.get(User, circle.gleb), group)
    boris = signed_in(app, "boris@example.org")
    assert boris.get(f"/messages/with/{circle.gleb}").status_code == 404
    assert signed_in(app, "gleb@example.org").get(f"/messages/with/{circle.boris}").status_code == 404


def test_after_leaving_the_group_the_old_conversation_stays_readable_but_closed(app, circle, mailbox):
    vera = signed_in(app, "vera@example.org")
    send(signed_in(app, "boris@example.org"), circle.vera, "Увидимся на встрече")
    with work(app):
        service.leave_group(db.session.get(User, circle.boris), group_by_slug(circle.slug))
    mailbox.clear()

    page = vera.get(f"/messages/with/{circle.boris}")
    response = vera.submit(f"/messages/with/{circle.boris}", {"body": "Жаль, что вы ушли"})

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Увидимся на встрече" in body
    assert 'id="write"' not in body
    assert shown(app, "You no longer share a group with %(name)s, so you cannot write to them.", name="Борис") in body
    assert response.status_code == 200
    assert len(messages(app)) == 1 and mailbox.messages == []


def test_an_archived_group_no_longer_lets_members_write(app, circle):
    with work(app):
        service.archive_group(db.session.get(User, circle.anna), group_by_slug(circle.slug))
    assert signed_in(app, "boris@example.org").get(f"/messages/with/{circle.vera}").status_code == 404


def test_inbox_lists_conversations_newest_first_and_marks_unread(app, circle):
    send(signed_in(app, "boris@example.org"), circle.vera, "От Бориса")
    send(signed_in(app, "anna@example.org"), circle.vera, "От Анны")
    vera = signed_in(app, "vera@example.org")

    inbox = vera.get("/messages/").get_data(as_text=True)

    assert inbox.index("От Анны") < inbox.index("От Бориса")
    assert inbox.count('class="unread"') == 2
    assert f'href="/messages/with/{circle.boris}"' in inbox and f'href="/messages/with/{circle.anna}"' in inbox

    vera.get(f"/messages/with/{circle.boris}")
    inbox = vera.get("/messages/").get_data(as_text=True)
    assert inbox.count('class="unread"') == 1
    anna_item = inbox[inbox.index('<li class="unread">') :]
    assert "От Анны" in anna_item.split("</li>")[0]


def test_one_line_per_person_with_the_last_message(app, circle):
    boris, vera = signed_in(app, "boris@example.org"), signed_in(app, "vera@example.org")
    send(boris, circle.vera, "Первое")
    send(vera, circle.boris, "Ответ Веры")
    inbox = boris.get("/messages/").get_data(as_text=True)
    assert inbox.count(f'href="/messages/with/{circle.vera}"') == 1
    assert "Ответ Веры" in inbox and "Первое" not in inbox


def test_opening_a_thread_marks_only_what_i_received_as_read(app, circle):
    boris, vera = signed_in(app, "boris@example.org"), signed_in(app, "vera@example.org")
    send(boris, circle.vera, "Вопрос")
    boris.get(f"/messages/with/{circle.vera}")
    assert messages(app)[0].read_at is None
    vera.get(f"/messages/with/{circle.boris}")
    assert messages(app)[0].read_at is not None


def test_empty_inbox_explains_how_to_write(app, circle):
    body = signed_in(app, "boris@example.org").get("/messages/").get_data(as_text=True)
    assert (
        shown(
            app,
            "No messages yet. To write to someone, open a group you are in, go to Members and press "
            "“Write”. Your email address stays hidden.",
        )
        in body
    )


HOSTILE = {
    "empty": "",
    "blank": "   ",
    "long": "я" * 10_000,
    "script": "<script>alert(1)</script>",
    "emoji": "Семья 👩‍👧 ΣΩ 李",
}


def test_message_form_survives_hostile_input(app, circle, mailbox):
    boris = signed_in(app, "boris@example.org")
    for label, value in HOSTILE.items():
        mailbox.clear()

        response = send(boris, circle.vera, value)

        body = response.get_data(as_text=True)
        assert response.status_code in (200, 302), label
        assert "<script>alert(1)</script>" not in body, label
        kept = str(escape(value.strip()))
        if response.status_code == 200:
            assert 'id="body-error"' in body and kept[:40] in body, label
            assert mailbox.messages == [], label
            continue
        page = boris.get(f"/messages/with/{circle.vera}").get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and kept in page, label
        [email] = mailbox.to("vera@example.org")
        assert "<script>alert(1)</script>" not in mailbox.html(email), label
        assert value.strip() in mailbox.text(email), label
    assert [m.body for m in messages(app)] == ["<script>alert(1)</script>", "Семья 👩‍👧 ΣΩ 李"]


def test_message_with_a_nul_character_never_fails(app, circle, request, database_url):
    assert send(signed_in(app, "boris@example.org"), circle.vera, "\x00\x01").status_code in (200, 302)
