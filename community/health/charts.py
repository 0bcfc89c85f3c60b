"""Small server-rendered SVG line charts people can read (SPEC §4 "Charts"): month labels on the
time axis, a labelled value scale (0–100 % for every share, so all share charts read alike),
the latest value written by the line, declared breaks shaded. No JavaScript and no inline
styles (strict CSP): only SVG attributes. The same data goes in a table a click away (the
template's job)."""

from flask_babel import format_date
from markupsafe import Markup, escape

from community.i18n import gettext as _

HIDDEN = "hidden"  # a count under 5 that this reader may not see: not drawn, and said so
WIDTH, HEIGHT = 340, 150
LEFT, RIGHT, TOP, BOTTOM = 38, 52, 12, 24
INK, GRID, LINE, SHADE, DOT = "#3d4744", "#c9d1cd", "#00695c", "#e4e8e6", "#b4531b"


def _nice_max(values):
    """The top of a count scale: a round, even number at or above the largest value (at least 10)."""
    top = max([10, *values])
    for nice in (10, 20, 30, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500, 600, 800, 1000):
        if top <= nice:
            return nice
    return -(-top // 1000) * 1000


def _label(value, share):
    return _("%(value)d %%", value=value) if share else str(value)


def line_chart(points, label, share):
    """`points`: [(period, value, is_break)], oldest first, where a value may be None (no data)
    or HIDDEN (a count under 5 the reader may not see); `share`: a 0–100 % scale."""
    hidden_last = bool(points) and points[-1][1] == HIDDEN
    points = [(period, None if value == HIDDEN else value, is_break) for period, value, is_break in points]
    if not points or all(value is None for _, value, _ in points):
        return Markup("")
    values = [value for _, value, _ in points if value is not None]
    top = 100 if share else _nice_max(values)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0

    def x(n):
        return round(LEFT + (n * step if len(points) > 1 else plot_w / 2), 1)

    def y(value):
        return round(TOP + plot_h - value / top * plot_h, 1)

    parts = []
    # Declared breaks, shaded behind everything.
    half = step / 2 if len(points) > 1 else plot_w / 2
    declared = escape(_("Declared break"))
    for n, (_period, _value, is_break) in enumerate(points):
        if is_break:
            start = max(LEFT, x(n) - half)
            width = min(LEFT + plot_w, x(n) + half) - start
            parts.append(
                f'<rect x="{start}" y="{TOP}" width="{round(width, 1)}" height="{plot_h}" fill="{SHADE}">'
                f"<title>{declared}</title></rect>"
            )
    # The value scale: three labelled lines.
    for value in (0, top // 2, top):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(value)}" x2="{LEFT + plot_w}" y2="{y(value)}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 5}" y="{y(value) + 4}" text-anchor="end" font-size="11" fill="{INK}">'
            f"{escape(_label(value, share))}</text>"
        )
    # The time axis: every month's name when there is room, else every other one (the last always).
    every = 1 if len(points) <= 6 else 2
    for n, (period, _value, _is_break) in enumerate(points):
        if (len(points) - 1 - n) % every == 0:
            parts.append(
                f'<text x="{x(n)}" y="{HEIGHT - 6}" text-anchor="middle" font-size="11" fill="{INK}">'
                f"{escape(format_date(period, 'LLL'))}</text>"
            )
    # The line, broken where a month has no value.
    segment = []
    segments = [segment]
    for n, (_period, value, _is_break) in enumerate(points):
        if value is None:
            segment = []
            segments.append(segment)
        else:
            segment.append(f"{x(n)},{y(value)}")
    for coords in segments:
        if len(coords) > 1:
            parts.append(
                f'<polyline points="{" ".join(coords)}" fill="none" stroke="{LINE}" stroke-width="2.5" '
                f'stroke-linejoin="round"/>'
            )
        elif coords:
            cx, cy = coords[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{LINE}"/>')
    last = len(points) - 1
    value = points[last][1]
    if value is not None:
        words = _label(value, share)
        parts.append(
            f'<circle cx="{x(last)}" cy="{y(value)}" r="4" fill="{DOT}"/>'
            f'<text x="{x(last) + 7}" y="{y(value) + 4}" font-size="12" font-weight="bold" fill="{INK}">'
            f"{escape(words)}</text>"
        )
    else:
        words = _("fewer than 5") if hidden_last else _("no data")
        parts.append(
            f'<text x="{WIDTH - 2}" y="{y(0) - 4}" text-anchor="end" font-size="11" fill="{INK}">{escape(words)}</text>'
        )
    summary = _(
        "%(name)s: %(value)s in %(month)s.", name=label, value=words, month=format_date(points[last][0], "LLLL yyyy")
    )
    # Safe: every interpolated value is a number we computed or escaped text.
    return Markup(  # noqa: S704
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(summary)}" focusable="false">' + "".join(parts) + "</svg>"
    )
