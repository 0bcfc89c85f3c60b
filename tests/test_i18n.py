"""Language choice, and catalogues that are complete in both languages."""

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import Browser, work

ROOT = Path(__file__).resolve().parent.parent


def lang_of(response):
    return response.get_data(as_text=True).split('<html lang="')[1].split('"')[0]


def test_russian_by_default(client):
    assert lang_of(client.get("/")) == "ru"
    assert "Круг" in client.get("/").get_data(as_text=True)


def test_browser_language_is_used_when_nothing_else_is_chosen(client):
    assert lang_of(client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert lang_of(client.get("/", headers={"Accept-Language": "de-DE"})) == "ru"


def test_lang_parameter_wins_over_the_browser_and_is_remembered(client):
    headers = {"Accept-Language": "ru"}
    assert lang_of(client.get("/?lang=en", headers=headers)) == "en"
    assert lang_of(client.get("/auth/login", headers=headers)) == "en"
    assert lang_of(client.get("/?lang=xx", headers=headers)) == "en"


def test_users_setting_wins_over_everything(browser, make_user):
    make_user(locale="en")
    browser.login()
    assert lang_of(browser.get("/?lang=ru", headers={"Accept-Language": "ru"})) == "en"


def test_language_switch_saves_the_choice_to_the_profile(app, browser, make_user):
    from community.auth.models import User
    from community.extensions import db

    user_id = make_user(locale="ru")
    browser.login()
    response = browser.submit("/auth/language", {"lang": "en", "next": "/auth/account"}, page="/")
    assert response.headers["Location"] == "/auth/account"
    with app.app_context():
        assert db.session.get(User, user_id).locale == "en"
    assert lang_of(browser.get("/")) == "en"


def test_language_switch_for_visitors_and_unsafe_next(app):
    browser = Browser(app.test_client())
    response = browser.submit("/auth/language", {"lang": "en", "next": "https://evil.example/"}, page="/")
    assert response.headers["Location"] == "/"
    assert lang_of(browser.get("/")) == "en"


def test_dates_are_shown_in_the_users_locale_and_timezone(app):
    from datetime import UTC, datetime

    from flask_babel import force_locale

    when = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)
    with work(app):
        render = app.jinja_env.from_string("{{ when|datetime('short') }}").render
        with force_locale("ru"):
            assert render(when=when) == "02.07.2026, 00:30"  # Moscow is UTC+3


def catalog(lang):
    with open(ROOT / f"community/translations/{lang}/LC_MESSAGES/messages.po", "rb") as f:
        return read_po(f, locale=lang)


def _translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


def test_catalogues_are_complete_and_cover_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with open(pot, "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    for lang in ("ru", "en"):
        messages = {m.id: m for m in catalog(lang) if m.id}
        missing = wanted - messages.keys()
        assert not missing, f"{lang}: run `make translations`; missing {sorted(map(str, missing))[:5]}"
        untranslated = [mid for mid in wanted if not _translated(messages[mid])]
        assert not untranslated, f"{lang}: untranslated {untranslated[:5]}"


def test_compiled_catalogues_match_the_sources():
    for lang in ("ru", "en"):
        compiled = BytesIO()
        write_mo(compiled, catalog(lang))
        mo = ROOT / f"community/translations/{lang}/LC_MESSAGES/messages.mo"
        assert mo.read_bytes() == compiled.getvalue(), f"run `make compile-translations` ({lang})"


def test_time_zones_are_named_as_people_know_them(browser, make_user):
    make_user(locale="ru")
    browser.login()
    page = browser.get("/auth/account").get_data(as_text=True)
    assert ">Москва (UTC+3)</option>" in page and ">Екатеринбург (UTC+5)</option>" in page
    assert ">Europe/Moscow<" not in page and "Europe Moscow" not in page
    browser.submit("/auth/language", {"lang": "en", "next": "/auth/account"}, page="/auth/account")
    assert ">Moscow (UTC+3)</option>" in browser.get("/auth/account").get_data(as_text=True)


def test_the_language_button_is_named_by_its_visible_word(client):
    page = client.get("/").get_data(as_text=True)
    button = re.search(r'<button[^>]*name="lang"[^>]*>([^<]*)</button>', page)
    assert button and button.group(1) == "English" and "aria-label" not in button.group(0)
    assert 'lang="en"' in button.group(0)


def test_the_framework_word_ambassador_stays_in_brackets_after_a_plain_one():
    """Parents read plain words: “рассказывает о группе (амбассадор)”, never “амбассадор” alone."""
    alone = []
    for message in catalog("ru"):
        for text in message.string if isinstance(message.string, tuple) else (message.string,):
            if re.search(r"амбассадор", re.sub(r"\(амбассадор\w*\)", "", text or ""), re.IGNORECASE):
                alone.append(text)
    assert not alone, alone
