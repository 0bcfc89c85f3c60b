"""Plain text with its web links made clickable, safely (for preparation materials)."""

import re

from markupsafe import Markup, escape

_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
_LINK = Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>')


def linkify(text):
    """`text` escaped, with each http(s) link turned into a link (opened without the referrer)."""
    parts, last = [], 0
    for match in _URL.finditer(text or ""):
        parts.append(escape(text[last : match.start()]))
        parts.append(_LINK.format(match.group(0)))
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)
