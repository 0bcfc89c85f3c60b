"""What each health page shows, put together from the snapshots (the views stay thin).

Counts of people under 5 are shown as "fewer than 5" wherever only aggregates may be seen:
`hide_small` is true for specialists and admins, and always on the organisation's pages.
"""

import csv
import io
import json
from datetime import date
from math import ceil

from flask import render_template
from flask_babel import format_date
from markupsafe import Markup

from community.health import charts, indicators, service, texts
from community.health.verdict import STAGES
from community.i18n import gettext as _
from community.i18n import reader_locale
from community.kept import Kept

CHARTS = ("A1", "A3", "P1", "P2", "P4", "L1", "L2", "G1", "G2")


def _chart(history, key, name, hide_small):
    points = [(s.period, texts.series_value(s.values, key, hide_small), s.is_break) for s in history]
    return {
        "id": key,
        "name": name,
        "svg": charts.line_chart(points, name, share=key in texts.SHARES),
        "rows": [(format_date(s.period, "LLLL yyyy"), texts.cell(s.values, key, hide_small)) for s in history],
        "has_break": any(s.is_break for s in history),
    }


def group_page(group, access, now=None):
    """The group's health page: the latest monthly check with its explanation, what holds now,
    the charts and the monthly table. A fixed handful of queries, no indicator computed."""
    hide = access.sees_totals_only
    history = service.history(group)
    latest = history[-1] if history else None
    breaks = service.group_breaks(group)
    staff = indicators.staff_ids()  # one query for both live parts below
    live = service.live_signals(group, [(b.starts_on, b.ends_on) for b in breaks], now=now, staff=staff)
    if latest is not None:
        # What the monthly check already says is not repeated as news.
        known = {code for code, *_ in latest.explanation.get("facts", []) + latest.explanation.get("warnings", [])}
        live["severe"] = [item for item in live["severe"] if "severe_" + item[0] not in known]
        live["warnings"] = [item for item in live["warnings"] if "warn_" + item[0] not in known]
    return {
        "latest": latest,
        "history": history,
        "hide_small": hide,
        "explained": texts.explained(latest.explanation if latest else None, hide),
        "live": texts.live_explained(live, hide),
        "live_severe": bool(live["severe"]),
        "live_days": live["days"],
        "indicators": _indicators(group, history, hide) if history else "",
        "breaks": breaks,
        "mix": {
            **service.representation(group, now, staff),
            "active": (latest.values.get("I1") or {}).get("active", {}),
        }
        if latest
        else {},
    }


# The charts and monthly table depend only on the snapshots (which change when the monthly job
# runs), the language and whether small counts are hidden: each process renders them once per
# such key and keeps the HTML (a few hundred recent groups; about 25 KB each).
_indicators_html = Kept(256)
# A dashboard card's words and trend chart, by its group's latest snapshot, trend and language.
_cards = Kept(2048)


def _indicators(group, history, hide):
    key = (group.id, hide, str(reader_locale()), tuple((s.id, s.computed_at) for s in history))
    html = _indicators_html.get(key)
    if html is not None:
        return html
    names = texts.NAMES
    rendered = render_template(
        "health/_indicators.html",
        page={
            "hide_small": hide,
            "described": texts.describe(history[-1].values, hide),
            "charts": [_chart(history, key, names[key], hide) for key in CHARTS],
            "table": [
                (
                    format_date(s.period, "LLLL yyyy"),
                    texts.STAGE_LABELS[s.stage],
                    s.is_break,
                    [texts.cell(s.values, key, hide) for key in texts.TABLE_KEYS],
                )
                for s in history
            ],
            "table_heads": [(key, names[key]) for key in texts.TABLE_KEYS],
        },
    )
    return _indicators_html.put(key, Markup(rendered))  # noqa: S704 (render_template's output, escaped by Jinja)


def _trend_points(trend):
    hidden = texts.T["min_denominator"]
    return [(period, charts.HIDDEN if 0 < active < hidden else active, is_break) for period, active, is_break in trend]


def dashboard(organisation, stage=None, sort="stage", page=1):
    """The organisation dashboard: counts per stage first, then one page of group cards."""
    counts = service.stage_counts(organisation)
    total = counts.get(stage, 0) if stage else sum(counts.values())
    pages = max(1, ceil(total / service.PAGE_SIZE))
    page = min(max(1, page), pages)
    rows, trends = service.dashboard_page(organisation, stage, sort, page)
    locale = str(reader_locale())
    cards = []
    for row in rows:
        trend = tuple(trends.get(row.id, ()))
        explanation = json.dumps(row.explanation, sort_keys=True)
        key = (row.id, row.period, row.computed_at, row.stage, row.members, explanation, locale, trend)
        words = _cards.get(key) or _cards.put(key, _card_words(row, trend))
        cards.append({"row": row, **words})
    return {
        "counts": [(s, counts.get(s, 0)) for s in STAGES],
        "no_data": counts.get(None, 0),
        "total": sum(counts.values()),
        "cards": cards,
        "page": page,
        "pages": pages,
    }


def _card_words(row, trend):
    return {
        "explained": texts.explained(row.explanation, hide_small=True),
        "chart": charts.line_chart(_trend_points(trend), _("Active families"), share=False),
        "members": texts.small(row.members, True) if row.stage else None,
    }


def _safe(value):
    """Spreadsheet-safe text: a cell starting with = + - @ would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_SHARES = ("A3", "P1", "P2", "P4", "L1", "G1", "G2")


def csv_header():
    names = texts.NAMES
    header = [_("Group"), _("Month"), _("Stage"), _("Members"), names["A1"], _("Months with a meeting, of the last 3")]
    for key in CSV_SHARES:
        header += [
            _("%(name)s, %%", name=names[key]),
            _("%(name)s: how many", name=names[key]),
            _("%(name)s: out of", name=names[key]),
        ]
    header += [
        _("Helpers who gave half of the help"),
        names["L2"],
        _("Moved up a level"),
        _("Moved down a level"),
    ]
    return [str(title) for title in header]


def csv_row(name, period, stage, v, hide_small):
    small = texts.small
    row = [_safe(name), period.isoformat(), str(texts.STAGE_LABELS.get(stage, stage)), small(v["members"], hide_small)]
    row += [small(v["A1"], hide_small), v.get("A2", [0, 3])[0]]
    for key in CSV_SHARES:
        numerator, denominator = texts._total(v, key)
        people = key not in ("P1", "L1")
        hidden = hide_small and people and 0 < denominator < texts.T["min_denominator"]
        share = texts.percent([numerator, denominator])
        row += [
            "" if share is None or hidden else share,
            small(numerator, hide_small) if people else numerator,
            small(denominator, hide_small) if people else denominator,
        ]
    row += [
        small(v["P3"][0], hide_small),
        small(v["L2"], hide_small),
        small(v["L3"][0], hide_small),
        small(v["L3"][1], hide_small),
    ]
    return row


def csv_lines(read_rows, hide_small):
    """The CSV as a stream of text: a header in the reader's language, then one line per group
    and month. Everything that needs the reader's language is looked up now; the rows are read
    (`read_rows()`, in batches) only while the response streams, after the request's own
    transaction has ended."""
    header = csv_header()
    stages = {key: str(label) for key, label in texts.STAGE_LABELS.items()}
    csv_row("", date.today(), "forming", EMPTY_VALUES, hide_small)  # translations warm: "fewer than 5"

    def lines():
        out = io.StringIO()
        writer = csv.writer(out)

        def flush():
            text = out.getvalue()
            out.seek(0)
            out.truncate()
            return text

        writer.writerow(header)
        yield flush()
        for n, (name, period, stage, values) in enumerate(read_rows(), start=1):
            writer.writerow(csv_row(name, period, stages.get(stage, stage), values, hide_small))
            if n % 200 == 0:
                yield flush()
        yield flush()

    return lines()


EMPTY_VALUES = {
    "members": 1,
    "A1": 1,
    "A2": [0, 3],
    "A3": [0, 0],
    "P1": [0, 0],
    "P2": [0, 0],
    "P3": [0, 0, 0],
    "P4": [0, 0],
    "L1": {"meetings": [0, 0]},
    "L2": 0,
    "L3": [0, 0],
    "G1": [0, 0],
    "G2": [0, 0],
}
