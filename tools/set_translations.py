"""Set Russian (or any) translations from a JSON file: {"English msgid": "перевод", ...}.

Usage: python tools/set_translations.py community/translations/ru/LC_MESSAGES/messages.po ru.json

Keep your feature's translations in such a file while you work: after a rebase that
conflicts in the catalogues, take main's catalogues, run `make translations`, and apply
the file again. Plural entries take a list of forms.
"""

import json
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path, json_path):
    with open(json_path, encoding="utf-8") as f:
        wanted = json.load(f)
    with open(po_path, "rb") as f:
        catalog = read_po(f)
    missing = []
    for msgid, translation in wanted.items():
        message = catalog.get(msgid) or next((m for m in catalog if isinstance(m.id, tuple) and m.id[0] == msgid), None)
        if message is None:
            missing.append(msgid)
            continue
        message.string = tuple(translation) if isinstance(translation, list) else translation
        message.flags.discard("fuzzy")
    with open(po_path, "wb") as f:
        write_po(f, catalog, sort_output=True, width=100)
    for msgid in missing:
        print(f"not in the catalogue (run `make translations` first?): {msgid!r}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
