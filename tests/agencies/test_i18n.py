"""The zh-hant and en catalogues: complete, current, and safe to format.

UI strings are Simplified Chinese msgids; `gongkai translations` fills zh_Hant with OpenCC and
en from gongkai/locale/en.json (see gongkai/core/management/commands/translations.py).
"""

import json
import re
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation
from opencc import OpenCC
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from gongkai.core.management.commands.translations import source_msgids

LOCALE = Path(settings.BASE_DIR) / "gongkai" / "locale"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
HANT_PO = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
HINT = "run `gongkai translations --check` and add English to gongkai/locale/en.json"

# Python %-placeholders (named and positional), the %% escape, and str.format fields.
PLACEHOLDER = re.compile(
    r"%%|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrx]|%[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{\w*\}"
)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _forms(entry):
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text):
    found = PLACEHOLDER.findall(text)
    named = Counter(p for p in found if p.startswith("%(") or p.startswith("{"))
    positional = [p for p in found if p not in named]
    return named, positional


@pytest.fixture(autouse=True)
def _keep_language():
    # LocaleMiddleware leaves the request's language active in the thread; later tests
    # expect the default (Simplified Chinese) messages.
    with translation.override(translation.get_language()):
        yield


@pytest.fixture(scope="module")
def en_po():
    return polib.pofile(str(EN_PO))


@pytest.fixture(scope="module")
def hant_po():
    return polib.pofile(str(HANT_PO))


def test_english_keeps_every_placeholder(en_po):
    bad = []
    for entry in en_po:
        want_named, want_positional = _placeholders(entry.msgid)
        if not want_named and not want_positional:
            continue
        for form in _forms(entry):
            if not form:
                continue  # reported by the coverage test
            named, positional = _placeholders(form)
            # A plural form may drop the count ("one case") but must not invent or lose names.
            if entry.msgid_plural:
                ok = set(named) <= set(want_named) and positional == want_positional
            else:
                ok = set(named) == set(want_named) and positional == want_positional
            if ok and "python-format" in entry.flags:
                try:
                    if want_named:
                        form % {k: 1 for k in re.findall(r"%\(([^)]+)\)", entry.msgid)}
                    elif want_positional and "%%" not in want_positional:
                        form % tuple(1 for p in want_positional if p != "%%")
                    else:
                        form % ()
                except (TypeError, ValueError, KeyError) as exc:
                    ok = False
                    form = f"{form}  [{exc}]"
            if not ok:
                bad.append(f"{entry.msgid!r} -> {form!r}")
    assert not bad, "English changes placeholders:\n" + "\n".join(bad)


def test_english_covers_every_msgid(en_po):
    missing = [e.msgid for e in en_po if not all(_forms(e))]
    assert not missing, f"{len(missing)} msgids without English ({HINT}):\n" + "\n".join(missing)


def test_compiled_catalogues_match_the_po_files(en_po, hant_po):
    for po in (en_po, hant_po):
        mo = polib.mofile(po.fpath[:-3] + ".mo")
        compiled = {(e.msgid, tuple(_forms(e))) for e in mo if e.msgid}
        source = {(e.msgid, tuple(_forms(e))) for e in po if not e.obsolete}
        assert source == compiled, f"{po.fpath}: .mo is stale, run `gongkai translations`"


def test_catalogues_hold_every_ui_string_in_the_source(en_po):
    """Extract the msgids afresh from a copy of the source tree, so that a string added
    without English (or without regenerating the catalogues) fails here."""
    fresh = source_msgids()
    assert len(fresh) > 500, "makemessages found hardly any strings"
    en_map = json.loads((LOCALE / "en.json").read_text(encoding="utf-8"))
    no_english = sorted(m for m in fresh if not en_map.get(m))
    assert not no_english, f"{len(no_english)} msgids without English ({HINT}):\n" + "\n".join(
        no_english
    )
    in_catalogue = {e.msgid for e in en_po}
    assert fresh == in_catalogue, (
        "the catalogues are out of date, run `gongkai translations`; new: "
        f"{sorted(fresh - in_catalogue)[:20]}, gone: {sorted(in_catalogue - fresh)[:20]}"
    )


def test_traditional_covers_every_msgid_in_traditional_characters(hant_po):
    missing = [e.msgid for e in hant_po if not all(_forms(e))]
    assert not missing, f"zh_Hant lacks {len(missing)} msgids; run `gongkai translations`"
    cc = OpenCC("s2t")
    simplified = [f for e in hant_po for f in _forms(e) if cc.convert(f) != f]
    assert not simplified, f"zh_Hant still has Simplified characters: {simplified[:10]}"


@pytest.mark.parametrize(
    "msgid, hant",
    [
        ("机关目录", "機關目錄"),
        ("依申请公开", "依申請公開"),
        ("办理进度查询", "辦理進度查詢"),
        ("政府信息公开工作年度报告", "政府信息公開工作年度報告"),
        ("已发布的年度报告", "已發佈的年度報告"),
    ],
)
def test_traditional_samples(msgid, hant):
    cc = OpenCC("s2t")
    with translation.override("zh-hant"):
        shown = translation.gettext(msgid)
    assert shown == hant
    # No character that OpenCC would still change, i.e. none is Simplified-only.
    assert [c for c in shown if cc.convert(c) != c] == []
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == msgid


def test_english_plural_forms_follow_the_count():
    with translation.override("en"):
        one = translation.ngettext("共 %(n)s 条", "共 %(n)s 条", 1) % {"n": 1}
        many = translation.ngettext("共 %(n)s 条", "共 %(n)s 条", 3) % {"n": 3}
    assert one != many and "1" in one and "3" in many
    assert not HAN.search(one + many)


def _chrome(html):
    """The page's own furniture: the main navigation(s), skip link and footer."""
    tree = HTMLParser(html)
    assert tree.css_first("html").attributes.get("lang") == "en"
    parts = [n.text(separator=" ") for n in tree.css("nav.main-nav, .skip-link, footer")]
    parts += [n.attributes.get("aria-label") or "" for n in tree.css("nav.main-nav")]
    return " ".join(parts)


@pytest.mark.parametrize(
    "who, url_of",
    [
        (None, lambda demo: "/"),
        (None, lambda demo: f"/agencies/{demo['青山市:教育局'].pk}/guide/"),
        ("clerk", lambda demo: "/staff/"),
    ],
)
def test_navigation_is_english(client, demo, as_user, who, url_of):
    c = as_user(who) if who else client
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    resp = c.get(url_of(demo))
    assert resp.status_code == 200
    chrome = _chrome(resp.content.decode())
    assert "Home" in chrome or "Dashboard" in chrome or "Applications" in chrome, chrome
    assert not HAN.search(chrome), f"Chinese left in the English navigation: {chrome}"


def test_module_level_labels_follow_the_request_language():
    """Labels defined at import time must be lazy, or they stay in the import-time language."""
    from gongkai.inforequests.views import ACTIONS, XLSX_COLUMNS
    from gongkai.publications.views import FIELD_LABELS, STATUS_TABS

    labels = [a[3] for a in ACTIONS.values()] + [label for _k, label in XLSX_COLUMNS]
    labels += list(FIELD_LABELS.values()) + [label for _k, label in STATUS_TABS]
    for lang, want_han in (("en", False), ("zh-hans", True)):
        with translation.override(lang):
            shown = [str(label) for label in labels]
        assert [s for s in shown if bool(HAN.search(s)) != want_han] == [], lang
    with translation.override("en"):
        assert str(ACTIONS["assign"][3]) == "Assign"
