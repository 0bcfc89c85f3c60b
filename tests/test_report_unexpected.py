"""Question 5 of the impact report: the organisation's specialists mark items of its groups (a
suggestion, a meeting, an opportunity, a decision) as unexpected results, with a short note;
the report, its CSV and PDF list the marked items of the period; marks stay among the
organisation's specialists; bad input is answered clearly."""

import csv
import html
import io

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from community.auth import personal_data
from community.events.models import Event
from community.extensions import db
from community.report.models import UnexpectedMark
from community.voice.models import Suggestion
from tests.conftest import Browser, work
from tests.involve_helpers import ADMIN, ELSEWHERE, LEADER, OTHER_SPECIALIST, SPECIALIST_EMAIL, parent, user
from tests.report_helpers import in_period, seed, seed_items
from tests.test_report import specialist

REPORT = f"/orgs/fond/report?{in_period()}"
NOTES = {
    "event": "На пикник пришли соседи, двое спросили, как стать приёмной семьёй.",
    "decision": "После решения о субботах на встречи стали приходить папы.",
    "suggestion": "Няня на встречах привела семьи с малышами, которых мы не видели.",
    "opportunity": "Участники совета сами взялись вести такой же совет в другой службе.",
    "anonymous": "Служба передышки по выходным стала нужна соседним районам.",
}


@pytest.fixture
def items(app, make_user):
    world = seed(app, make_user, parents=6)
    return seed_items(app, world)


def mark_url(kind, item_id):
    return f"/orgs/fond/report/unexpected/{kind}/{item_id}"


def mark(browser, kind, item_id, note, page=None):
    return browser.submit(mark_url(kind, item_id), {"note": note}, page=page)


def text_of(response):
    return html.unescape(response.get_data(as_text=True))


def test_a_specialist_marks_an_item_of_each_kind_and_the_report_lists_them(app, items):
    browser = specialist(app)
    for kind in ("event", "decision", "suggestion", "opportunity"):
        form = browser.get(mark_url(kind, items[kind]))
        assert form.status_code == 200
        assert "What was unexpected about it?" in text_of(form)
        done = mark(browser, kind, items[kind], NOTES[kind])
        assert done.status_code == 302, text_of(done)[:2000]
    # Back on the item's page, the mark shows with the way to remove it.
    event_page = text_of(browser.get(f"/events/{items['event']}"))
    assert NOTES["event"] in event_page and "Remove the mark" in event_page

    page = text_of(browser.get(REPORT))
    q5 = page[page.index('id="q5"') :]
    for kind in ("event", "decision", "suggestion", "opportunity"):
        assert NOTES[kind] in q5, kind
    assert "Пикник в парке" in q5 and f'href="/events/{items["event"]}"' in q5
    assert "Встречаемся по субботам" in q5 and f"/posts/{items['decision']}" in q5
    assert f'href="/voice/{items["suggestion"]}"' in q5 and f'href="/involve/{items["opportunity"]}"' in q5
    # The level of involvement, where the item has one: the opportunity's, the done suggestion's.
    assert "services level" in q5 and "community level" in q5
    # The free-text notes are still there beside them.
    assert "Школа попросила родителей" in q5

    rows = list(csv.reader(io.StringIO(browser.get(f"/orgs/fond/report.csv?{in_period()}").get_data(as_text=True))))
    marked = {r[2]: r for r in rows if r[2].startswith("Unexpected result:")}
    assert marked["Unexpected result: meeting “Пикник в парке”"][4] == NOTES["event"]
    assert marked["Unexpected result: group decision “Встречаемся по субботам”"][1] == "all levels"
    assert any(r[4] == NOTES["opportunity"] and r[1] == "services level" for r in marked.values())
    figures = {r[2]: r[4] for r in rows}
    assert figures["Items marked as unexpected results"] == "4"


def test_only_the_items_of_the_period_are_listed(app, items):
    browser = specialist(app)
    assert mark(browser, "event", items["old_event"], "Давно было, но неожиданно.").status_code == 302
    assert "Давно было, но неожиданно." not in text_of(browser.get(REPORT))


def test_unmarking_asks_first_and_takes_the_item_out_of_the_report(app, items):
    browser = specialist(app)
    mark(browser, "event", items["event"], NOTES["event"])
    unmark = f"{mark_url('event', items['event'])}/unmark"
    confirm = browser.get(unmark)
    assert confirm.status_code == 200
    assert "Remove the mark “unexpected result” from “Пикник в парке”?" in text_of(confirm)
    with work(app):
        assert db.session.scalar(select(UnexpectedMark)) is not None  # asking removed nothing
    back = f"/orgs/fond/report?{in_period()}#q5"
    done = browser.submit(f"{unmark}?next=/orgs/fond/report%3F{in_period().replace('&', '%26')}%23q5", {})
    assert done.status_code == 302 and done.headers["Location"].endswith(back)
    assert NOTES["event"] not in text_of(browser.get(REPORT))
    # Again: nothing to remove, said plainly.
    again = browser.submit(unmark, {}, follow_redirects=True)
    assert "This was not marked as an unexpected result." in text_of(again)
    # An outside address is not followed.
    mark(browser, "event", items["event"], NOTES["event"])
    away = browser.submit(f"{unmark}?next=https://evil.example/", {})
    assert away.headers["Location"].endswith(f"/events/{items['event']}")


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("", "Please say in a few words what was unexpected about it."),
        ("   ", "Please say in a few words what was unexpected about it."),
        ("Очень " * 100, "At most 500 characters."),
    ],
)
def test_a_bad_note_is_refused_clearly_and_what_was_typed_stays(app, items, note, message):
    browser = specialist(app)
    response = mark(browser, "event", items["event"], note)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    if note.strip():
        assert note.strip() in page
    with work(app):
        assert db.session.scalar(select(UnexpectedMark)) is None


@pytest.mark.parametrize(
    ("kind", "key", "message"),
    [
        ("event", None, "This item was not found: it may have been deleted."),
        ("decision", "discussion", "This item was not found: it may have been deleted."),
        ("event", "other_event", "belongs to a group your organisation does not support"),
        ("event", "draft_event", "This is still a draft: mark it once it is published."),
    ],
)
def test_an_item_that_cannot_be_marked_is_answered_clearly(app, items, kind, key, message):
    browser = specialist(app)
    item_id = items[key] if key else 999999
    for response in (browser.get(mark_url(kind, item_id)), mark(browser, kind, item_id, "Неожиданно.", REPORT)):
        assert response.status_code == 404
        assert message in text_of(response)
    unmark = browser.submit(f"{mark_url(kind, item_id)}/unmark", {}, page=REPORT)
    assert unmark.status_code == 404 and message in text_of(unmark)
    assert browser.get(f"/orgs/fond/report/unexpected/post/{items['event']}").status_code == 404
    with work(app):
        assert db.session.scalar(select(UnexpectedMark)) is None


def test_an_item_is_marked_once(app, items):
    browser = specialist(app)
    assert mark(browser, "event", items["event"], NOTES["event"]).status_code == 302
    again = browser.client.post(
        mark_url("event", items["event"]),
        data={"note": "Ещё раз.", "csrf_token": _token(browser)},
        follow_redirects=True,
    )
    assert "This is already marked as an unexpected result." in text_of(again)
    with work(app):
        assert [m.note for m in db.session.scalars(select(UnexpectedMark))] == [NOTES["event"]]
        # The database holds the rule too, and a mark points at one item of its own kind.
        organisation_id = db.session.scalar(select(UnexpectedMark.organisation_id))
        for row in (
            UnexpectedMark(organisation_id=organisation_id, kind="event", event_id=items["event"], note="x"),
            UnexpectedMark(organisation_id=organisation_id, kind="decision", event_id=items["old_event"], note="x"),
            UnexpectedMark(
                organisation_id=organisation_id,
                kind="event",
                event_id=items["old_event"],
                post_id=items["decision"],
                note="x",
            ),
            UnexpectedMark(organisation_id=organisation_id, kind="event", event_id=items["old_event"], note=""),
        ):
            db.session.add(row)
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()


def _token(browser):
    from tests.conftest import csrf_from

    return csrf_from(browser.get(REPORT).get_data(as_text=True))


def test_an_anonymous_suggestion_never_shows_its_author(app, items):
    browser = specialist(app)
    form = text_of(browser.get(mark_url("suggestion", items["anonymous"])))
    assert "Продлить службу передышки на выходные" in form and "Родитель 2" not in form
    mark(browser, "suggestion", items["anonymous"], NOTES["anonymous"])
    page = text_of(browser.get(REPORT))
    assert NOTES["anonymous"] in page and "Родитель 2" not in page
    csv_text = browser.get(f"/orgs/fond/report.csv?{in_period()}").get_data(as_text=True)
    assert NOTES["anonymous"] in csv_text and "Родитель 2" not in csv_text


def test_marks_are_seen_only_by_the_organisations_specialists_and_admins(app, items):
    mark(specialist(app), "event", items["event"], NOTES["event"])
    mark(specialist(app), "decision", items["decision"], NOTES["decision"])
    with work(app):
        from community.groups.models import Group

        slug = db.session.scalar(
            select(Group.slug).join(Event, Event.group_id == Group.id).where(Event.id == items["event"])
        )
    seen = {}
    for email in (parent(1), LEADER, OTHER_SPECIALIST, ELSEWHERE, SPECIALIST_EMAIL, ADMIN):
        browser = Browser(app.test_client())
        browser.login(email)
        pages = [browser.get(f"/events/{items['event']}"), browser.get(f"/groups/{slug}/posts/{items['decision']}")]
        text = " ".join(text_of(p) for p in pages if p.status_code == 200)
        # Nobody but the specialists and admins learns of a mark, or of marking, from an item's page.
        seen[email] = (NOTES["event"] in text or NOTES["decision"] in text, 'class="unexpected-action"' in text)
    staff = (True, True)
    nothing = (False, False)
    assert seen == {
        parent(1): nothing,
        LEADER: nothing,
        OTHER_SPECIALIST: nothing,
        ELSEWHERE: nothing,
        SPECIALIST_EMAIL: staff,
        ADMIN: staff,
    }
    # An unmarked item offers the action to the specialist only.
    browser = specialist(app)
    assert "Mark as unexpected result" in text_of(browser.get(f"/voice/{items['suggestion']}"))
    assert "Mark as unexpected result" in text_of(browser.get(f"/involve/{items['opportunity']}"))
    member = Browser(app.test_client())
    member.login(parent(1))
    assert "/report/unexpected/" not in text_of(member.get(f"/voice/{items['suggestion']}"))


def test_an_admin_can_mark_too(app, items):
    admin = Browser(app.test_client())
    admin.login(ADMIN)
    admin.submit("/auth/language", {"lang": "en", "next": "/"}, page="/")
    assert mark(admin, "opportunity", items["opportunity"], NOTES["opportunity"]).status_code == 302
    assert NOTES["opportunity"] in text_of(specialist(app).get(REPORT))


def test_deleting_the_account_that_marked_keeps_the_mark_without_its_name(app, items):
    mark(specialist(app), "event", items["event"], NOTES["event"])
    with work(app):
        data = personal_data.export(user(SPECIALIST_EMAIL))
        assert any(a["what"] == "marked an item as an unexpected result" for a in data["your_actions"])
        personal_data.erase(user(SPECIALIST_EMAIL))
        db.session.commit()
    with work(app):
        [row] = db.session.scalars(select(UnexpectedMark)).all()
        assert row.marked_by_id is None and row.note == NOTES["event"]


def test_a_mark_goes_with_its_item(app, items):
    mark(specialist(app), "suggestion", items["anonymous"], NOTES["anonymous"])
    with work(app):
        db.session.delete(db.session.get(Suggestion, items["anonymous"]))
        db.session.commit()
        assert db.session.scalar(select(UnexpectedMark)) is None
