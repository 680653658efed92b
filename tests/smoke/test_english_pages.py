"""Every page the crawl reaches, in English, as every demo role and as the public: no Chinese
left in the interface.

Chinese may legitimately appear on an English page in two ways only (the allow-list):

1. Inside an element marked ``lang="zh-…"``: official Chinese documents and their parts (a
   published annual report, a letter, a cited article of the Regulation, an excerpt of a
   document's text), the language switcher's own names and the brand mark. Marking them is also
   what WCAG 3.1.2 asks, so a screen reader reads them as Chinese.
2. Data: a run of Chinese that is exactly a value stored in the database by people or the demo
   (agency and column names, document titles and numbers, case data, names) — compared run by
   run after splitting on the same separators, so a stored name never hides a label around it.
   Fields with ``choices`` are excluded: their labels are UI text and must be translated.
3. The shape of a document number (文号, e.g. 青教〔2026〕3号, or its brackets 〔〕 alone), which
   help texts quote as an example of what to type.

Anything else with CJK characters (labels, status texts, full-width punctuation) fails here.
"""

import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.smoke.test_crawl import crawl, full_demo  # noqa: F401 (fixture)

# CJK ideographs and the full-width / CJK punctuation blocks.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Runs of Chinese are split where an English page would put its own text or punctuation.
SEPARATORS = re.compile(r"[\sA-Za-z:;,.!?()\[\]<>{}|/\\·•→←›‹\"'“”‘’=+*…]+")
DOCUMENT_NUMBER = re.compile(r"[\u4e00-\u9fff]{0,8}〔(\d{4})?〕(\d+号)?")
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Tables whose text columns hold people's or the platform's records, not UI.
DATA_APPS = {"agencies", "auth", "publications", "inforequests", "appeals", "annualreports",
             "supervision", "workcalendar", "documents", "search"}  # fmt: skip


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _runs(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text)
    return [r for r in SEPARATORS.split(text) if CJK.search(r)]


def stored_runs() -> set[str]:
    allowed: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label not in DATA_APPS:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                for s in _strings(value):
                    allowed.update(_runs(s))
    # Computed official names: the report title is the document's title.
    from gongkai.annualreports.models import AnnualReport

    for r in AnnualReport.objects.select_related("agency"):
        allowed.update(_runs(r.title))
    return allowed


def chinese_outside_allow_list(html: str, allowed: set[str]) -> list[str]:
    tree = HTMLParser(html)
    for node in tree.css("script, style, [lang^=zh], [lang^=ZH]"):
        node.decompose()
    body = tree.body
    if body is None:
        return []
    texts = [n.text_content or "" for n in body.traverse(include_text=True) if n.tag == "-text"]
    for node in body.css("*"):
        texts += [node.attributes.get(a) or "" for a in ATTRIBUTES]
    bad = []
    for t in texts:
        for run in _runs(t):
            if run in allowed or DOCUMENT_NUMBER.fullmatch(run):
                continue
            # Shortened in a list (truncatechars): the start of a stored value.
            if run.endswith("…") and any(a.startswith(run[:-1]) for a in allowed):
                continue
            bad.append(" ".join(t.split())[:120])
            break
    return bad


# Which words a page shows does not depend on the database: one pass (SQLite) is enough.
@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "username",
    [None, "clerk", "reviewer", "head", "cityclerk", "supervisor", "province", "township", "admin"],
)
def test_english_pages_carry_no_untranslated_chinese(client, full_demo, username):  # noqa: F811
    from django.contrib.auth import get_user_model

    if username:
        client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    seen, errors, pages = crawl(client, ["/staff/", "/"] if username else ["/"])
    assert not errors
    assert len(pages) > 10
    allowed = stored_runs()
    found: dict[str, set[str]] = {}
    for url, html in pages.items():
        assert 'lang="en"' in html[:300], url
        for text in chinese_outside_allow_list(html, allowed):
            found.setdefault(text, set()).add(re.sub(r"\d+", "N", url))
    report = "\n".join(f"{t!r}  on {sorted(urls)[:2]}" for t, urls in sorted(found.items()))
    assert not found, f"Chinese on English pages as {username or 'the public'}:\n{report}"


def test_labels_of_the_pure_rules_translate_at_the_django_layer(client, db):
    """KIND/STATUS labels (gongkai.rules.deadlines) and the missing-calendar warning
    (gongkai.rules.workdays) stay Chinese msgids in the pure modules and reach an English page in
    English; the Simplified page is unchanged."""
    from gongkai.rules import deadlines, workdays

    url = (
        "/deadline/?received=2030-03-04&kind0=consultation_started&on0=2030-03-05&as_of=2030-03-08"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(url).content.decode()
    assert "Consultation (clock paused)" in body
    assert "No official holiday schedule for 2030" in body
    assert ">Amendment request<" in body  # the event kinds of the form
    assert chinese_outside_allow_list(body, set()) == []
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(url).content.decode()
    assert deadlines.STATUS_LABELS["consultation"] in body
    assert workdays.FALLBACK_MESSAGE.format(year=2030) in body


def test_applicant_types_and_outcomes_translate():
    from django.utils import translation

    from gongkai.inforequests.models import OUTCOME_LABELS, ApplicantType

    with translation.override("en"):
        labels = [str(label) for label in [*OUTCOME_LABELS.values(), *ApplicantType.labels]]
        assert str(OUTCOME_LABELS["withheld.state_secret"]) == "Withheld: State secret"
    assert not [label for label in labels if CJK.search(label)], labels
    with translation.override("zh-hans"):
        assert str(OUTCOME_LABELS["withheld.state_secret"]) == "不予公开：属于国家秘密"
        assert str(OUTCOME_LABELS["partially_disclosed"]) == "部分公开"
        assert ApplicantType("natural").label == "自然人"


def test_reply_form_groups_outcomes_in_english():
    from django.utils import translation

    from gongkai.inforequests.forms import _grouped_outcomes

    with translation.override("en"):
        grouped = {
            str(k): [(key, str(label)) for key, label in v]
            for k, v in _grouped_outcomes()
            if isinstance(v, list)
        }
    assert ("withheld.state_secret", "State secret") in grouped["(3) Not disclosed"], grouped.keys()
