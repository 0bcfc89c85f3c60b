"""The nudge before posting: text that looks like a child's full name with a date of birth,
or a phone number, comes back once with a warning. The person may change it or send it as it
is (a second, confirming submit): a nudge, never a block, and it works without JavaScript.

The checks are deliberately simple and err on the side of asking: a false alarm costs one
tap, a child's data in a group feed costs far more."""

import re
from datetime import date

from wtforms import SubmitField

from community.i18n import lazy_gettext as _l

CHILD_DATA, PHONE = "child_data", "phone"

WARNINGS = {
    CHILD_DATA: _l(
        "This looks like a child's full name with a date of birth. Please think again: everyone in the group "
        "will read it, and it can identify the child. Maybe first names or initials are enough?"
    ),
    PHONE: _l(
        "This looks like a phone number. Everyone in the group will see it. If it is a child's or someone "
        "else's number, please take it out; share your own only if you want to."
    ),
}

_MONTHS = (
    "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
_DATE = re.compile(
    r"\b(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)\d{2})\b"  # 12.03.2015, 12/3/2015
    r"|\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b"  # 2015-03-12
    rf"|\b(\d{{1,2}})\s+({_MONTHS})\s+((?:19|20)\d{{2}})",  # 12 марта 2015
    re.IGNORECASE,
)
_BIRTH_WORDS = re.compile(
    r"(?<!\w)г\.\s?р\.|год[а]? рождения|дата рождения|д\.\s?р\.|родил|рожд|\bborn\b|\bbirth|\bdob\b", re.IGNORECASE
)
_BIRTH_YEAR = re.compile(r"\b((?:19|20)\d{2})\s*(?:г\.\s?р\.?|гр\b|года рождения)", re.IGNORECASE)
# Two or three capitalised words in a row: Иванова Маша, Маша Иванова Петровна, Anna Smith.
_FULL_NAME = re.compile(r"\b[А-ЯЁA-Z][а-яёa-z]{1,}(?:\s+[А-ЯЁA-Z][а-яёa-z]{1,}){1,2}\b")
_PHONE = re.compile(r"(?<![\w.])\+?\d[\d\s().-]{7,}\d(?![\w.])")
CHILD_AGE_YEARS = 18


def _year_of_birth_dates(text, today):
    """Dates in `text` that could be a child's date of birth: in the past, under 18 years ago."""
    for match in _DATE.finditer(text):
        numbers = [g for g in match.groups() if g]
        year = next(int(n) for n in numbers if len(n) == 4 and n.isdigit())
        if today.year - CHILD_AGE_YEARS <= year <= today.year:
            yield match


def _looks_like_child_data(text, today):
    if not _FULL_NAME.search(text):
        return False
    if _BIRTH_YEAR.search(text):
        return True
    dates = list(_year_of_birth_dates(text, today))
    if not dates:
        return False
    # A date with a word about birth, or a date in a past year (meetings are announced ahead).
    return bool(_BIRTH_WORDS.search(text)) or any(
        int(next(n for n in m.groups() if n and len(n) == 4)) < today.year for m in dates
    )


def _looks_like_phone(text):
    for match in _PHONE.finditer(text):
        digits = sum(c.isdigit() for c in match.group())
        if 10 <= digits <= 13:
            return True
    return False


def concerns(text, phones=True, today=None):
    """What in `text` deserves a second look: a subset of {CHILD_DATA, PHONE}, in that order."""
    if not text:
        return []
    today = today or date.today()
    found = []
    if _looks_like_child_data(text, today):
        found.append(CHILD_DATA)
    if phones and _looks_like_phone(text):
        found.append(PHONE)
    return found


class PrivacyNudge:
    """Mixed into a form: `NUDGE_FIELDS` are checked once the form is otherwise valid. On a
    concern the form does not validate (nothing is saved, the text stays), `privacy_nudge`
    lists the warnings, and the page offers "Send as it is" (`send_anyway`). `NUDGE_PHONES`
    is off where sharing one's own number is the point (a help thread, a private message)."""

    NUDGE_FIELDS = ("body",)
    NUDGE_PHONES = True
    send_anyway = SubmitField(_l("Send as it is"))
    privacy_nudge = ()

    def validate(self, extra_validators=None):
        if not super().validate(extra_validators):
            return False
        if self.send_anyway.data:
            return True
        found = []
        for name in self.NUDGE_FIELDS:
            field = getattr(self, name, None)
            for concern in concerns(field.data if field is not None else "", phones=self.NUDGE_PHONES):
                if concern not in found:
                    found.append(concern)
        self.privacy_nudge = [WARNINGS[c] for c in found]
        return not found
