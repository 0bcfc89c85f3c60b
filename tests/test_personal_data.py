"""Download my data and delete my account do what /privacy says, table by table (issue #12,
finding 6). One person, Zebra, touches every table that can hold a person's rows; the
export must show each of them, and after deletion nothing Zebra wrote or was called is left
anywhere in the database, except what /privacy says stays as a group's record."""

from datetime import date, timedelta

import pytest
from sqlalchemy import JSON, String, Text, cast, func, select

from community.audit import AuditEvent
from community.auth import personal_data
from community.auth import service as accounts
from community.auth.models import User
from community.errors import RuleError
from community.events import registration
from community.events import service as events
from community.events.models import GOING, WAITLISTED, Event, EventFeedback, Registration
from community.extensions import db
from community.groups import feed
from community.groups import service as groups
from community.groups.access import access_for
from community.groups.models import APPROVAL, Group, Membership, Post
from community.health.models import HealthBreak
from community.involve import choosing, sessions
from community.involve import service as involve
from community.involve.claims import service as claims
from community.involve.models import Opportunity
from community.messages import service as messages
from community.models import utcnow
from community.mutual_help import service as help_service
from community.mutual_help.models import HelpRequest, HelpResponse
from community.notifications.models import SENT, Notification, OutboxMessage
from community.orgs import service as orgs
from community.orgs.models import Organisation, Specialist
from tests.conftest import PASSWORD, Browser, work
from tests.events_helpers import build_group, user

ZEBRA = "zebra@example.org"
NAME = "Zebra Markerova"
WORDS = "ZEBRA-WORDS"  # in everything Zebra writes
RECORD = "GROUP-RECORD"  # in what stays as the group's record


# --- the registry is complete ------------------------------------------------------------------------


def pointing_at_people(metadata):
    """Every (table, column) that can hold a person: foreign keys to `user`, and email columns."""
    found = {("user", "id"), ("audit_event", "target_id")}
    for table in metadata.sorted_tables:
        for column in table.columns:
            if (
                any(fk.column.table.name == "user" for fk in column.foreign_keys)
                or table.name != "user"
                and (column.name == "recipient" or "email" in column.name)
            ):
                found.add((table.name, column.name))
    return found


def test_every_column_that_can_hold_a_person_is_listed(app):
    """A new table (or column) holding people's rows must say what export and deletion do with it."""
    listed = {(h.table, h.column) for h in personal_data.HOLDINGS}
    found = pointing_at_people(db.metadata)
    assert found - listed == set(), "add these to personal_data.HOLDINGS (and to /privacy)"
    assert listed - found == set(), "HOLDINGS lists columns that no longer exist"
    for holding in personal_data.HOLDINGS:
        assert holding.on_delete in (personal_data.DELETE, personal_data.ERASE_TEXT, personal_data.UNLINK)


# --- Zebra, who touched everything --------------------------------------------------------------------


@pytest.fixture
def zebra(app, make_user):
    """Zebra is a parent leader, a specialist and an admin, and has done a bit of everything."""
    slug, group_id = build_group(app, make_user, members=3)
    make_user(ZEBRA, name=NAME, is_admin=True, city="Zebraville")
    make_user("other-leader@example.org", name="Ольга")
    make_user("applicant@example.org")
    with work(app):
        z, leader = user(ZEBRA), user("leader@example.org")
        group = db.session.get(Group, group_id)
        # Zebra joins the Kazan group with a message, and becomes a co-leader.
        group.join_policy = APPROVAL
        groups.join_group(z, group, f"{WORDS} let me in")
        groups.approve_request(leader, groups.pending_requests(group)[0])
        membership = db.session.scalar(select(Membership).where(Membership.user_id == z.id))
        groups.make_leader(leader, membership)
        # ...decides a join request, offers a role, hides a post and a reply.
        groups.join_group(user("applicant@example.org"), group)
        groups.approve_request(z, groups.pending_requests(group)[0])
        member1 = db.session.scalar(select(Membership).where(Membership.user_id == user("member1@example.org").id))
        groups.offer_engagement_role(z, member1, "mentor")
        groups.offer_engagement_role(leader, membership, "critic")
        with app.test_request_context():
            access = access_for(z, group)
            mine = feed.create_post(z, group, access, "discussion", f"{WORDS} alone", f"{WORDS} body")
            answered = feed.create_post(z, group, access, "discussion", f"{WORDS} asked", f"{WORDS} body")
            decision = feed.create_post(z, group, access, "decision", f"{RECORD} decision", f"{RECORD} text")
            others = feed.create_post(leader, group, access_for(leader, group), "discussion", "Тема", "Текст")
            feed.add_comment(z, group, access, others, f"{WORDS} reply")
            feed.add_comment(leader, group, access_for(leader, group), answered, "Ответ Ольги")
            feed.add_comment(leader, group, access_for(leader, group), others, "Реплика")
            feed.hide_post(z, others)
            feed.hide_comment(z, others.comments[-1])
        # Events: created by Zebra, organised, registered (holding a place someone waits for).
        starts = utcnow().replace(microsecond=0) + timedelta(days=5)
        data = {
            "title": f"{RECORD} event",
            "description": "",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            "place": "Казань",
            "online_url": "",
            "capacity": 1,
            "travel_reimbursed": False,
            "travel_note": "",
        }
        event = events.create_event(z, group, data, publish=True)
        events.invite_organiser(z, event, user("member1@example.org").id)
        registration.register(z, event)
        registration.register(user("member2@example.org"), event)
        # A past event Zebra came to, with feedback.
        past = events.create_event(leader, group, {**data, "title": "Прошлая"}, publish=True)
        registration.register(z, past)
        past.starts_at, past.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2, hours=-2)
        db.session.flush()
        registration.submit_feedback(z, past, 5, f"{WORDS} helped", f"{WORDS} change", False)
        # Help: asked, answered, thread, preferences, hidden, recorded offline.
        asked = help_service.create_request(
            z, group, "need", f"{WORDS} need", f"{WORDS} details", "transport", "week", None, False
        )
        answer = help_service.respond(user("member1@example.org"), asked, "Могу")
        help_service.accept_helper(z, asked, answer)
        help_service.post_to_thread(z, asked, f"{WORDS} thread")
        theirs = help_service.create_request(
            user("member2@example.org"), group, "need", "Коляска", "", "things", "week", None, False
        )
        help_service.respond(z, theirs, f"{WORDS} I can")
        help_service.set_subscriptions(z, ["transport"])
        help_service.hide(z, theirs)
        help_service.record_offline_help(
            z, group, user("member1@example.org"), user("member2@example.org"), "things", utcnow()
        )
        # Messages both ways; a notice about Zebra to the leader.
        messages.send_message(z, leader, f"{WORDS} hello")
        messages.send_message(leader, z, "Привет, Зебра")
        # Organisations: Zebra the admin invites a specialist; Zebra the specialist offers support.
        org = Organisation(name="Зебра-фонд", slug="zebra-fond")
        db.session.add(org)
        db.session.flush()
        orgs.invite_specialist(z, org, "someone@example.org")
        db.session.add(Specialist(organisation_id=org.id, user_id=z.id))
        db.session.flush()
        other_group = groups.create_group(user("other-leader@example.org"), "Другой круг", "Казань", "", "", "open")
        offer = orgs.offer_support(z, org, other_group, f"{WORDS} offer")
        # Zebra, as leader, answers another organisation's offer to the Kazan group.
        fond = db.session.get(Group, group_id).organisation
        db.session.get(Group, group_id).organisation_id = None
        db.session.flush()
        offered = orgs.offer_support(user("specialist@example.org"), fond, group, "Мы рядом")
        orgs.decline_offer(z, offered, group)
        db.session.add(
            HealthBreak(
                group_id=group_id, starts_on=date.today(), ends_on=date.today(), created_by_id=z.id, reason="лето"
            )
        )
        # Involvement: the foundation supports the Kazan group again. Zebra applies to its
        # opportunity (one place; member2 waits), takes part in a session and claims travel; as a
        # leader, Zebra publishes the group's own opportunity, answers, and records a session.
        db.session.get(Group, group_id).organisation_id = fond.id
        db.session.flush()
        specialist, today = user("specialist@example.org"), date.today()
        fields = {
            "title": f"{RECORD} opportunity", "purpose": "Цель", "limits": "Границы", "level": "operational",
            "role": "consultant", "criteria": "Условия", "time_asked": "Два часа", "starts_on": today,
            "ends_on": today + timedelta(days=30), "format": "in_person", "place": "", "preparation": "Подготовка",
            "materials": "", "covers_travel": True, "covers_childcare": False, "covers_other": False,
            "cost_limit": None, "costs_note": "", "places": 1, "deadline": today + timedelta(days=5),
        }  # fmt: skip
        opportunity = involve.create_opportunity(specialist, fields, organisation=fond, publish=True)
        choosing.accept(specialist, choosing.apply(z, opportunity, f"{WORDS} note"))
        choosing.accept(specialist, choosing.apply(user("member2@example.org"), opportunity, "Хочу"))
        yesterday = utcnow().replace(microsecond=0) - timedelta(days=1)
        session = sessions.add_session(
            specialist, opportunity, "Встреча", yesterday, yesterday + timedelta(hours=2), ""
        )
        sessions.record_attendance(specialist, session, [z.id])
        claims.submit_claim(z, claims.claimable_session(z, session.id), "travel", 30000, today, f"{WORDS} claim")
        own_fields = {**fields, "title": f"{RECORD} own", "covers_travel": False}
        own = involve.create_opportunity(z, own_fields, group=db.session.get(Group, group_id), publish=True)
        choosing.accept(z, choosing.apply(user("member1@example.org"), own, "Хочу"))
        own_session = sessions.add_session(z, own, "Встреча группы", yesterday, yesterday + timedelta(hours=1), "")
        sessions.record_attendance(z, own_session, [user("member1@example.org").id])
        # You said — we did: Zebra suggests (anonymously), supports member1's suggestion, and as
        # a leader answers it; member1 supports Zebra's.
        from community.voice import access as voice_access
        from community.voice import service as voice

        with app.test_request_context():
            place = voice_access.access_for(z, group=db.session.get(Group, group_id))
            suggested = voice.make_suggestion(z, place, f"{WORDS} suggestion", f"{WORDS} why", anonymous=True)
            m1 = user("member1@example.org")
            theirs = voice.make_suggestion(m1, voice_access.access_for(m1, group=group), "Собираться по субботам", "")
            voice.support(z, place, theirs)
            voice.support(m1, voice_access.access_for(m1, group=group), suggested)
            voice.answer(z, place, theirs, "heard", "Услышали, обсудим")
        # Pulse surveys: the foundation asks the Kazan group; Zebra answers (anonymously).
        from community.surveys import service as surveys

        pulse = surveys.send_survey(
            user("specialist@example.org"),
            fond,
            "Как дела?",
            "",
            [("text", "Что добавить?", "")],
            [group_id],
            "once",
            7,
        )
        surveys.answer_survey(z, pulse, {pulse.questions[0].id: "Больше встреч"})
        # Keeping the group safe: Zebra reports a post and is reported; as a leader dismisses a
        # report; blocks someone and is blocked; says спасибо; as an admin hides a help answer
        # and a private message, and suspends an account.
        from community.safety import service as safety
        from community.safety.items import load_item
        from community.thanks import service as thanks

        with app.test_request_context():
            news = feed.create_post(leader, group, access_for(leader, group), "discussion", "Новости", "Текст")
        with app.test_request_context():
            safety.report_item(z, load_item("post", news.id), "other", f"{WORDS} report")
            thanks.thank_post(z, news)
            safety.block(z, user("member1@example.org"))
        with app.test_request_context():
            about_zebra = safety.report_item(leader, load_item("post", answered.id), "insult")
            safety.block(user("member2@example.org"), z)
        with app.test_request_context():
            safety.dismiss(z, about_zebra)
            safety.hide_item(z, load_item("help_answer", answer.id), "other")
            note = messages.send_message(leader, z, "Реклама")
            safety.hide_item(z, load_item("message", note.id), "advertising")
            safety.suspend(z, user("applicant@example.org"), "спам")
        # An audit row about Zebra with a reason.
        groups.remove_member(
            leader,
            db.session.scalar(select(Membership).where(Membership.user_id == user("member3@example.org").id)),
            "x",
        )
        return {
            "id": z.id,
            "group_id": group_id,
            "slug": slug,
            "event_id": event.id,
            "decision_id": decision.id,
            "answered_id": answered.id,
            "mine_id": mine.id,
            "asked_id": asked.id,
            "offer_id": offer.id,
            "opportunity_id": opportunity.id,
        }


def test_the_export_holds_every_table_about_the_person(app, zebra, mailbox):
    browser = Browser(app.test_client())
    browser.login(ZEBRA)
    response = browser.submit("/auth/my-data.json", {"password": PASSWORD}, page="/auth/my-data")
    assert response.mimetype == "application/json"
    data = response.get_json()
    empty = sorted({h.section for h in personal_data.HOLDINGS if not data.get(h.section)})
    assert empty == [], "sections with nothing in them although Zebra has rows there"
    text = response.get_data(as_text=True)
    for piece in (f"{WORDS} let me in", f"{WORDS} reply", f"{WORDS} thread", f"{WORDS} hello", "Привет, Зебра"):
        assert piece in text
    assert "password_hash" not in text and "calendar_token" not in text and "token" not in text.lower()


def text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                yield table, column


def where_is(marker):
    """Every (table, column) whose text still holds `marker`."""
    found = []
    for table, column in text_columns():
        hits = db.session.scalar(select(func.count()).select_from(table).where(cast(column, Text).contains(marker)))
        if hits:
            found.append(f"{table.name}.{column.name}")
    return found


def test_deleting_the_account_leaves_what_privacy_says_and_nothing_else(app, zebra, mailbox):
    browser = Browser(app.test_client())
    browser.login(ZEBRA)
    response = browser.submit("/auth/delete", {"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    with app.app_context():
        uid = zebra["id"]
        # No column anywhere points at Zebra any more, and no email to Zebra is kept but the goodbye.
        for holding in personal_data.HOLDINGS:
            table = db.metadata.tables[holding.table]
            column = table.columns[holding.column]
            if holding.column in ("recipient", "email"):
                left = db.session.scalar(select(func.count()).select_from(table).where(column == ZEBRA))
                assert left <= (1 if holding.table == "outbox_message" else 0), holding
            elif holding.table == "audit_event" and holding.column == "target_id":
                rows = db.session.scalars(
                    select(AuditEvent).where(AuditEvent.target_type == "user", AuditEvent.target_id == uid)
                ).all()
                assert all(not {"email", "reason", "old", "new"} & set(r.detail) for r in rows)
            else:
                assert db.session.scalar(select(func.count()).select_from(table).where(column == uid)) == 0, holding
        [goodbye] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == ZEBRA)).all()
        assert goodbye.subject

        # Nothing Zebra wrote, nor Zebra's name or city, is left anywhere but in copies of emails
        # sent to others, which go after 7 days like every copy...
        emails = ["outbox_message.subject", "outbox_message.text_body", "outbox_message.html_body"]
        assert set(where_is(WORDS)) <= set(emails) and set(where_is(NAME)) <= set(emails)
        assert where_is("Zebraville") == []
    with work(app):
        from community.email import purge_delivered

        purge_delivered(now=utcnow() + timedelta(days=8))
    with app.app_context():
        assert where_is(WORDS) == where_is(NAME) == []
        # ...but the group's record stays, without the name.
        decision = db.session.get(Post, zebra["decision_id"])
        assert decision.title == f"{RECORD} decision" and decision.author_id is None
        assert db.session.get(Event, zebra["event_id"]).created_by_id is None
        # A discussion nobody answered is gone; one with others' replies stays empty, replies kept.
        assert db.session.get(Post, zebra["mine_id"]) is None
        answered = db.session.get(Post, zebra["answered_id"])
        assert answered.title == "" and [c.body for c in answered.comments] == ["Ответ Ольги"]
        # Help stays in the totals without words or name.
        asked = db.session.get(HelpRequest, zebra["asked_id"])
        assert (asked.title, asked.details, asked.author_id, asked.status) == ("", "", None, "closed")
        assert db.session.scalar(select(func.count()).where(HelpResponse.helper_id.is_(None))) == 1
        assert db.session.scalar(select(EventFeedback.feeling).where(EventFeedback.user_id.is_(None))) == 5
        # Zebra's place went to the person waiting, and the counters follow the rows.
        event = db.session.get(Event, zebra["event_id"])
        statuses = db.session.scalars(select(Registration.status).where(Registration.event_id == event.id)).all()
        assert statuses == [GOING] and (event.going_count, event.waitlist_count) == (1, 0)
        assert WAITLISTED not in statuses
        # Zebra's place at the opportunity went to member2, who was waiting.
        opportunity = db.session.get(Opportunity, zebra["opportunity_id"])
        assert (opportunity.accepted_count, opportunity.waitlist_count) == (1, 0)
        # Notices others got about Zebra no longer name them.
        assert all(
            "name" not in (n.data or {}) or n.data["name"] != NAME for n in db.session.scalars(select(Notification))
        )
        assert db.session.scalar(select(func.count()).where(User.email == ZEBRA)) == 0
    # The member count of the group follows its rows.
    with app.app_context():
        group = db.session.get(Group, zebra["group_id"])
        count = db.session.scalar(
            select(func.count()).where(
                Membership.group_id == group.id, Membership.status == "active", Membership.role != "specialist"
            )
        )
        assert group.member_count == count


def test_the_only_leader_of_a_group_names_another_leader_first(app, make_user):
    slug, group_id = build_group(app, make_user)
    browser = Browser(app.test_client())
    browser.login("leader@example.org")
    page = browser.get("/auth/delete").get_data(as_text=True)
    assert f"/groups/{slug}/hand-over" in page
    refused = browser.submit("/auth/delete", {"password": PASSWORD, "confirm": "y"}, follow_redirects=True)
    assert refused.status_code == 200
    with app.app_context():
        assert user("leader@example.org") is not None
    with work(app), pytest.raises(RuleError) as error:
        accounts.delete_account(user("leader@example.org"), PASSWORD)
    assert error.value.code == "auth.last-leader"


def test_copies_of_sent_emails_are_kept_seven_days(app, make_user, mailbox):
    from community.email import purge_delivered

    with work(app):
        now = utcnow()
        for days, status in ((8, SENT), (6, SENT), (31, "failed"), (10, "failed"), (40, "pending")):
            db.session.add(
                OutboxMessage(
                    recipient="x@example.org",
                    subject=f"{status} {days}",
                    text_body="",
                    html_body="",
                    status=status,
                    created_at=now - timedelta(days=days),
                    sent_at=now - timedelta(days=days) if status == SENT else None,
                )
            )
    with work(app):
        assert purge_delivered() == 2
    with app.app_context():
        left = sorted(db.session.scalars(select(OutboxMessage.subject)))
        assert left == ["failed 10", "pending 40", "sent 6"]


def test_the_privacy_notice_names_every_kind_of_deletion(client):
    text = client.get("/privacy?lang=en").get_data(as_text=True)
    for heading in ("Deleted", "Kept without your name and without your words", "Kept as the group’s record"):
        assert heading in text
