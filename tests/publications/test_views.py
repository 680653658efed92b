"""Staff pages: permissions, the workflow through HTTP, and the locked publication date."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gongkai.publications.models import Column, FindingState, Publication, Status

from .helpers import ID_NUMBER, draft, publish_flow


def _url(name, *args):
    return reverse(f"publications:{name}", args=args)


def test_anonymous_is_sent_to_login(client, demo):
    pub = draft(demo["青山市:教育局"])
    for url in (_url("index"), _url("detail", pub.pk), _url("create"), _url("clock")):
        r = client.get(url)
        assert r.status_code == 302 and "/staff/login/" in r["Location"]
    r = client.post(_url("action", pub.pk, "submit"))
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert Publication.objects.get(pk=pub.pk).status == Status.DRAFT


def test_other_agencies_staff_get_403(as_user, demo):
    pub = draft(demo["青山市:教育局"])
    c = as_user("township")
    assert c.get(_url("detail", pub.pk)).status_code == 403
    assert c.post(_url("action", pub.pk, "submit")).status_code == 403
    assert c.post(_url("edit", pub.pk), {"title": "x"}).status_code == 403
    f_pub = draft(demo["青山市:教育局"], body=f"<p>{ID_NUMBER}</p>")
    f = f_pub.privacy_findings.get()
    assert c.post(_url("finding_mask", f.pk)).status_code == 403
    assert c.post(_url("finding_waive", f.pk), {"reason": "x"}).status_code == 403
    assert Publication.objects.get(pk=pub.pk).status == Status.DRAFT


def test_roles_within_the_agency(as_user, demo):
    pub = draft(demo["青山市:教育局"])
    c = as_user("clerk")
    assert c.post(_url("action", pub.pk, "submit")).status_code == 302
    # A clerk may not review, approve or publish.
    assert (
        c.post(_url("action", pub.pk, "review"), {"disclosure_mode": "proactive"}).status_code
        == 403
    )
    c = as_user("reviewer")
    r = c.post(
        _url("action", pub.pk, "review"), {"disclosure_mode": "proactive", "secrecy_ok": "on"}
    )
    assert r.status_code == 302
    assert c.post(_url("action", pub.pk, "approve")).status_code == 403
    c = as_user("head")
    c.post(_url("action", pub.pk, "approve"))
    c.post(_url("action", pub.pk, "publish"))
    assert Publication.objects.get(pk=pub.pk).status == Status.PUBLISHED


def test_supervisor_may_view_but_not_act(as_user, demo):
    pub = draft(demo["青山市:教育局"])
    c = as_user("supervisor")  # 青山市 公开办: reads the subtree
    assert c.get(_url("detail", pub.pk)).status_code == 200
    assert c.post(_url("action", pub.pk, "submit")).status_code == 403


def test_create_through_the_form_then_mask_and_submit(as_user, demo):
    agency = demo["青山市:教育局"]
    c = as_user("clerk")
    assert c.get(_url("create")).status_code == 200
    col = Column.objects.get(agency=agency, code="art20-11")
    r = c.post(
        _url("create"),
        {
            "column": col.pk,
            "title": "2026年春季学期学生资助名单",
            "formed_on": "2026-03-02",
            "kind": "other",
            "validity": "in_force",
            "disclosure_mode": "proactive",
            "body": f"<p>王某，身份证号{ID_NUMBER}，资助1000元。</p>",
            # Extra fields in the POST are ignored: the form has no such fields.
            "published_at": "2020-01-01T00:00",
            "index_number": "FORGED/2020-00001",
        },
    )
    assert r.status_code == 302
    pub = Publication.objects.get(title="2026年春季学期学生资助名单")
    assert pub.published_at is None and not pub.index_number.startswith("FORGED")
    page = c.get(_url("detail", pub.pk)).content.decode()
    assert "35*************234" in page and ID_NUMBER not in page.split("pub-body")[0]
    r = c.post(_url("action", pub.pk, "submit"), follow=True)
    assert "个人信息" in r.content.decode()
    assert Publication.objects.get(pk=pub.pk).status == Status.DRAFT
    f = pub.privacy_findings.get()
    c.post(_url("finding_mask", f.pk))
    assert pub.privacy_findings.get().state == FindingState.MASKED
    c.post(_url("action", pub.pk, "submit"))
    assert Publication.objects.get(pk=pub.pk).status == Status.SUBMITTED


def test_correction_form_cannot_change_the_publication_date(as_user, demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    stamp = pub.published_at
    c = as_user("head")
    assert c.get(_url("correct", pub.pk)).status_code == 200
    data = {
        "column": pub.column_id,
        "title": pub.title + "（修订）",
        # Not a field of the correction form: locked after first publication (Art. 26).
        "formed_on": "2026-06-01",
        "changed_on": timezone.localdate().isoformat(),
        "issued_on": pub.issued_on.isoformat(),
        "kind": pub.kind,
        "validity": "in_force",
        "body": pub.body,
        "change_note": "修正标题",
        "published_at": (stamp - timedelta(days=365)).isoformat(),
        "published_at_0": "2020-01-01",
        "index_number": "FORGED/2020-00001",
    }
    r = c.post(_url("correct", pub.pk), data)
    assert r.status_code == 302
    pub.refresh_from_db()
    assert pub.title.endswith("（修订）") and pub.published_at == stamp
    assert pub.formed_on == date(2026, 3, 2)
    assert not pub.index_number.startswith("FORGED")
    # The clerk cannot use the correction form at all.
    assert as_user("clerk").get(_url("correct", pub.pk)).status_code == 403


def test_edit_only_drafts(as_user, demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    r = as_user("clerk").post(_url("edit", pub.pk), {"title": "改"})
    assert r.status_code == 302
    assert Publication.objects.get(pk=pub.pk).title != "改"


@pytest.mark.parametrize("name", ["index", "clock", "columns", "import"])
def test_pages_render(as_user, demo, name):
    draft(demo["青山市:教育局"])
    c = as_user("head")
    assert c.get(_url(name)).status_code == 200


def test_list_filters_and_tabs(as_user, demo):
    a = demo["青山市:教育局"]
    draft(a, title="甲通知")
    publish_flow(draft(a, title="乙规定"))
    c = as_user("clerk")
    page = c.get(_url("index"), {"status": "published"}).content.decode()
    assert "乙规定" in page and "甲通知" not in page
    page = c.get(_url("index"), {"q": "甲"}).content.decode()
    assert "甲通知" in page and "乙规定" not in page


def test_column_management_requires_head_or_admin(as_user, demo):
    a = demo["青山市:教育局"]
    draft(a)
    data = {
        "new-name": "工作动态",
        "new-code": "news",
        "new-update_cycle_days": "14",
        "new-position": "5",
        "new-is_active": "on",
        "add": "1",
    }
    assert as_user("clerk").post(_url("columns"), data).status_code == 403
    assert as_user("head").post(_url("columns"), data).status_code == 302
    col = Column.objects.get(agency=a, code="news")
    assert col.kind == "custom" and col.update_cycle_days == 14
    # Duplicate code refused with a message, not a crash.
    r = as_user("head").post(_url("columns"), data)
    assert r.status_code == 200 and "相同代码" in r.content.decode()


def test_index_settings_validation(as_user, demo):
    a = demo["青山市:教育局"]
    c = as_user("head")
    r = c.post(
        _url("index_settings"),
        {
            "prefix_kind": "custom",
            "custom_prefix": "",
            "separator": "/",
            "year_format": "YYYY",
            "serial_width": "5",
        },
        follow=True,
    )
    assert "自定义前段码" in r.content.decode()
    c.post(
        _url("index_settings"),
        {
            "prefix_kind": "custom",
            "custom_prefix": "qsjy",
            "separator": "-",
            "year_format": "YYYY",
            "serial_width": "6",
        },
    )
    assert draft(a).index_number.startswith("qsjy-2026-000")


@pytest.mark.parametrize("method", ["put", "patch", "post", "delete"])
def test_the_api_cannot_change_the_publication_date(client, as_user, demo, method):
    import json

    pub = publish_flow(draft(demo["青山市:教育局"]))
    stamp = pub.published_at
    body = json.dumps({"published_at": "2020-01-01T00:00:00+08:00", "title": "改"})
    for c in (client, as_user("head")):
        r = getattr(c, method)(f"/api/publications/{pub.pk}", body, content_type="application/json")
        assert r.status_code in (401, 403, 404, 405)
    pub.refresh_from_db()
    assert pub.published_at == stamp and pub.title != "改"
    # …and the API reports the stored date.
    got = client.get(f"/api/publications/{pub.pk}").json()
    api_stamp = datetime.fromisoformat(got["published_at"].replace("Z", "+00:00"))
    assert abs((api_stamp - stamp).total_seconds()) < 1


def test_version_pages_show_what_changed(as_user, demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    from gongkai.publications import services

    from .helpers import user

    services.correct_publication(user("head"), pub, {"title": "新标题"}, "更正标题")
    last = pub.versions.first()
    c = as_user("clerk")
    page = c.get(_url("version", pub.pk, last.number)).content.decode()
    assert "新标题" in page and "有变化" in page and "更正标题" in page
    assert c.get(_url("version", pub.pk, 999)).status_code == 404
    assert as_user("township").get(_url("version", pub.pk, last.number)).status_code == 403


@pytest.mark.parametrize(
    "lang,text", [("en", "Awaiting review"), ("zh-hant", "待審覈"), ("zh-hans", "待审核")]
)
def test_staff_pages_in_three_languages(as_user, demo, settings, lang, text):
    draft(demo["青山市:教育局"])
    c = as_user("clerk")
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    assert text in c.get(_url("index")).content.decode()


def test_column_cannot_become_its_own_descendant(as_user, demo):
    a = demo["青山市:教育局"]
    draft(a)
    parent = Column.objects.create(agency=a, code="p", name="甲", kind="custom")
    child = Column.objects.create(agency=a, code="c", name="乙", kind="custom", parent=parent)
    r = as_user("head").post(
        _url("column_edit", parent.pk),
        {"name": "甲", "code": "p", "parent": child.pk, "position": "0", "is_active": "on"},
    )
    assert r.status_code == 200 and "下级栏目" in r.content.decode()
    parent.refresh_from_db()
    assert parent.parent_id is None


def test_supervisor_sees_the_subtree_list(as_user, demo):
    draft(demo["青山市:教育局"], title="市教育局文件")
    draft(demo["白水市:教育局"], title="白水市文件")
    c = as_user("supervisor")  # 青山市 公开办
    own = c.get(_url("index")).content.decode()
    assert "市教育局文件" not in own
    sub = c.get(_url("index"), {"scope": "subtree"}).content.decode()
    assert "市教育局文件" in sub and "白水市文件" not in sub
    # A clerk asking for the subtree just gets the own agency.
    page = as_user("cityclerk").get(_url("index"), {"scope": "subtree"}).content.decode()
    assert "市教育局文件" not in page
