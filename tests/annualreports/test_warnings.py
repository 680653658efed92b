"""Table 二 heuristics (T2-1/T2-2) are warnings: they do not stop review, and the head publishes
despite each only with a written reason (ANNUAL_REPORT_FORMAT.md §4.5: "flag, do not fail").
The reasons are kept with the published version for staff, never in the public report."""

import json
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongkai.annualreports import services
from gongkai.annualreports.models import ReportStatus


def _normative(agency, issued_on, published_on, title):
    from gongkai.publications import services as pub_services
    from gongkai.publications.models import Column, Publication

    pub_services.ensure_catalogue(agency)
    return Publication.objects.create(
        agency=agency,
        column=Column.objects.get(agency=agency, code="art20-01"),
        publisher=agency,
        title=title,
        index_number=pub_services.allocate_index_number(agency, issued_on),
        formed_on=issued_on,
        issued_on=issued_on,
        published_at=timezone.make_aware(datetime.combine(published_on, datetime.min.time()))
        + timedelta(hours=10),
        status="published",
        kind="normative_document",
        validity="in_force",
    )


@pytest.fixture
def late_published_document(edu, users):
    """2025's report is published before a document issued on 20 Dec 2025 appears on 5 Jan
    2026 (lawful under Art. 26): the 2026 report then trips T2-2."""
    r25 = services.open_report(users["clerk"], edu, 2025)
    services.mark_reviewed(users["reviewer"], r25)
    services.publish(users["head"], r25)
    _normative(edu, date(2025, 12, 20), date(2026, 1, 5), "关于规范校外培训的通知")
    return services.open_report(users["clerk"], edu, 2026)


def _t2(report):
    from gongkai.annualreports import builder

    built = builder.build_report(report)
    return built, [f for f in built.findings if f.code == "T2-2"]


def test_a_table_2_warning_does_not_block_review_and_needs_a_reason_to_publish(
    late_published_document, users, client, as_user
):
    report = late_published_document
    built, t2 = _t2(report)
    assert len(t2) == 1 and t2[0].severity == "warning" and not built.blocking
    services.mark_reviewed(users["reviewer"], report)  # was refused: warnings blocked review
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED
    with pytest.raises(ValidationError, match="须由负责人逐条确认"):
        services.publish(users["head"], report)
    key = services.finding_key(t2[0])
    with pytest.raises(PermissionDenied):
        services.acknowledge_warning(users["reviewer"], report, key, "理由")
    with pytest.raises(ValidationError, match="请填写确认理由"):
        services.acknowledge_warning(users["head"], report, key, "   ")
    with pytest.raises(ValidationError, match="已不存在"):
        services.acknowledge_warning(users["head"], report, "0" * 64, "理由")
    assert report.acknowledgements.count() == 0
    reason = (
        "该文件2025年12月20日制发、2026年1月5日公开，已计入2025年制发数；2025年报发布时尚未公开。"
    )
    # through the staff page, as the head does it
    head = as_user("head")
    page = head.get(f"/staff/reports/{report.pk}/").content.decode()
    assert "未确认" in page and key in page
    r = head.post(f"/staff/reports/{report.pk}/acknowledge/", {"key": key, "reason": reason})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.REVIEWED  # acknowledging is not an edit
    v = services.publish(users["head"], report)
    assert [a["code"] for a in v.acknowledged_warnings] == ["T2-2"]
    assert v.acknowledged_warnings[0]["reason"] == reason
    assert v.acknowledged_warnings[0]["by_id"] == users["head"].pk
    # staff see the reason with the version; the public report and its data do not
    page = head.get(f"/staff/reports/{report.pk}/").content.decode()
    assert reason in page and "第1版发布时确认的警告" in page
    public = client.get(f"/reports/{report.agency_id}/2026/").content.decode()
    data = client.get(f"/reports/{report.agency_id}/2026.json").content.decode()
    api = client.get(f"/api/reports/{report.agency_id}/2026").content.decode()
    assert client.get(f"/reports/{report.agency_id}/2026/").status_code == 200
    for text in (public, data, api, json.dumps(v.snapshot, ensure_ascii=False)):
        assert "2026年1月5日公开" not in text


def test_an_acknowledgement_lapses_when_the_figures_change(late_published_document, users):
    report = late_published_document
    _built, t2 = _t2(report)
    services.acknowledge_warning(users["head"], report, services.finding_key(t2[0]), "已核实。")
    services.mark_reviewed(users["reviewer"], report)
    # another document issued in 2025 turns up: the difference, and so the message, changes
    edu = report.agency
    _normative(edu, date(2025, 11, 3), date(2026, 2, 1), "关于课后服务的通知")
    with pytest.raises(ValidationError, match="须由负责人逐条确认"):
        services.publish(users["head"], report)
