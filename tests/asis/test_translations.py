"""English is complete and the committed .mo matches the .po (so no gettext is needed to run)."""

import ast
from pathlib import Path

from django.utils import translation

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(po=PO, plurals=False):
    """(msgid, msgstr, fuzzy, context) of the singular entries of the catalogue (and the plural ones if asked);
    `context` is the msgctxt of a string translated in context (pgettext), else None."""
    found, current, key, fuzzy = [], {}, None, False
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith(("msgctxt ", "msgid ", "msgstr ", "msgid_plural ", "msgstr[")):
            key, _sep, rest = line.partition(" ")
            current[key] = ast.literal_eval(rest)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif not line.strip() and current:
            if current.get("msgid") and (plurals or "msgid_plural" not in current):
                found.append((current["msgid"], current.get("msgstr", ""), fuzzy, current.get("msgctxt")))
            current, key, fuzzy = {}, None, False
    return found


def test_every_string_has_an_english_translation():
    catalogue = entries()
    assert len(catalogue) > 200
    assert [m for m, s, fuzzy, _context in catalogue if not s or fuzzy] == []


def test_the_compiled_catalogue_matches_the_po():
    with translation.override("en"):
        stale = [
            msgid
            for msgid, msgstr, _f, context in entries()
            if (translation.pgettext(context, msgid) if context else translation.gettext(msgid)) != msgstr
        ]
    assert stale == [], "run `make messages` (compilemessages) and commit the .mo"


def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """Regenerate the messages from a copy of the code and compare: a string marked for translation
    but missing from the committed catalogue fails here (run `make messages`, translate, commit)."""
    import os
    import shutil
    import subprocess
    import sys

    import pytest

    if not shutil.which("xgettext"):
        if os.environ.get("REQUIRE_GETTEXT") == "1":
            pytest.fail("gettext is required (REQUIRE_GETTEXT=1): apt-get install gettext")
        pytest.skip("gettext is not installed (apt-get install gettext)")
    root = PO.parents[3]
    # every app of the project (a folder with an apps.py), the templates and the catalogue itself
    apps = sorted(path.name for path in root.iterdir() if (path / "apps.py").is_file())
    for name in (*apps, "templates", "locale"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "asis.settings"},
    )
    regenerated = tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"

    def msgids(po):
        return {(context, msgid) for msgid, _msgstr, _fuzzy, context in entries(po, plurals=True)}

    missing = sorted(msgids(regenerated) - msgids(PO))
    assert missing == [], f"{len(missing)} strings are not in the catalogue, e.g. {missing[:5]}"
