"""The report's charts: server-rendered SVG with attributes only (strict CSP), like the health
charts; every chart has the same figures in a table beside it (the template's job)."""

from flask_babel import format_date
from markupsafe import Markup, escape

from community.assessment.charts import principle_bars  # noqa: F401  (the self-assessment gaps)
from community.health.charts import line_chart  # noqa: F401  (the survey trend)
from community.health.texts import STAGE_LABELS
from community.i18n import gettext as _

WIDTH, HEIGHT = 360, 170
LEFT, RIGHT, TOP, BOTTOM = 30, 8, 10, 44
INK, GRID = "#3d4744", "#c9d1cd"
STAGE_COLOURS = {
    "self_running": "#004d40",
    "growing": "#00897b",
    "formed": "#80cbc4",
    "forming": "#e0c27a",
    "at_risk": "#b4531b",
}
BAR_COLOURS = ("#00695c", "#b4531b")


def _svg(parts, summary, height=HEIGHT):
    # Safe: every interpolated value is a number we computed or escaped text.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{escape(summary)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _axis(months, top, x_of):
    parts = []
    every = 1 if len(months) <= 6 else 2 if len(months) <= 12 else 3
    for n, month in enumerate(months):
        if (len(months) - 1 - n) % every == 0:
            parts.append(
                f'<text x="{x_of(n):.1f}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle" font-size="10" fill="{INK}">'
                f"{escape(format_date(month, 'LLL'))}</text>"
            )
    plot_h = HEIGHT - TOP - BOTTOM
    for value in (0, top // 2, top):
        y = TOP + plot_h - value / top * plot_h
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10" fill="{INK}">{value}</text>'
        )
    return parts


def _top(values):
    top = max([4, *values])
    return top if top % 2 == 0 else top + 1


def stage_bars(stages):
    """`stages`: [(month, {stage: groups})]: one stacked bar of groups per month."""
    if not any(counts for _m, counts in stages):
        return Markup("")
    months = [m for m, _c in stages]
    top = _top([sum(c.values()) for _m, c in stages])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(months)

    def x_of(n):
        return LEFT + slot * (n + 0.5)

    parts = _axis(months, top, x_of)
    for n, (_month, counts) in enumerate(stages):
        base = TOP + plot_h
        for stage in reversed(tuple(STAGE_COLOURS)):
            value = counts.get(stage, 0)
            if not value:
                continue
            h = value / top * plot_h
            base -= h
            parts.append(
                f'<rect x="{x_of(n) - slot * 0.35:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{STAGE_COLOURS[stage]}"><title>{escape(STAGE_LABELS[stage])}: {value}</title></rect>'
            )
    # The legend, under the months.
    x = 4
    for stage, colour in STAGE_COLOURS.items():
        label = str(STAGE_LABELS[stage])
        parts.append(
            f'<rect x="{x}" y="{HEIGHT - 14}" width="9" height="9" fill="{colour}"/>'
            f'<text x="{x + 12}" y="{HEIGHT - 6}" font-size="9" fill="{INK}">{escape(label)}</text>'
        )
        x += 16 + len(label) * 5
    summary = _("Groups by community-health stage, month by month.")
    return _svg(parts, summary)


def pair_bars(months, first, second, summary):
    """Two counts per month side by side (help asked and answered by a parent)."""
    if not any(first) and not any(second):
        return Markup("")
    top = _top([*first, *second])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(months)

    def x_of(n):
        return LEFT + slot * (n + 0.5)

    parts = _axis(months, top, x_of)
    for n in range(len(months)):
        for k, (values, colour) in enumerate(((first, BAR_COLOURS[0]), (second, BAR_COLOURS[1]))):
            value = values[n]
            if not value:
                continue
            h = value / top * plot_h
            x = x_of(n) - slot * 0.4 + k * slot * 0.4
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.38:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
    return _svg(parts, summary)
