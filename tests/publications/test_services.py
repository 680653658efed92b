"""Workflow, privacy guard, clock and the locked publication date (service layer)."""

import re
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.publications import services
from gongkai.publications.models import (
    FindingState,
    PrivacyFinding,
    Publication,
    PublishedDateLocked,
    ReviewRecord,
    Status,
)
from gongkai.publications.services import PublicationError
from gongkai.rules import workdays

from .helpers import ID_NUMBER, draft, publish_flow, user


def test_draft_gets_index_number_due_date_and_clean_body(demo):
    agency = demo["青山市:教育局"]
    pub = draft(
        agency,
        body='<p onclick="x()">正文<script>alert(1)</script></p><a href="javascript:x">链接</a>',
        document_number="青教[2026]03号",
    )
    assert pub.index_number == f"{agency.org_code}/2026-00001"
    assert pub.document_number == "青教〔2026〕3号"
    assert "script" not in pub.body and "onclick" not in pub.body and "javascript" not in pub.body
    assert pub.body_text == "正文\n链接"
    assert pub.publication_due_on == workdays.add_workdays(date(2026, 3, 2), 20)
    assert pub.status == Status.DRAFT and pub.published_at is None
    assert pub.versions.count() == 1


def test_full_review_chain_records_who_and_when(demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    assert pub.status == Status.PUBLISHED
    assert pub.published_at is not None
    steps = list(pub.review_records.values_list("step", "reviewer__username"))
    assert steps == [
        ("submit", "clerk"),
        ("secrecy_review", "reviewer"),
        ("approve", "head"),
        ("publish", "head"),
    ]
    rec = ReviewRecord.objects.get(publication=pub, step="secrecy_review")
    assert rec.reviewed_on == timezone.localdate() and rec.disclosure_mode == "proactive"


def test_regulations_and_normative_documents_need_an_issue_date(demo):
    with pytest.raises(PublicationError, match="成文日期"):
        draft(demo["青山市:教育局"], issued_on=None)
    assert draft(demo["青山市:教育局"], issued_on=None, kind="other").issued_on is None


def test_future_formation_date_is_refused(demo):
    with pytest.raises(PublicationError, match="晚于今天"):
        draft(demo["青山市:教育局"], formed_on=timezone.localdate() + timedelta(days=1))


def test_steps_out_of_order_are_refused(demo):
    pub = draft(demo["青山市:教育局"])
    with pytest.raises(PublicationError):
        services.approve(user("head"), pub)
    with pytest.raises(PublicationError):
        services.publish(user("head"), pub)
    services.submit(user("clerk"), pub)
    with pytest.raises(PublicationError):
        services.update_publication(user("clerk"), pub, {"title": "改"})


def test_review_requires_reasons_for_non_disclosure(demo):
    pub = services.submit(user("clerk"), draft(demo["青山市:教育局"]))
    with pytest.raises(PublicationError, match="理由"):
        services.review(user("reviewer"), pub, disclosure_mode="withheld", secrecy_ok=True)
    with pytest.raises(PublicationError, match="保密审查"):
        services.review(user("reviewer"), pub, disclosure_mode="proactive", secrecy_ok=False)
    pub = services.review(
        user("reviewer"),
        pub,
        disclosure_mode="withheld",
        secrecy_ok=True,
        withheld_ground="process_information",
        note="内部请示，属过程性信息",
    )
    pub = services.approve(user("head"), pub)
    with pytest.raises(PublicationError, match="不在网站发布"):
        services.publish(user("head"), pub)


def test_return_to_draft_needs_a_note_and_allows_editing(demo):
    pub = services.submit(user("clerk"), draft(demo["青山市:教育局"]))
    with pytest.raises(PublicationError):
        services.return_to_draft(user("reviewer"), pub, "")
    pub = services.return_to_draft(user("reviewer"), pub, "文号有误")
    pub = services.update_publication(user("clerk"), pub, {"document_number": "青教〔2026〕4号"})
    assert pub.document_number == "青教〔2026〕4号"


def test_published_at_is_the_server_clock_and_never_changes(demo):
    pub = draft(demo["青山市:教育局"])
    before = timezone.now()
    pub = publish_flow(pub)
    assert before <= pub.published_at <= timezone.now()
    stamp = pub.published_at
    # Corrections keep the date and say what changed.
    pub = services.correct_publication(
        user("head"), pub, {"title": "关于做好2026年义务教育招生工作的通知（更正）"}, "更正标题错字"
    )
    pub.refresh_from_db()
    assert pub.published_at == stamp and pub.change_note == "更正标题错字"
    assert pub.versions.filter(is_public_note=True, change_note="更正标题错字").exists()
    # The service refuses a published_at / index_number in the data…
    for field in ("published_at", "index_number"):
        with pytest.raises(PublicationError, match="不能修改"):
            services.correct_publication(user("head"), pub, {field: "x"}, "改日期")
    # …and the model refuses it on any save path.
    pub.published_at = stamp - timedelta(days=30)
    with pytest.raises(PublishedDateLocked):
        pub.save()
    assert Publication.objects.get(pk=pub.pk).published_at == stamp


def test_withdraw_keeps_reason_and_date(demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    with pytest.raises(PublicationError):
        services.withdraw(user("head"), pub, " ")
    stamp = pub.published_at
    pub = services.withdraw(user("head"), pub, "内容有误，重新发布")
    assert pub.status == Status.WITHDRAWN and pub.published_at == stamp
    assert pub.withdrawn_reason == "内容有误，重新发布"
    assert pub.versions.filter(is_public_note=True).exists()


# --- privacy guard ----------------------------------------------------------------------------


def test_guard_blocks_until_masked_and_masking_rewrites_the_body(demo):
    pub = draft(
        demo["青山市:教育局"],
        body=f"<p>经审核，申请人张某（身份证号<b>{ID_NUMBER}</b>，电话13812341234）符合条件。</p>",
    )
    findings = list(pub.privacy_findings.order_by("start"))
    assert [f.kind for f in findings] == ["id_number", "mobile"]
    # The finding records never hold the raw number.
    for f in findings:
        assert ID_NUMBER not in f.context and "13812341234" not in f.context
        assert ID_NUMBER not in f.masked
    with pytest.raises(PublicationError, match="个人信息"):
        services.submit(user("clerk"), pub)
    pub = services.mask_finding(user("clerk"), findings[0])
    assert ID_NUMBER not in pub.body and "35*************234" in pub.body
    assert "<b>35*************234</b>" in pub.body  # markup kept
    pub = services.mask_finding(user("clerk"), findings[1])
    assert "138****1234" in pub.body_text
    assert not pub.privacy_findings.filter(state=FindingState.OPEN).exists()
    assert publish_flow(pub).status == Status.PUBLISHED


def test_waiver_needs_a_reason_and_survives_rescans(demo):
    pub = draft(demo["青山市:教育局"], body="<p>值班手机：13912345678</p>")
    f = pub.privacy_findings.get()
    with pytest.raises(PublicationError):
        services.waive_finding(user("reviewer"), f, "")
    services.waive_finding(user("reviewer"), f, "本机关公布的值班电话")
    services.update_publication(user("clerk"), pub, {"title": "值班安排"})
    f.refresh_from_db()
    assert f.state == FindingState.WAIVED and f.waived_by.username == "reviewer"
    assert not pub.privacy_findings.filter(state=FindingState.OPEN).exists()
    assert publish_flow(pub).status == Status.PUBLISHED


@pytest.mark.parametrize(
    "text",
    [
        "依据闽政〔2023〕12号文件，索引号000014349/2018-00222。",
        "统一社会信用代码：91350100M000100Y43，电话0591-87654321。",
        "全年安排资金13812345678元，比上年增长。",
        "联系邮箱 gongkai@example.gov.cn，邮编350001。",
        "成文日期20230101，发文日期2023-01-01。",
        "共计15900000000元",
    ],
)
def test_tricky_negatives_do_not_block(demo, text):
    pub = draft(demo["青山市:教育局"], body=f"<p>{text}</p>")
    assert list(pub.privacy_findings.all()) == []


def test_correction_introducing_personal_data_is_rolled_back(demo):
    pub = publish_flow(draft(demo["青山市:教育局"]))
    with pytest.raises(PublicationError, match="个人信息"):
        services.correct_publication(
            user("head"), pub, {"body": f"<p>身份证{ID_NUMBER}</p>"}, "补充正文"
        )
    pub.refresh_from_db()
    assert ID_NUMBER not in pub.body and pub.change_note == ""


# --- the clock ----------------------------------------------------------------------------------


def test_late_flag_on_publishing(demo):
    pub = draft(demo["青山市:教育局"], formed_on=date(2026, 1, 5))
    late_moment = timezone.make_aware(datetime(2026, 3, 20, 10, 0))
    with mock.patch("gongkai.publications.services._now", return_value=late_moment):
        pub = publish_flow(pub)
    assert pub.is_late
    pub2 = draft(demo["青山市:教育局"], formed_on=date(2026, 1, 5))
    ok_moment = timezone.make_aware(datetime(2026, 1, 20, 10, 0))
    with mock.patch("gongkai.publications.services._now", return_value=ok_moment):
        pub2 = publish_flow(pub2)
    assert not pub2.is_late


def test_due_soon_and_late_lists(demo):
    from gongkai.publications import selectors

    agency = demo["青山市:教育局"]
    formed = date(2026, 3, 2)
    pub = draft(agency, formed_on=formed)
    due = pub.publication_due_on
    ids = [agency.pk]
    assert list(selectors.due_soon(ids, today=due - timedelta(days=2))) == [pub]
    assert list(selectors.late_unpublished(ids, today=due - timedelta(days=2))) == []
    assert list(selectors.late_unpublished(ids, today=due + timedelta(days=1))) == [pub]
    assert list(selectors.due_soon(ids, today=formed)) == []
    services.refresh_clock(today=due + timedelta(days=1))
    pub.refresh_from_db()
    assert pub.is_late


def test_calendar_change_recomputes_due_dates(demo):
    from gongkai.workcalendar.models import WorkdayOverride

    agency = demo["青山市:教育局"]
    pub = draft(agency, formed_on=date(2026, 3, 2))
    old_due = pub.publication_due_on
    # Declare the (working) day after formation a holiday: the due date moves one working day.
    WorkdayOverride.objects.create(day=date(2026, 3, 3), kind="holiday", note="测试")
    pub.refresh_from_db()
    assert pub.publication_due_on == workdays.add_workdays(old_due, 1)
    assert PrivacyFinding.objects.count() == 0


def test_clock_command(demo, capsys):
    from django.core.management import call_command

    draft(demo["青山市:教育局"], formed_on=date(2025, 1, 6))
    call_command("publication_clock")
    out = capsys.readouterr().out
    assert "逾期未公开1条" in out and "关于做好2026年义务教育招生工作的通知" in out
    assert Publication.objects.get().is_late


# Personal data of fictional people (valid check characters), placed in random markup.
_VALUES = [ID_NUMBER, "13812341234", "139 1234 5678", "6222021234567890128", "zhang.san@qq.com"]
_WORDS = ["通知", "经审核，", "联系人：", "金额100元", "（", "）", "电话", "。", "<br>"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(
        st.one_of(st.sampled_from(_WORDS), st.sampled_from(_VALUES).map(lambda v: ("v", v))),
        min_size=1,
        max_size=12,
    ),
    tag=st.sampled_from(["p", "b", "td", "span", "li"]),
)
def test_masking_every_finding_leaves_no_personal_data(demo, parts, tag):
    from gongkai.rules import privacy

    Publication.objects.all().delete()
    html = ""
    for p in parts:
        if isinstance(p, tuple):
            html += f"<{tag}>{p[1]}</{tag}>" if tag != "td" else f" {p[1]} "
        else:
            html += p
    pub = draft(demo["青山市:教育局"], body=f"<p>{html}</p>")
    split = set()
    for _ in range(30):
        f = pub.privacy_findings.filter(state=FindingState.OPEN).exclude(pk__in=split).first()
        if f is None:
            break
        try:
            pub = services.mask_finding(user("clerk"), f)
        except PublicationError as e:
            # Only a value the markup cuts in two may need a manual edit.
            assert e.code == "split"
            split.add(f.pk)
    pub.refresh_from_db()
    # Whatever was in one text node is masked; nothing the guard sees is left.
    for v in _VALUES:
        assert v not in pub.body
    if not split:
        assert privacy.scan(pub.body_text) == []


def test_finding_context_never_shows_neighbouring_numbers(demo):
    # A second ID number cut by the 20-character window must not show in the context either.
    pub = draft(demo["青山市:教育局"], body=f"<p>{ID_NUMBER}与{ID_NUMBER[:-1]}5号码核对</p>")
    for f in pub.privacy_findings.all():
        assert not re.search(r"\d{7,}", f.context)


def test_big_calendar_changes_go_to_the_background(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    from gongkai.publications import tasks
    from gongkai.workcalendar.models import WorkdayOverride

    pub = draft(demo["青山市:教育局"], formed_on=date(2026, 3, 2))
    old_due = pub.publication_due_on
    monkeypatch.setattr(services, "CLOCK_INLINE_LIMIT", 0)
    queued = []

    class FakeTask:
        def enqueue(self, years):
            queued.append(years)

    monkeypatch.setattr(tasks, "refresh_clock_task", FakeTask())
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(day=date(2026, 3, 3), kind="holiday", note="测试")
    assert queued == [[2026]]
    pub.refresh_from_db()
    assert pub.publication_due_on == old_due  # not yet: the worker does it
    # What the worker runs:
    assert services.refresh_clock(services.clock_window([2026])) == 1
    pub.refresh_from_db()
    assert pub.publication_due_on == workdays.add_workdays(old_due, 1)
    # Records due before the changed year are outside the window.
    assert not services.clock_window([2027]).filter(pk=pub.pk).exists()
