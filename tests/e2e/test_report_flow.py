"""The impact report in a real browser, in Russian on a 360-px phone and in English on a
1280-px screen, with axe: a specialist opens the year's report, sees the five questions with
their figures and charts, is told clearly about a bad period, notes an unplanned result, and
downloads the CSV and the PDF; the print layout hides the tools. A specialist marks a meeting as
an unexpected result and finds it under question 5."""

import re
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from community.report import export
from community.report.service import QUESTIONS, default_period
from tests.e2e.helpers import assert_accessible, screens
from tests.involve_helpers import SPECIALIST_EMAIL
from tests.report_helpers import in_period, seed, seed_items

NOTE = "Соседи по дому стали сами предлагать помощь приёмным семьям."


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_a_specialist_reads_prints_and_downloads_the_impact_report(live_server, page, make_user, locale, width):
    app = live_server.app
    seed(app, make_user, parents=6)
    with ExitStack() as contexts:
        t, open_screen = screens(live_server, page, contexts, locale, width)
        specialist = open_screen(SPECIALIST_EMAIL)
        specialist.goto("/orgs/fond/report")
        assert_accessible(specialist)
        for number in QUESTIONS:
            expect(specialist.locator(f"#q{number}-title")).to_be_visible()
        expect(specialist.locator("#q1-title")).to_contain_text(
            t("What results did we expect from involving families?")
        )
        expect(specialist.locator("#q5-title")).to_contain_text(
            t("What unplanned results, beyond the aims of the project or service, did involvement bring?")
        )
        expect(
            specialist.get_by_text("Во время встреч теперь работает детская комната с волонтёром.").first
        ).to_be_visible()
        expect(specialist.locator("svg.chart").first).to_be_visible()

        # A period that ends before it starts is answered clearly, and the default report stays.
        specialist.goto("/orgs/fond/report?from=2025-06&to=2025-01")
        expect(specialist.get_by_text(t("The period ends before it starts: please swap the months."))).to_be_visible()

        # The specialist notes an unplanned result in the period.
        specialist.goto(f"/orgs/fond/report?{in_period()}")
        day = default_period().months[4]
        specialist.get_by_label(t("When did you notice it?")).fill(day.isoformat())
        specialist.get_by_label(t("What happened that nobody planned for?")).fill(NOTE)
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Add to the report")).click()
        expect(
            specialist.get_by_text(t("The unplanned result is noted; it shows in every report that covers its date."))
        ).to_be_visible()
        expect(specialist.locator("#q5").get_by_text(NOTE)).to_be_visible()

        # The print layout: the report without the tools.
        specialist.emulate_media(media="print")
        expect(specialist.get_by_role("button", name=t("Add to the report"))).to_be_hidden()
        expect(specialist.locator("#q5").get_by_text(NOTE)).to_be_visible()
        specialist.emulate_media(media="screen")

        with specialist.expect_download() as download:
            specialist.get_by_role("button", name=t("Figures as CSV")).click()
        assert download.value.suggested_filename.endswith(".csv")
        if export.pdf_problem() is None:
            with specialist.expect_download() as download:
                specialist.get_by_role("button", name=t("Download as PDF")).click()
            assert download.value.suggested_filename.endswith(".pdf")


UNEXPECTED = "На пикник пришли соседи; двое спросили, как стать приёмной семьёй."


@pytest.mark.parametrize("locale, width", [("ru", 360), ("en", 1280)])
def test_a_specialist_marks_a_meeting_as_an_unexpected_result(live_server, page, make_user, locale, width):
    app = live_server.app
    world = seed(app, make_user, parents=6)
    items = seed_items(app, world)
    with ExitStack() as contexts:
        t, open_screen = screens(live_server, page, contexts, locale, width)
        specialist = open_screen(SPECIALIST_EMAIL)
        specialist.goto(f"/events/{items['event']}")
        assert_accessible(specialist)
        specialist.get_by_role("link", name=t("Mark as unexpected result")).click()
        expect(specialist.get_by_role("heading", name=t("Mark as an unexpected result"))).to_be_visible()
        expect(specialist.get_by_role("link", name="Пикник в парке")).to_be_visible()
        assert_accessible(specialist)

        # Without a note it is refused, and said why.
        specialist.get_by_role("button", name=t("Mark as an unexpected result")).click()
        expect(specialist.get_by_text(t("Please say in a few words what was unexpected about it."))).to_be_visible()
        assert_accessible(specialist)
        specialist.get_by_label(t("What was unexpected about it?")).fill(UNEXPECTED)
        specialist.get_by_role("button", name=t("Mark as an unexpected result")).click()
        expect(
            specialist.get_by_text(t("Marked as an unexpected result: it shows under question 5 of the impact report."))
        ).to_be_visible()
        expect(specialist.locator(".unexpected-action").get_by_text(UNEXPECTED)).to_be_visible()
        assert_accessible(specialist)

        # Under question 5 of the report: the meeting, linked, with the note.
        specialist.get_by_role("link", name=t("See it in the impact report")).click()
        expect(specialist).to_have_url(re.compile(r"/orgs/fond/report#q5$"))
        q5 = specialist.locator("#q5")
        expect(q5.get_by_role("heading", name=t("Marked as unexpected results"))).to_be_visible()
        expect(q5.get_by_role("link", name="Пикник в парке", exact=True)).to_be_visible()
        expect(q5.get_by_text(UNEXPECTED)).to_be_visible()
        assert_accessible(specialist)

        # Removing the mark asks first, then the meeting leaves the report.
        q5.get_by_role("link", name=t("Remove the mark")).click()
        expect(
            specialist.get_by_role(
                "heading", name=t("Remove the mark “unexpected result” from “%(title)s”?", title="Пикник в парке")
            )
        ).to_be_visible()
        assert_accessible(specialist)
        specialist.get_by_role("button", name=t("Remove the mark")).click()
        expect(
            specialist.get_by_text(t("The mark is removed: it no longer shows in the impact report."))
        ).to_be_visible()
        expect(specialist.locator("#q5").get_by_text(UNEXPECTED)).to_have_count(0)
