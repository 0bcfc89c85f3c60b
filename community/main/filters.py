"""Template helpers: dates and numbers in the user's locale and timezone."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates
from flask import g, has_request_context, request
from flask_babel import format_decimal

from community.forms import EmptyForm
from community.i18n import catalogue, reader_locale, reader_timezone, timezone_name


def register(app):
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    # Pages call these hundreds of times: the same as flask-babel's, without finding the
    # request's catalogue, locale and timezone again on every call (see community/i18n.py).
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.filters["number"] = lambda value: format_decimal(value)
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["iso"] = machine_time
    app.jinja_env.filters["tz_name"] = timezone_name

    from community.groups.forms import ENGAGEMENT_ROLE_HINTS, ENGAGEMENT_ROLE_LABELS, KIND_LABELS
    from community.mutual_help.forms import CATEGORY_LABELS, URGENCY_LABELS
    from community.mutual_help.forms import KIND_LABELS as HELP_KIND_LABELS
    from community.urls import external_url

    app.jinja_env.globals.update(_states())
    app.jinja_env.globals.update(
        post_form=BUTTON_FORM,  # the CSRF field of buttons that only POST
        external_url=external_url,
        role_labels=ENGAGEMENT_ROLE_LABELS,
        role_hints=ENGAGEMENT_ROLE_HINTS,
        kind_labels=KIND_LABELS,
        help_categories=CATEGORY_LABELS,
        help_urgencies=URGENCY_LABELS,
        help_kinds=HELP_KIND_LABELS,
    )

    @app.context_processor
    def inject():
        if not has_request_context():
            return {"current_locale": str(reader_locale() or "ru")}
        return {
            "current_locale": str(reader_locale() or "ru"),
            "current_path": request.full_path.rstrip("?"),
            "unread_count": _unread_count,
            "unread_messages_count": _unread_messages_count,
        }


class _ButtonForm:
    """The templates' `post_form`: the CSRF field of buttons that only POST (log out, join,
    "спасибо"), rendered once per request however many buttons a page has."""

    def hidden_tag(self):
        field = g.get("_krug_button_csrf")
        if field is None:
            field = g._krug_button_csrf = EmptyForm(formdata=None).hidden_tag()
        return field


BUTTON_FORM = _ButtonForm()


def machine_time(value):
    """A moment for `<time datetime>`: ISO 8601 to the second (HTML allows at most three
    digits of a fraction)."""
    return value.replace(microsecond=0).isoformat()


def _states():
    """The state enums, so templates compare `c.status == ClaimStatus.PAID`, never a bare string."""
    from community.auth.models import EmailFrequency
    from community.events.models import EventStatus, OrganiserStatus, RegistrationStatus
    from community.groups.models import EngagementStatus, JoinPolicy, MembershipStatus, PostKind, Role
    from community.involve.claims.models import ClaimStatus
    from community.involve.models import ApplicationStatus, OpportunityStatus
    from community.mutual_help.models import HelpKind, HelpStatus, Urgency
    from community.orgs.models import InvitationState, SupportStatus
    from community.safety.models import ItemKind, ReportStatus
    from community.surveys.models import QuestionKind, Repeat, SurveyKind
    from community.voice.models import SuggestionStatus

    states = (
        EmailFrequency,
        EventStatus,
        OrganiserStatus,
        RegistrationStatus,
        EngagementStatus,
        JoinPolicy,
        MembershipStatus,
        PostKind,
        Role,
        ClaimStatus,
        ApplicationStatus,
        OpportunityStatus,
        HelpKind,
        HelpStatus,
        Urgency,
        InvitationState,
        SupportStatus,
        SuggestionStatus,
        SurveyKind,
        QuestionKind,
        Repeat,
        ItemKind,
        ReportStatus,
    )
    return {state.__name__: state for state in states}


def format_date(value, fmt="long"):
    """A date (or the day of a UTC moment in the reader's timezone) in the reader's locale."""
    if not value:
        return ""
    if isinstance(value, datetime):
        return _in_words(value, reader_timezone(), "date", fmt, str(reader_locale()))
    return _in_words(value, None, "date", fmt, str(reader_locale()))


def format_datetime(value, fmt="medium"):
    """A UTC moment in the reader's timezone and locale."""
    if not value:
        return ""
    return _in_words(value, reader_timezone(), "datetime", fmt, str(reader_locale()))


@lru_cache(maxsize=8192)
def _in_words(value, zone, what, fmt, locale):
    """A moment (or a date) in words: the same few moments (a group's events and posts) come
    back on every page and in every list, so each process keeps what Babel wrote for them.
    `zone` is a tzinfo (or a zone's name, or None for a date); `what` is "date", "time" or
    "datetime", `fmt` a Babel format."""
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    if what == "date":
        return dates.format_date(value.astimezone(zone) if zone is not None else value, fmt, locale=locale)
    if what == "time":
        return dates.format_time(value, fmt, tzinfo=zone, locale=locale)
    return dates.format_datetime(value, fmt, tzinfo=zone, locale=locale)


def _unread_count():
    """The header's badge: loaded with the signed-in person (see auth/viewer.py), no query."""
    from flask_login import current_user

    from community.auth import viewer

    if not current_user.is_authenticated:
        return 0
    found = viewer.current()
    if found is None:  # signed in during this request: count now
        from community.notifications.service import unread_count

        return unread_count(current_user)
    return found.unread


def _unread_messages_count():
    """The header's count of unread private messages: loaded with the signed-in person too."""
    from flask_login import current_user

    from community.auth import viewer

    if not current_user.is_authenticated:
        return 0
    found = viewer.current()
    if found is None:
        from community.messages.service import unread_count

        return unread_count(current_user)
    return found.unread_messages


def local_datetime(value, timezone, kind="medium"):
    """A UTC moment shown in a place's timezone (e.g. the group's), in the reader's locale.
    `kind`: 'full_date' (Saturday, 5 December 2026), 'time' (11:00), or a Babel datetime format."""
    if value is None:
        return ""
    locale = str(reader_locale() or "ru")
    if kind == "full_date":
        return _in_words(value, timezone, "date", "full", locale)
    if kind == "time":
        return _in_words(value, timezone, "time", "short", locale)
    return _in_words(value, timezone, "datetime", kind, locale)
