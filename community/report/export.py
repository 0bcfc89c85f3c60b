"""The report as rows of figures (the CSV) and as a PDF made on the server with WeasyPrint.

WeasyPrint needs Debian's Pango (libpango-1.0-0, libpangoft2-1.0-0) and a font with Cyrillic
(fonts-dejavu-core); without them the PDF is off and the page says why."""

import csv
import io
from datetime import datetime
from functools import cache

from flask_babel import format_date

from community.health.texts import STAGE_LABELS
from community.i18n import gettext as _
from community.involve.forms import LEVEL_SHORT
from community.report.forms import KIND_LABELS
from community.report.service import ALL, QUESTIONS, SMALL, STAGE_ORDER


def shown(value, kind="count"):
    """A figure as the reader sees it: people counted 1–4 read "fewer than 5"."""
    if value is None:
        return "—"
    if kind == "count" and 0 < value < SMALL:
        return _("fewer than 5")
    if kind == "share":
        return _("%(value)d %%", value=value)
    if kind == "money":
        return f"{value:,}".replace(",", "\u00a0")
    return str(value)


def level_label(level):
    return _("all levels") if level == ALL else str(LEVEL_SHORT[level])


def rows(report):
    """Every figure of the report: (question, level, measure, period, value); then each item
    marked as an unexpected result, with its day as the period and the note as the value."""
    period = report.period.label
    out = []
    for figure in report.figures:
        value = shown(figure.value, figure.kind)
        if figure.kind == "money":
            value = str(figure.value)
        out.append((str(QUESTIONS[figure.question]), level_label(figure.level), figure.measure, period, value))
    q3, q4 = str(QUESTIONS[3]), str(QUESTIONS[4])
    for survey, answers, share in report.surveys:
        month = f"{survey.created_at:%Y-%m}"
        measure = _("Survey “%(title)s”, round %(round)d", title=survey.title, round=survey.round_no)
        out.append((q3, level_label(ALL), measure + " · " + _("answers"), month, shown(answers)))
        if share is not None:
            out.append((q3, level_label(ALL), measure + " · " + _("answered 4 or 5, %"), month, str(share)))
    for month, counts in report.stages:
        for stage in STAGE_ORDER:
            out.append(
                (
                    q4,
                    level_label(ALL),
                    _("Groups: %(stage)s", stage=STAGE_LABELS[stage]),
                    f"{month:%Y-%m}",
                    str(counts.get(stage, 0)),
                )
            )
    for month, asked, answered in report.help_months:
        out.append((q4, level_label(ALL), _("Requests for help"), f"{month:%Y-%m}", str(asked)))
        out.append((q4, level_label(ALL), _("Requests answered by another parent"), f"{month:%Y-%m}", str(answered)))
    q5 = str(QUESTIONS[5])
    for marked in report.unexpected:
        measure = _(
            "Unexpected result: %(kind)s “%(title)s”", kind=str(KIND_LABELS[marked.kind]).lower(), title=marked.title
        )
        day = marked.day.date() if isinstance(marked.day, datetime) else marked.day
        out.append((q5, level_label(marked.level or ALL), measure, day.isoformat(), marked.mark.note))
    return out


def _safe(text):
    """Spreadsheet-safe text: a cell starting with = + - @ would run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_text(report):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Question"), _("Level"), _("Measure"), _("Period"), _("Value")])
    for row in rows(report):
        writer.writerow([_safe(str(cell)) for cell in row])
    return "\ufeff" + buffer.getvalue()


@cache
def pdf_problem():
    """Why the server cannot make PDFs (None when it can)."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "WeasyPrint is not installed (pip install -r requirements.txt)."
    except OSError as error:  # Pango missing
        return f"WeasyPrint cannot load Pango ({error}); install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core."
    return None


def pdf_bytes(html):
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()


def month_label(month):
    return format_date(month, "LLLL yyyy")
