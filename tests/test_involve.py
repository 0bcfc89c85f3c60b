"""Opportunities to take part: publishing with open criteria, applying, choosing with a
reason the applicant reads, the waiting list, and the role held on the membership."""

from datetime import date, timedelta

from sqlalchemy import func, select

from community.audit import AuditEvent
from community.extensions import db
from community.groups.models import EngagementRole
from community.involve.models import Application, Opportunity
from tests.conftest import Browser
from tests.involve_helpers import (
    ELSEWHERE,
    LEADER,
    SPECIALIST_EMAIL,
    accept,
    apply,
    build_world,
    fields,
    make_opportunity,
    parent,
    user,
)


def form_data(**overrides):
    values = fields(**overrides)
    data = {k: v for k, v in values.items() if not isinstance(v, bool)}
    data.update({k: "y" for k, v in values.items() if v is True})
    data["cost_limit"] = "500"
    for key in ("starts_on", "ends_on", "deadline"):
        data[key] = values[key].isoformat()
    return data


def signed_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def test_a_specialist_publishes_and_parents_who_asked_are_emailed(app, make_user, mailbox):
    world = build_world(app, make_user)
    with app.app_context():
        user(parent(1)).opportunity_emails = True
        db.session.commit()
    browser = signed_in(app, SPECIALIST_EMAIL)
    response = browser.submit("/orgs/fond/involve/new", form_data())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    with app.app_context():
        opportunity = db.session.scalar(select(Opportunity))
        assert opportunity.status == "open" and opportunity.cost_limit == 50_000
        assert opportunity.group_id is None and opportunity.announced_at is not None
    subjects = [m["Subject"] for m in mailbox.to(parent(1))]
    assert len(subjects) == 1 and "Родительский совет" in subjects[0]
    assert mailbox.to(parent(2)) == []  # did not ask for these emails
    # Every parent of the supported group sees it on the home page; the group elsewhere does not.
    assert "Родительский совет" in signed_in(app, parent(2)).get("/").get_data(as_text=True)
    assert "Родительский совет" not in signed_in(app, ELSEWHERE).get("/").get_data(as_text=True)
    assert "Родительский совет" in signed_in(app, parent(3)).get(f"/groups/{world['slug']}/").get_data(as_text=True)


def test_choosing_applicants_with_a_reason_the_applicant_reads(app, make_user, mailbox):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app, places=1)
    first = apply(app, opportunity_id, parent(1))
    second = apply(app, opportunity_id, parent(2))
    third = apply(app, opportunity_id, parent(3))
    specialist = signed_in(app, SPECIALIST_EMAIL)
    page = specialist.get(f"/involve/{opportunity_id}/applicants").get_data(as_text=True)
    assert "Хочу помочь" in page and "Приёмная семья не меньше года" in page

    url = f"/involve/{opportunity_id}/applicants/{first}"
    assert specialist.submit(url, {"decision": "accept", "reason": "Ждём на первой встрече!"}).status_code == 302
    # Declining needs a reason, answered next to the field.
    url2 = f"/involve/{opportunity_id}/applicants/{second}"
    response = specialist.submit(url2, {"decision": "decline", "reason": ""})
    assert response.status_code == 200 and "field-error" in response.get_data(as_text=True)
    reason = "Сейчас ищем семьи, которые уже пользовались передышкой."
    assert specialist.submit(url2, {"decision": "decline", "reason": reason}).status_code == 302
    # The place is taken: the third person chosen goes to the waiting list.
    specialist.submit(f"/involve/{opportunity_id}/applicants/{third}", {"decision": "accept", "reason": ""})
    with app.app_context():
        statuses = {a.user.email: a.status for a in db.session.scalars(select(Application))}
        assert statuses == {parent(1): "accepted", parent(2): "declined", parent(3): "waitlisted"}
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"involve.accept", "involve.decline"} <= actions

    # The declined parent reads the reason on the page and in the email.
    page = signed_in(app, parent(2)).get(f"/involve/{opportunity_id}").get_data(as_text=True)
    assert reason in page
    [email] = mailbox.to(parent(2))
    assert reason in mailbox.text(email)

    # The accepted parent holds the role on the members list, and sees the materials.
    members = signed_in(app, LEADER).get("/groups/semi-kazani/members").get_data(as_text=True)
    assert "badge-role" in members
    accepted = signed_in(app, parent(1))
    assert "https://example.org/report" in accepted.get(f"/involve/{opportunity_id}").get_data(as_text=True)
    assert "https://example.org/report" not in signed_in(app, parent(3)).get(f"/involve/{opportunity_id}").get_data(
        as_text=True
    )

    # The accepted parent withdraws: the waiting parent is promoted, and takes over the role.
    assert accepted.submit(f"/involve/{opportunity_id}/withdraw").status_code == 302
    with app.app_context():
        statuses = {a.user.email: a.status for a in db.session.scalars(select(Application))}
        assert statuses[parent(1)] == "withdrawn" and statuses[parent(3)] == "accepted"
        holders = {r.membership.user.email for r in db.session.scalars(select(EngagementRole))}
        assert holders == {parent(3)}
        opportunity = db.session.get(Opportunity, opportunity_id)
        assert (opportunity.accepted_count, opportunity.waitlist_count) == (1, 0)
    assert any("место" in m["Subject"] for m in mailbox.to(parent(3)))


def test_a_leader_invites_the_parents_of_their_group(app, make_user):
    world = build_world(app, make_user)
    leader = signed_in(app, LEADER)
    response = leader.submit(f"/groups/{world['slug']}/involve/new", form_data(title="План года группы"))
    assert response.status_code == 302
    with app.app_context():
        opportunity = db.session.scalar(select(Opportunity))
        assert opportunity.group_id == world["group"] and opportunity.organisation_id is not None
    # A parent of the group applies; the leader decides.
    assert "План года группы" in signed_in(app, parent(1)).get(f"/groups/{world['slug']}/involve/").get_data(
        as_text=True
    )


def test_an_opportunity_that_is_not_for_you_is_not_found(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    assert signed_in(app, ELSEWHERE).get(f"/involve/{opportunity_id}").status_code == 404
    draft = make_opportunity(app, publish=False)
    assert signed_in(app, parent(1)).get(f"/involve/{draft}").status_code == 404


def test_bad_opportunity_input_is_answered_next_to_its_field(app, make_user):
    build_world(app, make_user)
    browser = signed_in(app, SPECIALIST_EMAIL)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    cases = [
        ({"criteria": ""}, "criteria"),
        ({"deadline": yesterday}, "deadline"),
        ({"places": "0"}, "places"),
        ({"places": "много"}, "places"),
        ({"cost_limit": "-5"}, "cost_limit"),
        ({"ends_on": yesterday, "starts_on": yesterday}, "ends_on"),
        ({"deadline": "2026-13-45"}, "deadline"),
        ({"level": "cosmic"}, "level"),
    ]
    for change, field in cases:
        data = {**form_data(), **change}
        response = browser.submit("/orgs/fond/involve/new", data)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (change, body[:500])
        assert f'id="{field}-error"' in body, (change, field)
        assert "Родительский совет по службе передышки" in body  # the rest of the input is kept
    with app.app_context():
        assert db.session.scalar(select(Opportunity)) is None


def test_editing_keeps_places_for_the_accepted_and_gives_new_places_to_the_waiting(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app, places=1)
    accept(app, apply(app, opportunity_id, parent(1)))
    accept(app, apply(app, opportunity_id, parent(2)))  # waiting list
    specialist = signed_in(app, SPECIALIST_EMAIL)
    url = f"/involve/{opportunity_id}/edit"
    response = specialist.submit(url, form_data(places="0"))
    assert response.status_code == 200 and 'id="places-error"' in response.get_data(as_text=True)
    later = date.today() + timedelta(days=120)
    response = specialist.submit(url, form_data(places="2", ends_on=later, role="mentor"))
    assert response.status_code == 302
    with app.app_context():
        assert {a.user.email: a.status for a in db.session.scalars(select(Application))} == {
            parent(1): "accepted",
            parent(2): "accepted",
        }
        roles = db.session.scalars(select(EngagementRole)).all()
        assert {(r.role, r.ends_on) for r in roles} == {("mentor", later)}


def test_a_role_held_through_an_opportunity_ends_with_it(app, make_user):
    world = build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    accept(app, apply(app, opportunity_id, parent(1)))
    members_url = f"/groups/{world['slug']}/members"
    assert "badge-role" in signed_in(app, LEADER).get(members_url).get_data(as_text=True)
    mine = signed_in(app, parent(1))
    page = mine.get(f"/groups/{world['slug']}/my-roles").get_data(as_text=True)
    assert f"/involve/{opportunity_id}" in page and "/end" not in page  # withdrawn there, not here
    with app.app_context():
        role = db.session.scalar(select(EngagementRole))
        role.ends_on = date.today() - timedelta(days=1)
        db.session.commit()
    assert "badge-role" not in signed_in(app, LEADER).get(members_url).get_data(as_text=True)


def test_closing_stops_applications_but_not_decisions(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    application_id = apply(app, opportunity_id, parent(1))
    specialist = signed_in(app, SPECIALIST_EMAIL)
    assert specialist.submit(f"/involve/{opportunity_id}/close").status_code == 302
    late = signed_in(app, parent(2))
    assert late.submit(f"/involve/{opportunity_id}", {"note": "Можно?"}).status_code == 302
    assert accept(app, application_id) == "accepted"
    with app.app_context():
        assert db.session.scalar(select(func.count(Application.id))) == 1


def test_a_group_without_an_organisation_cannot_promise_costs(app, make_user):
    world = build_world(app, make_user)
    elsewhere = signed_in(app, ELSEWHERE)
    response = elsewhere.submit(f"/groups/{world['other_slug']}/involve/new", form_data())
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="covers_travel-error"' in body
    data = {k: v for k, v in form_data().items() if not k.startswith("covers_")}
    assert elsewhere.submit(f"/groups/{world['other_slug']}/involve/new", data).status_code == 302


def test_the_announcement_reaches_each_parent_once(app, make_user):
    from community.involve.service import announce
    from community.notifications.models import Notification
    from tests.conftest import work

    build_world(app, make_user)
    opportunity_id = make_opportunity(app)  # announced after its commit
    with work(app):
        assert announce(opportunity_id) == 0  # a retried job tells nobody again
    with app.app_context():
        notices = db.session.scalars(select(Notification.user_id).where(Notification.kind == "involve.new")).all()
        assert len(notices) == len(set(notices)) == 4  # the leader and three parents; not the specialist


def test_every_notice_of_involvement_has_its_sentence(app):
    from community.notifications.texts import TEXTS

    kinds = {
        "involve.new", "involve.applied", "involve.withdrawn", "involve.accepted", "involve.waitlisted",
        "involve.declined", "involve.promoted", "involve.took_part",
        "claims.submitted", "claims.approved", "claims.declined", "claims.paid",
    }  # fmt: skip
    assert kinds <= set(TEXTS)


def test_my_data_holds_my_applications(app, make_user):
    build_world(app, make_user)
    opportunity_id = make_opportunity(app)
    apply(app, opportunity_id, parent(1), note="Моя заметка")
    from tests.conftest import PASSWORD

    browser = signed_in(app, parent(1))
    data = browser.submit("/auth/my-data.json", {"password": PASSWORD}, page="/auth/my-data").get_json()
    assert data["applications"][0]["your_note"] == "Моя заметка"
    assert data["cost_claims"] == [] and data["account"]["opportunity_emails"] is False


def test_the_leaders_choose_for_their_groups_own_opportunity(app, make_user):
    world = build_world(app, make_user)
    opportunity_id = make_opportunity(app, group_slug=world["slug"], by=LEADER, title="План года группы")
    application_id = apply(app, opportunity_id, parent(1))
    leader = signed_in(app, LEADER)
    assert "Хочу помочь" in leader.get(f"/involve/{opportunity_id}/applicants").get_data(as_text=True)
    url = f"/involve/{opportunity_id}/applicants/{application_id}"
    assert leader.submit(url, {"decision": "accept", "reason": ""}).status_code == 302
    assert signed_in(app, parent(2)).get(f"/involve/{opportunity_id}/applicants").status_code == 403
    assert signed_in(app, ELSEWHERE).get(f"/involve/{opportunity_id}").status_code == 404
    with app.app_context():
        assert db.session.get(Application, application_id).status == "accepted"


def test_the_group_page_shows_what_still_takes_applications(app, make_user):
    """The group page's "take part" box: its organisation's and its own open invitations, the
    group's own drafts for its leaders only; nothing closed, nothing past its deadline (a
    deadline ends at local midnight), nothing of another organisation."""
    world = build_world(app, make_user)
    make_opportunity(app, title="Открыто для всех")
    make_opportunity(app, title="Своё открытое", group_slug=world["slug"], by=LEADER)
    make_opportunity(app, publish=False, title="Свой черновик", group_slug=world["slug"], by=LEADER)
    closed = make_opportunity(app, title="Уже закрыто")
    late = make_opportunity(app, title="Срок вчера")
    long_gone = make_opportunity(app, title="Срок давно прошёл")
    specialist = signed_in(app, SPECIALIST_EMAIL)
    assert specialist.submit(f"/involve/{closed}/close").status_code == 302
    with app.app_context():
        for opportunity_id, days in ((late, 1), (long_gone, 30)):
            opportunity = db.session.get(Opportunity, opportunity_id)
            opportunity.deadline = opportunity.today() - timedelta(days=days)
        db.session.commit()

    def box(email):
        page = signed_in(app, email).get(f"/groups/{world['slug']}/").get_data(as_text=True)
        return page.split('id="involve-title"')[1].split("</section>")[0] if 'id="involve-title"' in page else ""

    seen_by_leader = box(LEADER)
    assert "Открыто для всех" in seen_by_leader and "Своё открытое" in seen_by_leader
    assert "Свой черновик" in seen_by_leader
    seen_by_parent = box(parent(1))
    assert "Открыто для всех" in seen_by_parent and "Своё открытое" in seen_by_parent
    for hidden in ("Свой черновик", "Уже закрыто", "Срок вчера", "Срок давно прошёл"):
        assert hidden not in seen_by_parent
    for hidden in ("Уже закрыто", "Срок вчера", "Срок давно прошёл"):
        assert hidden not in seen_by_leader
