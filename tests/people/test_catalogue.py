"""The ledger's zh-hans catalogue (wangge/people/locale) is complete, keeps placeholders, is compiled,
and holds every msgid of the app's source."""

import re
import shutil
from io import StringIO
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

APP = Path(settings.BASE_DIR) / "wangge" / "people"
PO_PATH = APP / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[sdf]|\{\{\s*\w+\s*\}\}")


def key(entry) -> tuple:
    return (entry.msgctxt, entry.msgid)


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO_PATH))
    assert len(po) > 400
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


def test_translations_keep_their_placeholders():
    wrong = []
    for entry in polib.pofile(str(PO_PATH)).translated_entries():
        source = entry.msgid_plural or entry.msgid
        for translation in entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                wrong.append(entry.msgid)
    assert wrong == []


def test_the_compiled_catalogue_matches():
    mo = {key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(PO_PATH.with_suffix(".mo"))) if e.msgid}
    po = {key(e): (e.msgstr, dict(e.msgstr_plural)) for e in polib.pofile(str(PO_PATH)).translated_entries()}
    assert mo == po


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_makemessages_finds_no_msgid_missing(tmp_path, settings, monkeypatch):
    scratch = tmp_path / "people"
    shutil.copytree(APP, scratch, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = []
    monkeypatch.chdir(scratch)
    call_command(
        "makemessages", locale=["zh_Hans"], no_location=True, verbosity=0, stdout=StringIO(), stderr=StringIO()
    )
    fresh = polib.pofile(str(scratch / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {key(e) for e in polib.pofile(str(PO_PATH))}
    assert sorted(str(k) for k in {key(e) for e in fresh if not e.obsolete} - committed) == []


def test_a_page_speaks_chinese(ledger, browser):
    html = browser("gridworker1", language="zh-hans").get(f"/people/buildings/{ledger.building1.pk}/").content.decode()
    assert "自住 (1)" in html
    assert "空置 (11)" in html
    assert 'data-label="disability">残<' in html
