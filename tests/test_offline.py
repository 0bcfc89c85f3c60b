"""Members without an account (issue #15, point 2): a leader adds a parent with no smartphone
or email, registers them for meetings, marks them, records help; they count like everyone
else, are never emailed or notified, and the leader exports or deletes them at their request."""

import json
from datetime import timedelta

from sqlalchemy import func, select

from community.audit import AuditEvent
from community.auth.models import User
from community.errors import RuleError
from community.events import registration
from community.events.models import GOING, WAITLISTED, Event, Registration
from community.extensions import db
from community.groups.models import ACTIVE, Group, Membership
from community.models import utcnow
from community.mutual_help.models import Category, HelpRequest, HelpResponse
from community.notifications.models import Notification, OutboxMessage
from community.offline import service
from community.offline.models import OfflineMember
from tests.concurrency import codes, run_together
from tests.conftest import Browser, work
from tests.events_helpers import build_group, make_event, user

CATEGORY = str(next(iter(Category)))
PURPOSE = "Записывать на встречи и звонить о них"


def add_one(app, group_id, name="Галина Петровна", phone="+7 912 345-67-89"):
    with work(app):
        offline = service.add(user("leader@example.org"), db.session.get(Group, group_id), name, phone, PURPOSE)
        return offline.id, offline.user_id


def leader(app, locale="en"):
    """The group's leader, signed in, reading English (the Russian is checked by test_i18n)."""
    with work(app):
        user("leader@example.org").locale = locale
    browser = Browser(app.test_client())
    browser.login("leader@example.org")
    return browser


def test_a_leader_adds_a_member_without_an_account_with_the_consent(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    browser = leader(app)
    response = browser.submit(
        f"/groups/{slug}/without-account/new",
        {"name": "Галина Петровна", "phone": "+7 912 345-67-89", "purpose": PURPOSE},
    )
    assert response.status_code == 302
    with work(app):
        offline = db.session.scalar(select(OfflineMember))
        person = offline.user
        person_id = person.id
        assert person.email is None and person.password_hash == ""
        assert offline.phone == "+7 912 345-67-89" and offline.consent_purpose == PURPOSE
        assert offline.consent_by_id == offline.added_by_id == user("leader@example.org").id
        assert offline.consent_at is not None
        membership = db.session.scalar(select(Membership).where(Membership.user_id == person.id))
        assert membership.status == ACTIVE and membership.group_id == group_id
        assert db.session.get(Group, group_id).member_count == 5  # leader, three members and her
        row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offline.add"))
        assert row.target_id == person.id and row.detail["group_id"] == group_id
        assert "912" not in json.dumps(row.detail)  # the phone stays out of the audit
    page = browser.get(f"/groups/{slug}/members").get_data(as_text=True)
    assert "Галина Петровна" in page and "badge-offline" in page
    import re

    assert len(re.findall(r'href="/messages/with/\d+"', page)) == 4  # the three members and the specialist
    assert f"/messages/with/{person_id}" not in page
    assert browser.get(f"/messages/with/{person_id}").status_code == 404
    listed = browser.get(f"/groups/{slug}/without-account").get_data(as_text=True)
    assert "Галина Петровна" in listed and "added" in listed  # the record the leaders see


def test_bad_input_is_answered_next_to_the_field_and_kept(app, make_user, mailbox):
    slug, _ = build_group(app, make_user)
    browser = leader(app)
    for data, message in [
        ({"name": "", "phone": "", "purpose": PURPOSE}, "Please give a name."),
        ({"name": "Галина", "phone": "позвоните мне", "purpose": PURPOSE}, "This does not look like a phone number"),
        ({"name": "Галина", "phone": "12", "purpose": PURPOSE}, "This does not look like a phone number"),
        ({"name": "<b>Галина</b>", "phone": "", "purpose": PURPOSE}, "ordinary punctuation"),
        ({"name": "Галина", "phone": "", "purpose": ""}, "what the person agreed to"),
        ({"name": "Г" * 81, "phone": "", "purpose": PURPOSE}, "At most 80 characters."),
    ]:
        response = browser.submit(f"/groups/{slug}/without-account/new", data)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, data
        assert message in page, data
        assert 'aria-invalid="true"' in page
        if data["phone"]:
            assert data["phone"] in page  # what was typed stays
    with work(app):
        assert db.session.scalar(select(func.count(OfflineMember.id))) == 0
    # Line breaks in the purpose are fine (kept as one line).
    response = browser.submit(
        f"/groups/{slug}/without-account/new", {"name": "Галина", "phone": "", "purpose": "Встречи\r\nи звонки"}
    )
    assert response.status_code == 302
    with work(app):
        assert db.session.scalar(select(OfflineMember.consent_purpose)) == "Встречи и звонки"


def test_registered_cancelled_marked_and_helped_like_anyone_and_never_emailed(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    event_id = make_event(app, group_id, capacity=1)
    offline_id, person_id = add_one(app, group_id)
    browser = leader(app)
    page = browser.get(f"/groups/{slug}/without-account/{offline_id}").get_data(as_text=True)
    assert "Встреча клуба" in page
    url = f"/groups/{slug}/without-account/{offline_id}/events/{event_id}"
    assert browser.submit(url + "/register", page=f"/groups/{slug}/without-account/{offline_id}").status_code == 302
    with work(app):
        registration.register(user("member1@example.org"), db.session.get(Event, event_id))  # waits
    with work(app):
        assert db.session.get(Event, event_id).going_count == 1
    # Cancelling goes through the usual path: member1 gets the place.
    assert browser.submit(url + "/cancel", page=f"/groups/{slug}/without-account/{offline_id}").status_code == 302
    with work(app):
        status = db.session.scalar(
            select(Registration.status).where(Registration.user_id == user("member1@example.org").id)
        )
        assert status == GOING
        registration.cancel_registration(user("member1@example.org"), db.session.get(Event, event_id))
    assert browser.submit(url + "/register", page=f"/groups/{slug}/without-account/{offline_id}").status_code == 302
    with work(app):
        event = db.session.get(Event, event_id)
        event.starts_at = utcnow().replace(microsecond=0) - timedelta(hours=3)
        event.ends_at = event.starts_at + timedelta(hours=2)
    # Help they gave and received, recorded on the help board's usual form (she is in its lists).
    form = browser.get(f"/groups/{slug}/help/record").get_data(as_text=True)
    assert "Галина Петровна" in form
    for helper, helped in ((person_id, "member2"), ("member2", person_id)):
        with work(app):
            ids = {p: p if isinstance(p, int) else user(f"{p}@example.org").id for p in (helper, helped)}
        sent = browser.submit(
            f"/groups/{slug}/help/record",
            {
                "helper_id": ids[helper],
                "helped_id": ids[helped],
                "category": CATEGORY,
                "when": utcnow().date().isoformat(),
            },
        )
        assert sent.status_code == 302, sent.get_data(as_text=True)
    # Attendance, as for anyone.
    with work(app):
        event = db.session.get(Event, event_id)
        registration.mark_attendance(user("leader@example.org"), event, [person_id])
        assert db.session.scalar(select(Registration.attended).where(Registration.user_id == person_id)) is True
        assert db.session.scalar(select(func.count(HelpRequest.id)).where(HelpRequest.author_id == person_id)) == 1
        assert db.session.scalar(select(func.count(HelpResponse.id)).where(HelpResponse.helper_id == person_id)) == 1
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == person_id)).all()
        assert actions.count("offline.register") == 2 and "offline.cancel" in actions
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == person_id)) == 0
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient.is_(None))) == 0


def test_the_indicators_count_them_like_everyone_else(app, make_user, mailbox):
    from community.health import indicators

    slug, group_id = build_group(app, make_user)
    event_id = make_event(app, group_id)
    offline_id, person_id = add_one(app, group_id)
    with work(app):
        event = db.session.get(Event, event_id)
        service.register(user("leader@example.org"), db.session.get(OfflineMember, offline_id), event)
        registration.register(user("member1@example.org"), event)
        event.starts_at = utcnow().replace(microsecond=0) - timedelta(hours=3)
        event.ends_at = event.starts_at + timedelta(hours=2)
    with work(app):
        registration.mark_attendance(user("leader@example.org"), db.session.get(Event, event_id), [person_id])
        came = indicators._attendance([group_id], utcnow() - timedelta(days=1), utcnow(), indicators.staff_ids())
        assert set(db.session.scalars(select(came.c.user_id))) == {person_id}


def test_a_member_cannot_register_someone_else_and_another_group_s_meeting_is_refused(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    offline_id, _ = add_one(app, group_id)
    make_user("other@example.org")
    with work(app):
        from community.groups import service as groups

        other = groups.create_group(user("other@example.org"), "Другая", "Уфа", "О", "Как", "open")
        other_id = other.id
    other_event = make_event(app, other_id, creator="other@example.org")
    browser = leader(app)
    url = f"/groups/{slug}/without-account/{offline_id}/events/{other_event}/register"
    assert browser.submit(url, page=f"/groups/{slug}/without-account/{offline_id}").status_code == 404
    member = Browser(app.test_client())
    member.login("member1@example.org")
    assert member.get(f"/groups/{slug}/without-account/{offline_id}").status_code == 403


def test_the_leader_edits_them_and_a_new_phone_is_a_new_consent(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    offline_id, person_id = add_one(app, group_id)
    make_user("co@example.org", name="Ольга")
    with work(app):
        from community.groups import service as groups

        group = db.session.get(Group, group_id)
        groups.join_group(user("co@example.org"), group)
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user("co@example.org").id))
        groups.make_leader(user("leader@example.org"), membership)
    browser = Browser(app.test_client())
    browser.login("co@example.org")
    url = f"/groups/{slug}/without-account/{offline_id}/edit"
    assert "Галина Петровна" in browser.get(url).get_data(as_text=True)
    response = browser.submit(url, {"name": "Галина П.", "phone": "8 (843) 123-45-67", "purpose": PURPOSE})
    assert response.status_code == 302
    with work(app):
        offline = db.session.get(OfflineMember, offline_id)
        assert offline.user.display_name == "Галина П." and offline.phone == "8 (843) 123-45-67"
        assert offline.consent_by_id == user("co@example.org").id
        row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offline.edit"))
        assert row.detail["changed"] == ["name", "phone"]


def test_export_and_delete_at_their_request(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    event_id = make_event(app, group_id, capacity=1)
    offline_id, person_id = add_one(app, group_id)
    with work(app):
        event = db.session.get(Event, event_id)
        registration.register(db.session.get(User, person_id), event)
        registration.register(user("member1@example.org"), event)
    browser = leader(app)
    data = browser.get(f"/groups/{slug}/without-account/{offline_id}/data.json")
    assert data.status_code == 200 and "attachment" in data.headers["Content-Disposition"]
    exported = json.loads(data.get_data(as_text=True))
    assert exported["account"]["display_name"] == "Галина Петровна"
    assert exported["member_without_account"]["phone"] == "+7 912 345-67-89"
    assert exported["member_without_account"]["consent"]["purpose"] == PURPOSE
    assert len(exported["registrations"]) == 1
    url = f"/groups/{slug}/without-account/{offline_id}/delete"
    confirm = browser.get(url).get_data(as_text=True)
    assert "cannot be undone" in confirm
    assert browser.submit(url).status_code == 302
    with work(app):
        assert db.session.get(User, person_id) is None
        assert db.session.get(OfflineMember, offline_id) is None
        assert db.session.get(Group, group_id).member_count == 4
        promoted = db.session.scalar(
            select(Registration.status).where(Registration.user_id == user("member1@example.org").id)
        )
        assert promoted == GOING  # the waiting list moved up
        assert db.session.get(Event, event_id).going_count == 1
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offline.delete")) is not None
    assert browser.get(url).status_code == 404
    record = browser.get(f"/groups/{slug}/without-account").get_data(as_text=True)
    assert "deleted a member at their request" in record and "Галина" not in record


def test_two_leaders_deleting_at_once_delete_once(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    offline_id, person_id = add_one(app, group_id)
    make_user("co@example.org", name="Ольга")
    with work(app):
        from community.groups import service as groups

        groups.join_group(user("co@example.org"), db.session.get(Group, group_id))
        membership = db.session.scalar(select(Membership).where(Membership.user_id == user("co@example.org").id))
        groups.make_leader(user("leader@example.org"), membership)

    def remove(email):
        found = db.session.get(OfflineMember, offline_id)
        if found is None:  # what the page answers (404) when the other leader was first
            raise RuleError("offline.gone")
        service.delete(user(email), found)

    errors = run_together(app, remove, ["leader@example.org", "co@example.org"])
    assert codes(errors) == ["offline.gone"]
    with work(app):
        assert db.session.get(User, person_id) is None
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "offline.delete")) == 1


def test_registering_them_twice_at_once_keeps_one_place(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    event_id = make_event(app, group_id, capacity=5)
    offline_id, person_id = add_one(app, group_id)

    def take(email):
        service.register(user(email), db.session.get(OfflineMember, offline_id), db.session.get(Event, event_id))

    make_user("co@example.org")
    errors = run_together(app, take, ["leader@example.org", "leader@example.org"])
    assert codes(errors) in (["events.already-registered"],)
    with work(app):
        rows = db.session.scalars(select(Registration).where(Registration.user_id == person_id)).all()
        assert [r.status for r in rows] == [GOING]
        assert db.session.get(Event, event_id).going_count == 1
        assert WAITLISTED not in [r.status for r in rows]


def test_an_archived_group_takes_no_new_members_without_an_account(app, make_user, mailbox):
    slug, group_id = build_group(app, make_user)
    with work(app):
        db.session.get(Group, group_id).archived_at = utcnow()
    assert leader(app).get(f"/groups/{slug}/without-account/new").status_code == 403


def test_when_a_meeting_is_cancelled_everyone_else_is_emailed_and_she_is_skipped(app, make_user, mailbox):
    from community.events import service as events

    slug, group_id = build_group(app, make_user)
    event_id = make_event(app, group_id)
    offline_id, person_id = add_one(app, group_id)
    with work(app):
        event = db.session.get(Event, event_id)
        service.register(user("leader@example.org"), db.session.get(OfflineMember, offline_id), event)
        registration.register(user("member1@example.org"), event)
    with app.test_request_context(), work(app):
        events.cancel_event(user("leader@example.org"), db.session.get(Event, event_id), "Заболела ведущая")
    with work(app):
        recipients = db.session.scalars(select(OutboxMessage.recipient)).all()
        assert "member1@example.org" in recipients and None not in recipients
        assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == person_id)) == 0


def _linking_world(app, make_user):
    """Галина came to a held meeting and is registered for a coming one, and was helped; now
    she has signed up as galina@example.org and joined the group."""
    slug, group_id = build_group(app, make_user)
    held_id, coming_id = make_event(app, group_id), make_event(app, group_id, capacity=1)
    offline_id, person_id = add_one(app, group_id)
    make_user("galina@example.org", name="Галина")
    with work(app):
        from community.groups import service as groups

        group = db.session.get(Group, group_id)
        offline = db.session.get(OfflineMember, offline_id)
        service.register(user("leader@example.org"), offline, db.session.get(Event, held_id))
        service.register(user("leader@example.org"), offline, db.session.get(Event, coming_id))
        registration.register(user("member1@example.org"), db.session.get(Event, coming_id))  # waits
        held = db.session.get(Event, held_id)
        held.starts_at = utcnow().replace(microsecond=0) - timedelta(days=2)
        held.ends_at = held.starts_at + timedelta(hours=2)
        groups.join_group(user("galina@example.org"), group)
    with work(app):
        registration.mark_attendance(user("leader@example.org"), db.session.get(Event, held_id), [person_id])
        help_service_record(app, group_id, helper="member2@example.org", helped_id=person_id)
    return slug, group_id, offline_id, person_id, held_id, coming_id


def help_service_record(app, group_id, helper, helped_id):
    from community.mutual_help import service as help_service

    help_service.record_offline_help(
        user("leader@example.org"),
        db.session.get(Group, group_id),
        user(helper),
        db.session.get(User, helped_id),
        CATEGORY,
        utcnow(),
    )


def test_linking_moves_the_history_to_the_account_once_the_person_confirms(app, make_user, mailbox):
    slug, group_id, offline_id, person_id, held_id, coming_id = _linking_world(app, make_user)
    browser = leader(app)
    url = f"/groups/{slug}/without-account/{offline_id}/link"
    assert "Галина" in browser.get(url).get_data(as_text=True)
    with work(app):
        account_id = user("galina@example.org").id
    assert browser.submit(url, {"account_id": account_id}).status_code == 302
    mail = mailbox.to("galina@example.org")[-1]
    link = [x for x in mailbox.links(mail) if "/without-account/confirm/" in x][0]
    path = link.split("://", 1)[1].split("/", 1)[1]

    # Another member cannot use it; Галина confirms.
    other = Browser(app.test_client())
    other.login("member1@example.org")
    assert other.get("/" + path).status_code == 302
    with work(app):
        assert db.session.get(OfflineMember, offline_id) is not None
    galina = Browser(app.test_client())
    galina.login("galina@example.org")
    assert "Галина Петровна" in galina.get("/" + path).get_data(as_text=True)
    assert galina.submit("/" + path).status_code == 302
    with work(app):
        assert db.session.get(OfflineMember, offline_id) is None
        assert db.session.get(User, person_id) is None
        rows = {
            r.event_id: r for r in db.session.scalars(select(Registration).where(Registration.user_id == account_id))
        }
        assert rows[held_id].attended is True and rows[coming_id].status == GOING
        assert db.session.scalar(select(func.count(HelpRequest.id)).where(HelpRequest.author_id == account_id)) == 1
        memberships = db.session.scalars(select(Membership).where(Membership.group_id == group_id)).all()
        assert account_id in [m.user_id for m in memberships] and person_id not in [m.user_id for m in memberships]
        assert db.session.get(Group, group_id).member_count == 5  # leader, three members, Галина (once)
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "offline.link")).actor_id == account_id
    # The link works once.
    assert galina.get("/" + path).status_code == 302


def test_a_place_held_twice_is_given_up_once_and_the_waiting_list_moves(app, make_user, mailbox):
    slug, group_id, offline_id, person_id, held_id, coming_id = _linking_world(app, make_user)
    with work(app):
        account = user("galina@example.org")
        offline = db.session.get(OfflineMember, offline_id)
        service.request_link(user("leader@example.org"), offline, account)
    with work(app):
        # She also took the waiting list herself for the coming meeting.
        registration.register(user("galina@example.org"), db.session.get(Event, coming_id))
    with work(app):
        service.confirm_link(user("galina@example.org"), db.session.get(OfflineMember, offline_id))
    with work(app):
        statuses = dict(
            db.session.execute(
                select(Registration.user_id, Registration.status).where(Registration.event_id == coming_id)
            ).all()
        )
        assert statuses[user("member1@example.org").id] == GOING  # promoted from the waiting list
        assert statuses[user("galina@example.org").id] == WAITLISTED
        assert db.session.get(Event, coming_id).going_count == 1


def test_only_a_member_with_an_account_can_be_chosen(app, make_user, mailbox):
    slug, group_id, offline_id, *_ = _linking_world(app, make_user)
    browser = leader(app)
    url = f"/groups/{slug}/without-account/{offline_id}/link"
    with work(app):
        outsider = user("outsider@example.org").id
    page = browser.submit(url, {"account_id": outsider}).get_data(as_text=True)
    assert 'aria-invalid="true"' in page
    page = browser.submit(url, {"account_id": ""}).get_data(as_text=True)
    assert "Please choose." in page
    with work(app):
        assert db.session.get(OfflineMember, offline_id).link_user_id is None
