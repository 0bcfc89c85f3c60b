"""The impact report: the five questions with their figures, the small-count rule, the period,
the CSV, the PDF and the unplanned results."""

import csv
import html
import io
from datetime import date

import pytest
from sqlalchemy import select

from community.extensions import db
from community.orgs.models import Organisation
from community.report import export
from community.report.models import UnexpectedMark, UnplannedResult
from community.report.service import PeriodError, default_period, parse_period
from tests.conftest import Browser, work
from tests.involve_helpers import SPECIALIST_EMAIL
from tests.report_helpers import in_period, seed, seed_items

QUESTIONS_EN = (
    "What results did we expect from involving families?",
    "What actually changed in the project, the service or the organisation as a whole thanks to involvement?",
    "How did families feel while taking part?",
    "What changes (social results) did families' involvement bring to the project or service?",
    "What unplanned results, beyond the aims of the project or service, did involvement bring?",
)


def specialist(app, lang="en"):
    """The foundation's specialist, signed in, reading in `lang` (their setting wins over ?lang=)."""
    browser = Browser(app.test_client())
    browser.login(SPECIALIST_EMAIL)
    if lang == "en":
        browser.submit("/auth/language", {"lang": "en", "next": "/"}, page="/")
    return browser


def test_the_default_period_is_the_last_twelve_complete_months():
    period = default_period(date(2026, 1, 15))
    assert (period.first, period.last) == (date(2025, 1, 1), date(2025, 12, 1))
    period = default_period(date(2026, 7, 1))
    assert (period.first, period.last) == (date(2025, 7, 1), date(2026, 6, 1))
    assert len(period.months) == 12


@pytest.mark.parametrize(
    ("raw_from", "raw_to", "reason"),
    [
        ("2025-13", "2025-12", "format"),
        ("abc", "", "format"),
        ("2025-1", "2025-12", "format"),
        ("2025-06", "2025-01", "order"),
        ("2099-01", "2099-02", "future"),
        ("2010-01", "2025-12", "long"),
    ],
)
def test_a_bad_period_is_refused_with_its_reason(raw_from, raw_to, reason):
    with pytest.raises(PeriodError) as error:
        parse_period(raw_from, raw_to, today=date(2026, 3, 1))
    assert error.value.args[0] == reason


def test_a_period_of_one_side_takes_the_other_from_the_default():
    period = parse_period("", "2025-06", today=date(2026, 3, 1))
    assert (period.first, period.last) == (date(2024, 7, 1), date(2025, 6, 1))


def test_the_report_answers_the_five_questions_with_figures(app, make_user):
    seed(app, make_user, parents=6)
    page = specialist(app).get(f"/orgs/fond/report?{in_period()}")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    for question in QUESTIONS_EN:
        assert question in text
    assert "Родительский совет 0" in text  # the purpose's opportunity
    assert "детская комната" in text  # what changed
    assert "Школа попросила родителей" in text  # unplanned
    assert "<svg" in text and "Groups by stage, month by month" in text


def test_counts_of_fewer_than_five_people_are_hidden(app, make_user):
    seed(app, make_user, parents=3)
    browser = specialist(app)
    text = browser.get(f"/orgs/fond/report?{in_period()}").get_data(as_text=True)
    assert "fewer than 5" in text
    rows = list(
        csv.reader(
            io.StringIO(browser.get(f"/orgs/fond/report.csv?{in_period()}").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    people = [
        r for r in rows if r[2] in ("Parents chosen to take part", "Families who asked for help", "Survey answers")
    ]
    assert people and all(r[4] in ("fewer than 5", "0") for r in people)
    # A survey with 3 answers shows no share.
    assert not [r for r in rows if "answered 4 or 5" in r[2]]


def test_the_csv_holds_every_figure(app, make_user):
    seed(app, make_user, parents=6)
    response = specialist(app).get(f"/orgs/fond/report.csv?{in_period()}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Question", "Level", "Measure", "Period", "Value"]
    by_measure = {(r[1], r[2]): r[4] for r in rows[1:]}
    assert by_measure[("community level", "Suggestions done")] == "1"  # things: not people
    assert by_measure[("services level", "Parents chosen to take part")] == "6"
    assert by_measure[("all levels", "Parents who helped another family")] == "6"
    assert by_measure[("all levels", "Unplanned results noted")] == "1"
    assert {r[0] for r in rows[1:]} == set(QUESTIONS_EN)


def test_a_bad_period_is_answered_clearly(app, make_user):
    seed(app, make_user)
    browser = specialist(app)
    page = browser.get("/orgs/fond/report?from=2025-13&to=x")
    assert page.status_code == 400
    assert "Please give the months as YYYY-MM" in page.get_data(as_text=True)
    assert browser.get("/orgs/fond/report?from=2025-06&to=2025-01").status_code == 400
    assert browser.get("/orgs/fond/report.csv?from=nonsense").status_code == 400
    assert browser.get("/orgs/fond/report.pdf?from=2025-06&to=2025-01").status_code == 400


def test_a_specialist_notes_an_unplanned_result_and_removes_it(app, make_user):
    seed(app, make_user)
    browser = specialist(app)
    url = f"/orgs/fond/report?{in_period()}"
    empty = browser.submit(f"/orgs/fond/report/unplanned?{in_period()}", {"happened_on": "", "text": ""}, page=url)
    assert empty.status_code == 400
    assert "Please choose a date." in empty.get_data(as_text=True)
    future = browser.submit(
        f"/orgs/fond/report/unplanned?{in_period()}",
        {"happened_on": "2999-01-01", "text": "Соседи стали помогать семьям сами."},
        page=url,
    )
    assert future.status_code == 400
    assert "Соседи стали помогать семьям сами." in future.get_data(as_text=True)  # kept what was typed
    day = default_period().months[5]
    done = browser.submit(
        f"/orgs/fond/report/unplanned?{in_period()}",
        {"happened_on": day.isoformat(), "text": "Соседи стали помогать семьям сами."},
        page=url,
    )
    assert done.status_code == 302
    assert "Соседи стали помогать семьям сами." in browser.get(url).get_data(as_text=True)
    with work(app):
        note = db.session.query(UnplannedResult).filter_by(text="Соседи стали помогать семьям сами.").one()
        note_id = note.id
    assert browser.submit(f"/orgs/fond/report/unplanned/{note_id}/delete", {}, page=url).status_code == 302
    assert "Соседи стали помогать семьям сами." not in browser.get(url).get_data(as_text=True)
    assert browser.submit("/orgs/fond/report/unplanned/999999/delete", {}, page=url).status_code == 404


@pytest.mark.skipif(export.pdf_problem() is not None, reason="WeasyPrint or Pango missing")
def test_the_pdf_holds_the_five_questions_and_their_figures_in_russian(app, make_user):
    from pypdf import PdfReader

    world = seed(app, make_user, parents=6)
    items = seed_items(app, world)
    with work(app):
        organisation_id = db.session.scalar(select(Organisation.id).where(Organisation.slug == "fond"))
        db.session.add(
            UnexpectedMark(
                organisation_id=organisation_id,
                kind="event",
                event_id=items["event"],
                note="На пикник пришли соседи, двое спросили, как стать приёмной семьёй.",
            )
        )
        db.session.commit()
    response = specialist(app, "ru").get(f"/orgs/fond/report.pdf?{in_period()}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    for question in (
        "Каковы ожидаемые результаты вовлечения?",
        "Каковы фактические изменения, которые произошли в проекте, услуге или организации в целом благодаря вовлечению?",
        "Как благополучатели ощущали себя в процессе вовлечения?",
        "К каким изменениям (социальным результатам) проекта или услуги привело вовлечение благополучателей?",
        "К каким незапланированным результатам, выходящим за пределы целей проекта или услуги, привело вовлечение?",
    ):
        assert question in flat, question
    assert "Родительский совет 0" in flat
    assert "детская комната" in flat
    assert "Школа попросила родителей" in flat
    assert "Родители, которые помогли другой семье 6" in flat
    # Question 5 lists the items marked as unexpected results, with the note.
    assert "Отмечены как неожиданные результаты" in flat
    assert "Пикник в парке" in flat
    assert "На пикник пришли соседи, двое спросили, как стать приёмной семьёй." in flat
