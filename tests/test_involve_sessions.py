"""An opportunity's sessions can be corrected and removed while nobody has taken part yet;
the applicants and the organisation's claims are paged."""

from datetime import timedelta

from sqlalchemy import select

from community.audit import AuditEvent
from community.extensions import db
from community.involve import sessions
from community.involve.models import OpportunitySession
from community.models import utcnow
from tests.conftest import Browser, work
from tests.involve_helpers import (
    SPECIALIST_EMAIL,
    accept,
    apply,
    build_world,
    held_session,
    make_opportunity,
    parent,
    user,
)


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def planned_session(app, opportunity_id, days_ahead=10):
    with work(app):
        from community.involve.models import Opportunity

        opportunity = db.session.get(Opportunity, opportunity_id)
        starts = utcnow().replace(microsecond=0, second=0) + timedelta(days=days_ahead)
        return sessions.add_session(
            user(SPECIALIST_EMAIL), opportunity, "Встреча совета", starts, starts + timedelta(hours=2), "Казань"
        ).id


def session_form(**overrides):
    day = (utcnow() + timedelta(days=20)).date()
    return {
        "title": "Вторая встреча",
        "starts_date": day.isoformat(),
        "starts_time": "18:30",
        "ends_time": "20:00",
        "place": "Онлайн",
    } | overrides


def test_a_planned_session_is_moved_and_the_change_audited(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    session_id = planned_session(app, opportunity_id)
    specialist = signed_in(app, SPECIALIST_EMAIL)
    page = specialist.get(f"/involve/{opportunity_id}/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="Встреча совета"' in page and 'value="Казань"' in page
    response = specialist.submit(f"/involve/{opportunity_id}/sessions/{session_id}/edit", session_form())
    assert response.status_code == 302
    with work(app):
        session = db.session.get(OpportunitySession, session_id)
        assert (session.title, session.place) == ("Вторая встреча", "Онлайн")
        assert session.ends_at - session.starts_at == timedelta(minutes=90)
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "involve.edit_session"))
        assert audit is not None and "starts_at" in audit.detail["changed"]
    assert "Вторая встреча" in specialist.get(f"/involve/{opportunity_id}").get_data(as_text=True)


def test_a_bad_session_edit_is_answered_and_keeps_what_was_typed(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    session_id = planned_session(app, opportunity_id)
    specialist = signed_in(app, SPECIALIST_EMAIL)
    response = specialist.submit(
        f"/involve/{opportunity_id}/sessions/{session_id}/edit",
        session_form(title="Новое название", starts_time="20:00", ends_time="19:00"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="ends_time-error"' in page and 'value="Новое название"' in page
    with work(app):
        assert db.session.get(OpportunitySession, session_id).title == "Встреча совета"


def test_a_session_people_took_part_in_stays(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    accept(app, apply(app, opportunity_id, parent(1)))
    session_id = held_session(app, opportunity_id, took_part=[parent(1)])
    specialist = signed_in(app, SPECIALIST_EMAIL)
    # It cannot move into the future, nor be removed.
    response = specialist.submit(f"/involve/{opportunity_id}/sessions/{session_id}/edit", session_form())
    assert response.status_code == 200 and 'id="starts_date-error"' in response.get_data(as_text=True)
    page = specialist.get(f"/involve/{opportunity_id}/sessions/{session_id}/edit").get_data(as_text=True)
    assert f"/sessions/{session_id}/remove" not in page
    specialist.submit(f"/involve/{opportunity_id}/sessions/{session_id}/remove")
    with work(app):
        assert db.session.get(OpportunitySession, session_id) is not None
    # Its title can still be corrected.
    day = (utcnow() - timedelta(days=1)).date().isoformat()
    response = specialist.submit(
        f"/involve/{opportunity_id}/sessions/{session_id}/edit",
        session_form(title="Первая встреча совета", starts_date=day, starts_time="10:00", ends_time="12:00"),
    )
    assert response.status_code == 302


def test_a_planned_session_is_removed_after_confirming(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    session_id = planned_session(app, opportunity_id)
    specialist = signed_in(app, SPECIALIST_EMAIL)
    confirm = specialist.get(f"/involve/{opportunity_id}/sessions/{session_id}/remove").get_data(as_text=True)
    assert "Встреча совета" in confirm
    with work(app):
        assert db.session.get(OpportunitySession, session_id) is not None
    assert specialist.submit(f"/involve/{opportunity_id}/sessions/{session_id}/remove").status_code == 302
    with work(app):
        assert db.session.get(OpportunitySession, session_id) is None
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "involve.remove_session"))


def test_applicants_are_paged_with_the_waiting_ones_first(app, make_user):
    build_world(app, make_user, parents=33)
    opportunity_id = make_opportunity(app, places=40)
    ids = [apply(app, opportunity_id, parent(n)) for n in range(1, 34)]
    for application_id in ids[:3]:
        accept(app, application_id)
    specialist = signed_in(app, SPECIALIST_EMAIL)
    first = specialist.get(f"/involve/{opportunity_id}/applicants").get_data(as_text=True)
    second = specialist.get(f"/involve/{opportunity_id}/applicants?page=2").get_data(as_text=True)
    assert first.count("<strong>Родитель ") == 30 and second.count("<strong>Родитель ") == 3
    # The three accepted people come after the thirty waiting for an answer.
    assert all(f"<strong>Родитель {n}</strong>" in second for n in (1, 2, 3))
    assert "?page=2" in first and 'rel="next"' in first
