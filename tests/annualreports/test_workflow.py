"""Draft → reviewed → published, immutable versions, corrections, permissions, portal."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongkai.annualreports import services
from gongkai.annualreports.models import AnnualReport, ReportStatus, ReportVersion


@pytest.fixture
def report(edu, users):
    return services.open_report(users["clerk"], edu, 2025)


def test_open_report_drafts_narrative_from_data(report):
    assert report.format == "2021"
    assert "本年新收政府信息公开申请" in report.section_1
    assert "未收取信息处理费" in report.section_6


def test_manual_figures_validated_all_or_nothing(report, users):
    with pytest.raises(ValidationError) as exc:
        services.set_manual_figures(
            users["clerk"],
            report,
            {
                "proactive.licensing.decisions": ("12", "审批平台"),
                "proactive.penalty.decisions": ("-3", "执法平台"),
                "proactive.coercion.decisions": ("1.5", "执法平台"),
                "proactive.fees.amount_wan_yuan": ("2.5", ""),
            },
        )
    assert set(exc.value.message_dict) == {
        "proactive.penalty.decisions",
        "proactive.coercion.decisions",
        "proactive.fees.amount_wan_yuan",
    }
    assert report.manual.count() == 0  # nothing half-saved
    with pytest.raises(ValidationError):
        services.set_manual_figure(users["clerk"], report, "applications.new.total", 3, "x")
    with pytest.raises(PermissionDenied):
        services.set_manual_figure(
            users["cityclerk"], report, "proactive.licensing.decisions", 3, "x"
        )
    services.set_manual_figure(
        users["clerk"], report, "proactive.fees.amount_wan_yuan", "2.5", "财务科"
    )
    assert report.manual.get().value == 2.5


def test_publish_flow_snapshot_and_correction(report, users, client):
    with pytest.raises(PermissionDenied):
        services.mark_reviewed(users["clerk"], report)
    services.save_narrative(
        users["clerk"], report, section_5="<p>问题：培训不足。<script>alert(1)</script></p>"
    )
    report.refresh_from_db()
    assert "<script>" not in report.section_5 and "培训不足" in report.section_5
    with pytest.raises(ValidationError):
        services.publish(users["head"], report)  # not reviewed yet
    services.mark_reviewed(users["reviewer"], report)
    with pytest.raises(PermissionDenied):
        services.publish(users["reviewer"], report)
    v1 = services.publish(users["head"], report)
    assert v1.number == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED
    assert v1.snapshot["cells"]["applications.new.total"] is not None
    assert "培训不足" in v1.snapshot["narrative"]["五"]
    assert [p[0] for p in v1.snapshot["trend"]] == [2021, 2022, 2023, 2024, 2025]
    assert v1.snapshot["counting_rules"]["appeals"].startswith("行政复议")
    with pytest.raises(ValidationError):
        services.save_narrative(users["clerk"], report, section_5="x")
    v1.change_note = "tamper"
    with pytest.raises(ValidationError):
        v1.save()
    with pytest.raises(ValidationError):
        v1.delete()
    # portal
    r = client.get(f"/reports/{report.agency_id}/2025/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "培训不足" in html and "三、收到和处理政府信息公开申请情况" in html
    data = json.loads(client.get(f"/reports/{report.agency_id}/2025.json").content)
    assert data["version"] == 1 and "applications.new.total" in data["cells"]
    # correction: a new version with a visible note; version 1 stays as it was
    services.start_correction(users["clerk"], report, "更正第五部分文字")
    services.save_narrative(users["clerk"], report, section_5="<p>问题：培训不足，已整改。</p>")
    services.mark_reviewed(users["head"], report)
    v2 = services.publish(users["head"], report)
    assert v2.number == 2 and v2.change_note == "更正第五部分文字"
    assert (
        ReportVersion.objects.get(pk=v1.pk).snapshot["narrative"]["五"]
        == v1.snapshot["narrative"]["五"]
    )
    html = client.get(f"/reports/{report.agency_id}/2025/").content.decode()
    assert "更正第五部分文字" in html and "已整改" in html
    old = client.get(f"/reports/{report.agency_id}/2025/?version=1").content.decode()
    assert "已整改" not in old and "早期版本" in old
    assert client.get("/reports/").status_code == 200
    assert "2025" in client.get(f"/agencies/{report.agency_id}/reports/").content.decode()


def test_unpublished_reports_are_not_public(report, client):
    assert client.get(f"/reports/{report.agency_id}/2025/").status_code == 404
    assert client.get(f"/reports/{report.agency_id}/2025.json").status_code == 404


def test_staff_pages_and_permissions(report, as_user, edu):
    c = as_user("clerk")
    for url in (
        "/staff/reports/",
        f"/staff/reports/{report.pk}/",
        f"/staff/reports/{report.pk}/edit/",
        f"/staff/reports/{report.pk}/figures/",
        f"/staff/reports/{report.pk}/cells/appeals.reconsideration.total/",
        "/staff/reports/dashboard/",
    ):
        assert c.get(url).status_code == 200, url
    assert (
        c.get(f"/staff/reports/{report.pk}/cells/proactive.penalty.decisions/").status_code == 404
    )
    assert c.get(f"/staff/reports/{report.pk}/cells/nonsense/").status_code == 404
    r = c.post(
        f"/staff/reports/{report.pk}/figures/",
        {"v:proactive.penalty.decisions": "abc", "s:proactive.penalty.decisions": "x"},
    )
    assert r.status_code == 200 and "请输入数字" in r.content.decode()
    other = as_user("cityclerk")
    assert other.get(f"/staff/reports/{report.pk}/").status_code == 403
    assert other.post(f"/staff/reports/{report.pk}/edit/", {"section_5": "x"}).status_code == 403
    sup = as_user("supervisor")
    assert (
        sup.get(f"/staff/reports/{report.pk}/").status_code == 200
    )  # supervisors read the subtree
    assert sup.post(f"/staff/reports/{report.pk}/publish/").status_code == 403
    assert sup.get("/staff/reports/rollup/2025/").status_code == 200
    assert sup.get("/staff/reports/dashboard/").status_code == 200
    assert as_user("clerk").get("/staff/reports/rollup/2025/").status_code == 403
    c.logout()
    assert c.get(f"/staff/reports/{report.pk}/").status_code == 302


def test_demo_report_ready_and_idempotent(demo):
    from gongkai.annualreports import demo as ar_demo

    ar_demo.build(demo)
    ar_demo.build(demo)
    r = AnnualReport.objects.get(agency=demo["青山市:教育局"], year=2025)
    assert r.status == ReportStatus.DRAFT and r.manual.count() >= 4
    last = AnnualReport.objects.get(agency=demo["青山市:教育局"], year=2024)
    assert last.status == ReportStatus.PUBLISHED and last.versions.count() == 1
    assert "上年度问题整改情况" in r.section_5
    assert "政策解读形式较为单一" in services.last_year_section_5(r.agency, 2025)


def test_open_data_api(report, users, client):
    assert client.get(f"/api/reports/{report.agency_id}/2025").status_code == 404
    services.mark_reviewed(users["head"], report)
    services.publish(users["head"], report)
    rows = client.get("/api/reports/").json()
    assert [(r["agency_id"], r["year"], r["version"]) for r in rows] == [
        (report.agency_id, 2025, 1)
    ]
    data = client.get(f"/api/reports/{report.agency_id}/2025").json()
    page = json.loads(client.get(f"/reports/{report.agency_id}/2025.json").content)
    assert data["cells"] == page["cells"] and "applications.new.total" in data["cells"]


def test_figures_page_prints_the_unit_once(report, as_user):
    """The 2021 header already says （单位：万元）; the page printed （单位：万元）（万元）."""
    body = as_user("clerk").get(f"/staff/reports/{report.pk}/figures/").content.decode()
    assert "本年收费金额（单位：万元）" in body
    assert "（万元）" not in body and body.count("万元") == body.count("（单位：万元）")


def test_demo_2024_report_published_before_the_deadline(demo):
    """RULES.md E3: a department publishes by 31 January of the following year; the demo's 2024
    report must look published in time, not on the day the demo was loaded."""
    import datetime as dt

    from django.utils import timezone

    from gongkai.annualreports import demo as report_demo
    from gongkai.annualreports.deadlines import status_for
    from gongkai.annualreports.selectors import (
        published_version,
        reports_with_first_publication,
    )

    edu = demo["青山市:教育局"]
    report_demo.build(demo)
    v = published_version(edu.pk, 2024)
    assert v is not None and v.number == 1
    day = timezone.localdate(v.published_at)
    assert dt.date(2025, 1, 1) <= day <= dt.date(2025, 1, 31)
    assert v.snapshot["published_at"].startswith(day.isoformat())
    report = reports_with_first_publication([edu.pk], 2024).get()
    row = status_for(edu, 2024, report, dt.date(2025, 6, 1))
    assert row["level"] == "ok" and row["published_on"] == day


def test_rollup_counts_an_inactive_agency_the_dashboard_does_not_list_it(demo, as_user):
    """An agency abolished during the year: its records still count in the roll-up (it sums
    over every agency of the subtree), but it has no report to publish, so the status views
    leave it out."""
    gone = demo["青山市:松林县:民政局"]
    n_all = demo["青山市"].subtree().count()
    gone.is_active = False
    gone.save()
    sup = as_user("supervisor")
    page = sup.get("/staff/reports/rollup/2025/").content.decode()
    assert f"汇总 {n_all} 个机关的记录" in page
    dash = sup.get("/staff/reports/dashboard/?year=2025").content.decode()
    assert "松林县民政局" not in dash and "松林县教育局" in dash
