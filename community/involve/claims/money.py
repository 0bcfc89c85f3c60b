"""Amounts of money as people type them ("1 250,50", "1250.5 ₽", "300 руб.") and as Krug
stores them: whole kopecks, never floating point."""

import re
from decimal import Decimal

from flask_babel import format_decimal

# Spaces people (and phones) put between thousands: ordinary, no-break, thin, narrow no-break.
_SPACES = re.compile(r"[ \u00a0\u2009\u202f\u2007]")
_CURRENCY = re.compile(r"(₽|руб\.?|рублей|рубля|рубль|р\.?|rub\.?|rur)$", re.IGNORECASE)
_AMOUNT = re.compile(r"([0-9]{1,9})(?:[.,]([0-9]{1,2}))?")
MAX_INPUT = 40


class BadAmount(ValueError):
    """The text is not an amount in roubles (`reason`: 'format', 'zero' or 'too-large')."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def parse_amount(text, maximum):
    """Kopecks from a typed amount in roubles: digits, optionally thousands separated by
    spaces, optionally a comma or a dot and one or two digits of kopecks, optionally a
    rouble sign. Refuses negative, zero, malformed and more than `maximum` kopecks."""
    if not isinstance(text, str) or len(text) > MAX_INPUT:
        raise BadAmount("format")
    value = _SPACES.sub("", text.strip())
    value = _CURRENCY.sub("", value)
    match = _AMOUNT.fullmatch(value)
    if match is None:
        raise BadAmount("format")
    roubles, kopecks = match.groups()
    amount = int(roubles) * 100 + int((kopecks or "0").ljust(2, "0"))
    if amount <= 0:
        raise BadAmount("zero")
    if amount > maximum:
        raise BadAmount("too-large")
    return amount


def plain_amount(kopecks):
    """An amount as a person would type it back into the form: "1250,50", "300"."""
    roubles, rest = divmod(kopecks, 100)
    return f"{roubles},{rest:02d}" if rest else str(roubles)


def money(kopecks):
    """An amount in the reader's locale: "1 250,50 ₽" or "300 ₽" (ru), "1,250.50 ₽" (en)."""
    if kopecks is None:
        return ""
    pattern = "#,##0" if kopecks % 100 == 0 else "#,##0.00"
    return format_decimal(Decimal(kopecks).scaleb(-2), format=pattern) + "\u00a0₽"
