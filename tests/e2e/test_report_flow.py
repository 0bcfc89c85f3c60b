"""The impact report in a real browser, in Russian on a 360-px phone and in English on a
1280-px screen, with axe: a specialist opens the year's report, sees the five questions with
their figures and charts, is told clearly about a bad period, notes an unplanned result, and
downloads the CSV and the PDF; the print layout hides the tools."""

from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from community.report import export
from community.report.service import QUESTIONS, default_period
from tests.e2e.helpers import assert_accessible, screens
from tests.involve_helpers import SPECIALIST_EMAIL
from tests.report_helpers import in_period, seed

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
