"""Language and timezone choice: the user's setting, else `?lang=` (remembered in the
session), else the browser's Accept-Language, else Russian."""

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import get_timezone_location
from flask import current_app, g, has_request_context, request, session
from flask_babel import LazyString, get_locale, get_timezone, get_translations
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


# --- the reader's locale, timezone and catalogue, found fast -------------------------------------
# A page asks for them a hundred times (every `_()`, date and lazy label). flask-babel finds its
# per-context state through three lookups of `flask.g` on each call; these find it once per call
# and keep the catalogue beside it. `force_locale` (emails in the reader's language) replaces
# the locale there, and so the catalogue kept for it.


def _babel_state():
    """flask-babel's state of this app context (None outside one, or before its first use)."""
    try:
        return g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # no app context
        return None


def reader_locale():
    state = _babel_state()
    locale = getattr(state, "babel_locale", None)
    return locale if locale is not None else get_locale()


def reader_timezone():
    state = _babel_state()
    tzinfo = getattr(state, "babel_tzinfo", None)
    return tzinfo if tzinfo is not None else get_timezone()


def catalogue():
    """The translations of the current locale."""
    state = _babel_state()
    if state is not None:
        kept = getattr(state, "krug_catalogue", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
    locale, translations = get_locale(), get_translations()
    state = _babel_state()
    if state is not None:
        state.krug_catalogue = (locale, translations)
    return translations


def gettext(string, **variables):
    """flask-babel's `gettext`, faster (see above)."""
    translated = catalogue().ugettext(string)
    return translated % variables if variables else translated


def lazy_gettext(string, **variables):
    """flask-babel's `lazy_gettext`: translated when shown, in the reader's language."""
    return LazyString(gettext, string, **variables)


def timezone_name(name, locale=None):
    """A time zone as people know it, in the reader's language: “Москва (UTC+3)”, never
    `Europe/Moscow`."""
    locale = str(locale or reader_locale() or "ru")
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
