"""The English catalogue covers every text of the UI: a new Chinese string without its
English, or one whose Chinese changed (fuzzy), fails here. Regenerate with
``cd huimin && ../.venv/bin/huimin makemessages -l en --no-obsolete``, translate, compile."""

from __future__ import annotations

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "huimin/locale/en/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(CATALOGUE))
    wrong = []
    for e in po.translated_entries():
        names = sorted(PLACEHOLDER.findall(e.msgid))
        forms = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        if any(sorted(PLACEHOLDER.findall(form)) != names for form in forms):
            wrong.append(e.msgid)
    assert wrong == []


def test_the_compiled_catalogue_is_not_older_than_the_source():
    mo = CATALOGUE.with_suffix(".mo")
    source = {
        e.msgid: e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(CATALOGUE)).translated_entries()
    }
    compiled = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo)) if e.msgid}
    assert compiled == source
