"""A browser's name for the "your devices" list, guessed from its User-Agent: "Chrome, Android"."""

import re

from community.i18n import lazy_gettext as _l

# Order matters: Edge and Yandex Browser also say "Chrome"; Chrome also says "Safari".
BROWSERS = (
    ("YaBrowser", "Yandex Browser"),
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("HeadlessChrome", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
UNKNOWN = _l("Unknown browser")


def device_name(user_agent):
    """ "Firefox, Windows"; the raw text is never shown (it could be anything)."""
    text = user_agent or ""
    browser = next((name for token, name in BROWSERS if re.search(rf"\b{re.escape(token)}/", text)), None)
    system = next((name for token, name in SYSTEMS if token in text), None)
    if browser and system:
        return f"{browser}, {system}"
    return browser or system or str(UNKNOWN)
