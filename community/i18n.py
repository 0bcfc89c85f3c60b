"""Language and timezone choice: the user's setting, else `?lang=` (remembered in the
session), else the browser's Accept-Language, else Russian."""

from zoneinfo import available_timezones

from flask import current_app, has_request_context, request, session
from flask_login import current_user

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
