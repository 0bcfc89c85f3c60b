"""Small server-rendered SVG trend charts: no JavaScript, no inline styles (strict CSP)."""

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD = 240, 64, 6


def sparkline(points, label):
    """An accessible line chart of up to 12 monthly values (None = no data)."""
    values = [p for p in points if p is not None]
    if len(values) < 2:
        return Markup("")
    low, high = min(values + [0]), max(values)
    span = (high - low) or 1
    step = (WIDTH - 2 * PAD) / max(1, len(points) - 1)
    coords = []
    for n, value in enumerate(points):
        if value is None:
            continue
        x = PAD + n * step
        y = HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)
        coords.append((round(x, 1), round(y, 1)))
    path = " ".join(f"{x},{y}" for x, y in coords)
    last_x, last_y = coords[-1]
    # Safe: every interpolated value is a number we computed, and the label is escaped.
    return Markup(  # noqa: S704
        f'<svg class="sparkline" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" focusable="false">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" stroke="#c9d1cd" stroke-width="1"/>'
        f'<polyline points="{path}" fill="none" stroke="#00895a" stroke-width="2.5" stroke-linejoin="round"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="3.5" fill="#e07a2e"/></svg>'
    )
