"""Fill the English catalogue: the message ids are English, so msgstr = msgid.

Keeps the English catalogue complete, so `msgattrib --untranslated` finds nothing.
"""

import sys

from babel.messages.pofile import read_po, write_po


def main(path):
    with open(path, "rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not any(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(path, "wb") as f:
        write_po(f, catalog, sort_output=True, width=100)


if __name__ == "__main__":
    main(sys.argv[1])
