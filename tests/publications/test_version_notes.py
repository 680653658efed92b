"""Notes the system writes on versions and review records are stored in Chinese and shown in the
request's language with their own wording: as a note "发布" reads "Published", not the button's
"Publish"; 有效性 changes too. Notes typed by staff are shown as written."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from gongkai.publications import services
from gongkai.publications.models import PublicationVersion, ReviewRecord, display_system_note

from .helpers import draft, publish_flow, user


@pytest.fixture(autouse=True)
def _keep_language():
    with translation.override(translation.get_language()):
        yield


def _page(c, pub, lang):
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    r = c.get(reverse("publications:detail", args=[pub.pk]))
    assert r.status_code == 200
    return r.content.decode()


def _section(page, heading_id):
    start = page.index(f'aria-labelledby="{heading_id}"')
    return page[start : page.index("</section>", start)]


@pytest.mark.django_db
def test_version_and_validity_notes_in_english(demo, as_user):
    edu = demo["青山市:教育局"]
    pub = draft(edu)
    pub = services.update_publication(user("clerk"), pub, {"title": "关于做好招生工作的通知"})
    pub = publish_flow(pub)
    with translation.override("en"):  # the user's language must not leak into the stored note
        pub = services.change_validity(
            user("head"), pub, "repealed", date(2026, 6, 1), note="已被新文件替代"
        )
    notes = list(
        PublicationVersion.objects.filter(publication=pub)
        .order_by("number")
        .values_list("change_note", flat=True)
    )
    assert notes[:2] == ["创建草稿", "修改草稿"] and "发布" in notes
    assert notes[-1] == "有效性变更为“废止”（2026-06-01）：已被新文件替代"
    record = ReviewRecord.objects.filter(publication=pub, step="validity").get()
    assert record.note == notes[-1]

    en = _page(as_user("head"), pub, "en")
    versions = _section(en, "h-ver")
    for text in ("Draft created", "Draft edited", "Published"):
        assert f"<td>{text}" in versions, text
    assert "<td>Edit draft" not in versions and "<td>Publish<" not in versions
    # The label is translated, the date and the staff's own words are kept.
    assert "Validity changed to “Repealed” (2026-06-01): 已被新文件替代" in versions
    assert "Validity changed to “Repealed” (2026-06-01): 已被新文件替代" in _section(en, "h-rec")
    assert "有效性变更为" not in en
    zh = _page(as_user("head"), pub, "zh-hans")
    assert "<td>修改草稿" in zh and "有效性变更为“废止”（2026-06-01）：已被新文件替代" in zh


@pytest.mark.parametrize(
    "note, english",
    [
        ("有效性变更为“失效”", "Validity changed to “Expired”"),
        ("有效性变更为“失效”（2026-01-02）", "Validity changed to “Expired” (2026-01-02)"),
        ("有效性变更为“现行有效”：恢复", "Validity changed to “In force”: 恢复"),
        ("撤回：附件有误", "Withdrawn: 附件有误"),
        ("发布", "Published"),
        ("请补充发文日期", "请补充发文日期"),  # a reviewer's words stay as written
    ],
)
def test_display_system_note(note, english):
    with translation.override("en"):
        assert display_system_note(note) == english
    with translation.override("zh-hans"):
        assert display_system_note(note) == note
