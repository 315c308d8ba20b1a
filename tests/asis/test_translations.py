"""English is complete and the committed .mo matches the .po (so no gettext is needed to run)."""

import ast
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries():
    """(msgid, msgstr, fuzzy) of the singular entries of the catalogue."""
    found, current, key, fuzzy = [], {}, None, False
    for line in PO.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _sep, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and current:
            if current.get("msgid") and "msgid_plural" not in current:
                found.append((current["msgid"], current.get("msgstr", ""), fuzzy))
            current, key, fuzzy = {}, None, False
    return found


def test_every_string_has_an_english_translation():
    catalogue = entries()
    assert len(catalogue) > 200
    assert [m for m, s, fuzzy in catalogue if not s or fuzzy] == []


def test_the_compiled_catalogue_matches_the_po():
    with translation.override("en"):
        stale = [msgid for msgid, msgstr, _f in entries() if translation.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` (compilemessages) and commit the .mo"
