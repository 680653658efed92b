"""Regenerate the zh-hant and en message catalogues.

UI strings are written in Simplified Chinese (the default language). Traditional Chinese is
derived from them with OpenCC (s2t: character conversion only, so official terms keep their
wording); English comes from ``gongkai/locale/en.json`` (msgid → English), maintained by hand.
A msgid missing there stays untranslated and Django shows the Chinese, never an empty string.

    gongkai translations          # makemessages + fill + compilemessages
    gongkai translations --check  # list msgids with no English yet

In en.json a plural msgid (``{% blocktranslate count %}``, ``ngettext``) maps to a list
``[singular, plural]``; a plain string is used for both forms. A msgid with a context
(``pgettext``) is looked up as ``"context\u0004msgid"`` (gettext's own key), so the same Chinese
can read differently in English (the button "发布" is "Publish", the version note "Published").
"""

import contextlib
import json
import shutil
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings
from opencc import OpenCC

LOCALE = Path(settings.BASE_DIR) / "gongkai" / "locale"


def source_msgids() -> set[str]:
    """The msgids in the source as it is now, extracted from a copy of the package so the
    catalogues in the tree are left alone (used by --check and by tests/agencies/test_i18n.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(
            Path(settings.BASE_DIR) / "gongkai",
            root / "gongkai",
            ignore=shutil.ignore_patterns("__pycache__", "locale", "static", "*.mo", "*.po"),
        )
        locale = root / "gongkai" / "locale"
        locale.mkdir()
        with override_settings(LOCALE_PATHS=[locale]), contextlib.chdir(root):
            call_command("makemessages", locale=["en"], no_obsolete=True, verbosity=0)
        return {e.msgid for e in polib.pofile(str(locale / "en" / "LC_MESSAGES" / "django.po"))}


class Command(BaseCommand):
    help = "Regenerate and compile the zh_Hant and en catalogues from the Simplified Chinese UI strings."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only list missing English")

    def handle(self, check=False, **opts):
        en_map = json.loads((LOCALE / "en.json").read_text(encoding="utf-8"))
        if check:
            missing = sorted(m for m in source_msgids() if not en_map.get(m))
            self.stdout.write(f"{len(missing)} msgids without English:")
            for m in missing:
                self.stdout.write(f"  {m}")
            return
        call_command(
            "makemessages",
            locale=["zh_Hant", "en"],
            domain="django",
            ignore_patterns=[".venv/*", "var/*", "tests/*", "bench/*", "build/*"],
            no_obsolete=True,
            # File names without line numbers: fewer merge conflicts between branches.
            add_location="file",
            verbosity=0,
        )
        cc = OpenCC("s2t")
        missing = []
        for lang in ("zh_Hant", "en"):
            path = LOCALE / lang / "LC_MESSAGES" / "django.po"
            if not path.exists():
                continue
            po = polib.pofile(str(path))
            for entry in po:
                if lang == "zh_Hant":
                    entry.msgstr = cc.convert(entry.msgid)
                    if entry.msgid_plural:
                        entry.msgstr_plural = {
                            0: cc.convert(entry.msgid),
                            1: cc.convert(entry.msgid_plural),
                        }
                else:
                    # A plural msgid maps to [singular, plural] (a plain string serves both).
                    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                    english = en_map.get(key)
                    if isinstance(english, list):
                        english = [e for e in english if e] or None
                    if not english:
                        entry.msgstr = ""
                        if entry.msgid_plural:
                            entry.msgstr_plural = {0: "", 1: ""}
                        missing.append(key)
                    elif entry.msgid_plural:
                        forms = english if isinstance(english, list) else [english]
                        entry.msgstr_plural = {0: forms[0], 1: forms[-1]}
                    else:
                        entry.msgstr = english if isinstance(english, str) else english[0]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
            po.save()
            po.save_as_mofile(str(path.with_suffix(".mo")))
        if missing:
            self.stdout.write(f"{len(missing)} msgids without English:")
            for m in missing:
                self.stdout.write(f"  {m}")
