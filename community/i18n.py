"""Language and timezone choice: the user's setting, else `?lang=` (remembered in the
session), else the browser's Accept-Language, else Russian."""

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import get_timezone_location
from flask import current_app, has_request_context, request, session
from flask_babel import LazyString, get_locale
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

COMMON_TIMEZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
    "Europe/Minsk",
    "Asia/Almaty",
    "Europe/London",
    "Europe/Berlin",
    "UTC",
)


def timezone_name(name, locale=None):
    """A time zone as people know it, in the reader's language: “Москва (UTC+3)”, never
    `Europe/Moscow`."""
    locale = str(locale or get_locale() or "ru")
    offset = datetime.now(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")
    if name == "UTC":
        return "UTC"
    return f"{get_timezone_location(name, locale, return_city=True)} ({utc})"


def timezone_choices():
    """The common time zones for a select, each named in the language of the page it is on."""
    return [SelectChoice(name, LazyString(timezone_name, name)) for name in COMMON_TIMEZONES]


def is_valid_timezone(name):
    return name in COMMON_TIMEZONES or name in available_timezones()


def remember_lang_choice():
    """`before_request`: remember a valid `?lang=` in the session."""
    lang = request.args.get("lang")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang


def select_locale():
    if not has_request_context():
        return None
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    for lang in (request.args.get("lang"), session.get("lang")):
        if lang in languages:
            return lang
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone():
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated and is_valid_timezone(current_user.timezone):
        return current_user.timezone
    return None
