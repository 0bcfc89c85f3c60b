"""Parts of the group page that are the same for every member: rendered once per process and
kept (community/kept.py) by everything they are made of."""

from flask import render_template, url_for
from markupsafe import Markup

from community.i18n import reader_locale
from community.kept import Kept

_events = Kept(2048)


def _shown(event):
    """What the events box shows of an event (see groups/_events.html, events/_summary.html)."""
    return (
        event.id,
        event.title,
        event.status,
        event.series_id,
        event.starts_at,
        event.ends_at,
        event.place,
        bool(event.online_url),
    )


def events_box(group, access, upcoming, past):
    """The group's events box: its next and last events, and for organisers the links to plan
    more. The same for every member in a language, so kept by group, events, language and
    whether the viewer organises."""
    key = (
        group.id,
        url_for("groups.detail", slug=group.slug),  # its links start the same way
        group.timezone,
        access.can_organise_events,
        str(reader_locale()),
        tuple(_shown(e) for e in upcoming),
        tuple(_shown(e) for e in past),
    )
    html = _events.get(key)
    if html is None:
        rendered = render_template("groups/_events.html", group=group, access=access, upcoming=upcoming, past=past)
        html = _events.put(key, Markup(rendered))  # noqa: S704 (render_template's output, escaped by Jinja)
    return html
