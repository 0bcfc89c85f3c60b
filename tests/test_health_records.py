"""What leaders record changes the group's health: a declared break, a meeting held outside
Krug — the snapshots of the months they touch are computed again after the commit — and what
the page says holds now, between monthly checks."""

from datetime import UTC, date, datetime, time, timedelta

from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from community.events.models import ACCEPTED, GOING, PUBLISHED, Event, EventOrganiser, Registration
from community.extensions import db
from community.groups.models import Group, Membership
from community.health import service
from community.health.models import HealthSnapshot
from community.health.periods import add_months
from community.models import utcnow
from tests.conftest import Browser, work
from tests.events_helpers import build_group, user
from tests.test_health_authz import backdate


def snapshots(app, group_id):
    with app.app_context():
        return {
            s.period: s for s in db.session.scalars(select(HealthSnapshot).where(HealthSnapshot.group_id == group_id))
        }


def test_declaring_a_break_recomputes_the_months_it_covers(app, make_user):
    slug, group_id = build_group(app, make_user, members=3)
    backdate(app)
    last = service.last_complete_period()
    with work(app):
        service.take_snapshots([add_months(last, -n) for n in (2, 1, 0)], fill=0)
    assert not snapshots(app, group_id)[last].is_break

    leader = Browser(app.test_client())
    leader.login("leader@example.org")
    starts = last - timedelta(days=3)
    response = leader.submit(
        f"/groups/{slug}/health/breaks",
        {"starts_on": starts.isoformat(), "ends_on": (add_months(last, 1) - timedelta(days=1)).isoformat()},
        page=f"/groups/{slug}/health",
    )
    assert response.status_code == 302
    after = snapshots(app, group_id)
    assert after[last].is_break and after[last].raw_stage == "break"  # the job ran after the commit
    assert not after[add_months(last, -1)].is_break  # 3 days of it: not half the month


def test_an_offline_meeting_counts_only_people_who_were_members_that_day(app, make_user):
    slug, group_id = build_group(app, make_user, members=2)
    day = utcnow().date() - timedelta(days=20)
    with work(app):
        late = db.session.scalar(select(Membership).where(Membership.user_id == user("member2@example.org").id))
        late.joined_at = datetime.combine(day + timedelta(days=5), time(9), tzinfo=UTC)
        for membership in db.session.scalars(select(Membership).where(Membership.user_id != late.user_id)):
            membership.joined_at = datetime.combine(day - timedelta(days=30), time(9), tzinfo=UTC)
        db.session.commit()
        ids = {email: user(email).id for email in ("leader@example.org", "member1@example.org", "member2@example.org")}
    leader = Browser(app.test_client())
    leader.login("leader@example.org")
    url = f"/groups/{slug}/health/meetings/new"
    form = {
        "title": "Чай у Марины",
        "day": day.isoformat(),
        "attendees": [ids["member1@example.org"], ids["member2@example.org"]],
    }
    page = leader.submit(url, form, page=url)
    assert page.status_code == 200
    with work(app), force_locale("ru"):
        message = gettext("Please tick only people who were members of the group on that day.")
    assert str(escape(message)) in page.get_data(as_text=True)
    form["attendees"] = [ids["member1@example.org"]]
    assert leader.submit(url, form, page=url).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Event.offline).where(Event.group_id == group_id)) is True


def test_the_live_part_says_what_holds_now_between_monthly_checks(app, make_user):
    """A group 4 months old whose last meeting of three families was 70 days ago, and two needs
    unanswered for 8 days: the page says so now, not only at the next monthly check."""
    slug, group_id = build_group(app, make_user, members=3)
    backdate(app, days=120)
    now = utcnow()
    with work(app):
        leader = user("leader@example.org")
        starts = now - timedelta(days=70)
        event = Event(
            group_id=group_id,
            title="Встреча",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=PUBLISHED,
            created_by_id=leader.id,
            created_at=starts - timedelta(days=10),
        )
        db.session.add(event)
        db.session.flush()
        db.session.add(EventOrganiser(event_id=event.id, user_id=leader.id, status=ACCEPTED))
        for email in ("leader@example.org", "member1@example.org", "member2@example.org"):
            db.session.add(Registration(event_id=event.id, user_id=user(email).id, status=GOING, attended=True))
        from community.mutual_help.models import HelpRequest

        for n in range(2):
            db.session.add(
                HelpRequest(
                    group_id=group_id,
                    author_id=user("member3@example.org").id,
                    kind="need",
                    title=f"Просьба {n}",
                    category="advice",
                    created_at=now - timedelta(days=8),
                )
            )
        db.session.commit()
        group = db.session.get(Group, group_id)
        live = service.live_signals(group, [])
    assert [code for code, *_ in live["severe"]] == ["no_meeting", "unanswered"]
    assert live["severe"][0][1] == {"days": 70}
    member = Browser(app.test_client())
    member.login("member1@example.org")
    page = member.get(f"/groups/{slug}/health").get_data(as_text=True)
    with work(app), force_locale("ru"):
        needs = gettext("Needs attention now")
        days = gettext("No meeting for %(days)d days (declared breaks not counted).", days=70)
    assert str(escape(needs)) in page and str(escape(days)) in page


def test_a_snapshot_month_is_never_before_the_group_existed_even_in_a_backfill(app, make_user):
    slug, group_id = build_group(app, make_user, members=1)
    backdate(app, days=45)
    with work(app):
        service.backfill(months=12)
        created = db.session.get(Group, group_id).created_at
    periods = sorted(snapshots(app, group_id))
    assert periods[0] == date(created.year, created.month, 1)
    assert len(periods) <= 3
