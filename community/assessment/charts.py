"""The self-assessment chart: per principle, the organisation's and the parents' average level
(0 not yet … 3 fully) as two bars. Server-rendered SVG with attributes only (strict CSP); the
same figures are in the table beside it."""

from markupsafe import Markup, escape

from community.assessment.statements import LEVEL_LABELS
from community.i18n import gettext as _

WIDTH, ROW, LABEL, RIGHT = 360, 44, 132, 30
ORG, PARENTS, INK, GRID = "#00695c", "#b4531b", "#3d4744", "#c9d1cd"


def principle_bars(rows):
    """`rows`: [(principle label, organisation average or None, parents' average or None)]."""
    plot = WIDTH - LABEL - RIGHT
    height = ROW * len(rows) + 34
    parts = []
    for n, level in enumerate(LEVEL_LABELS):
        x = LABEL + plot * n / 3
        parts.append(
            f'<line x1="{x:.1f}" y1="4" x2="{x:.1f}" y2="{height - 26}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{x:.1f}" y="{height - 12}" text-anchor="middle" font-size="10" fill="{INK}">{escape(level)}</text>'
        )
    for n, (label, ours, theirs) in enumerate(rows):
        top = 6 + n * ROW
        parts.append(
            f'<text x="{LABEL - 6}" y="{top + 18}" text-anchor="end" font-size="10" fill="{INK}">{escape(label)}</text>'
        )
        for offset, value, colour in ((0, ours, ORG), (16, theirs, PARENTS)):
            y = top + offset
            if value is None:
                parts.append(
                    f'<text x="{LABEL + 4}" y="{y + 11}" font-size="10" fill="{INK}">{escape(_("not shown"))}</text>'
                )
                continue
            width = max(2, plot * value / 3)
            parts.append(
                f'<rect x="{LABEL}" y="{y}" width="{width:.1f}" height="12" fill="{colour}"/>'
                f'<text x="{LABEL + width + 4:.1f}" y="{y + 10}" font-size="10" fill="{INK}">{value}</text>'
            )
    summary = _("Organisation (green, upper bar) and parents (orange, lower bar), average level per principle.")
    # Safe: every interpolated value is a number we computed or escaped text.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{escape(summary)}" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )
