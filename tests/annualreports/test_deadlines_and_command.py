"""Deadlines per Art. 49 (RULES.md E3), the dashboard's January warning, the report command."""

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from gongkai.annualreports import services
from gongkai.annualreports.deadlines import deadline_for
from gongkai.annualreports.selectors import dashboard_widget, status_rows

D = dt.date


def test_deadlines_by_kind(demo):
    assert deadline_for(demo["青山市:教育局"], 2025)[0] == D(2026, 1, 31)
    assert deadline_for(demo["青山市"], 2025)[0] == D(2026, 3, 31)
    assert deadline_for(demo["province"], 2025)[0] == D(2026, 3, 31)
    assert deadline_for(demo["青山市:松林县:教育局"], 2025)[0] == D(2026, 1, 31)
    town = deadline_for(demo["青山市:松林县:城关镇"], 2025)
    assert town[0] is None and "未规定" in town[1]


def _agency(demo, name, level, kind, parent):
    from gongkai.rules.uscc import make_uscc

    n = type(parent).objects.count() + 500
    return type(parent).objects.create(
        uscc=make_uscc("1", "1", "990101", f"98{n:06d}"),
        name=name,
        level=level,
        kind=kind,
        parent=parent,
    )


def test_no_statutory_deadline_below_county_or_for_authorised_bodies(demo, settings):
    """RULES.md E3: Art. 49 dates bind 县级以上 departments and governments only. A township
    department or a 授权组织 is never "逾期"; a configured local date only warns."""
    town = demo["青山市:松林县:城关镇"]
    town_dept = _agency(demo, "城关镇财政所", "township", "department", town)
    authorised = _agency(demo, "青山市住房公积金管理中心", "city", "authorised", demo["青山市"])
    assert deadline_for(town_dept, 2025)[0] is None  # was 31 January: level was ignored
    late_day = D(2026, 12, 1)
    for a in (town, town_dept, authorised):
        row = status_rows([a], 2025, late_day)[0]
        assert row["due"] is None and row["level"] == "none", row
        assert row["text"] == "尚未开始（无法定期限）"
    settings.GONGKAI = {**settings.GONGKAI, "ANNUAL_REPORT_LOCAL_DEADLINE": (2, 20)}
    row = status_rows([town], 2025, late_day)[0]
    assert row["due"] == D(2026, 2, 20) and "本地要求" in row["basis"]
    assert row["level"] == "warn" and row["text"] == "已过本地要求日期，尚未发布"


def _publish_on(users, report, day):
    from django.utils import timezone

    from gongkai.annualreports.models import ReportVersion

    services.mark_reviewed(users["head"], report)
    v = services.publish(users["head"], report)
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    ReportVersion.objects.filter(pk=v.pk).update(published_at=at)  # as if published that day
    return v


def test_a_correction_keeps_the_first_publication_date(demo, users):
    """Art. 49: a report published on time and reopened for correction is still public in its
    first version: it must not turn into "逾期未发布" after 31 January."""
    edu = demo["青山市:教育局"]
    report = services.open_report(users["clerk"], edu, 2025)
    _publish_on(users, report, D(2026, 1, 20))
    services.start_correction(users["clerk"], report, "更正第三部分数字")
    row = status_rows([edu], 2025, D(2026, 3, 1))[0]
    assert row["level"] == "ok" and row["published_on"] == D(2026, 1, 20)
    assert row["text"] == "已按时发布（更正中）"
    from gongkai.supervision.sources import report_states

    assert report_states([edu], 2025, D(2026, 3, 1))[edu.pk].key == "published"
    report.refresh_from_db()
    _publish_on(users, report, D(2026, 3, 2))
    row = status_rows([edu], 2025, D(2026, 3, 5))[0]
    assert row["level"] == "ok" and row["published_on"] == D(2026, 1, 20)
    assert row["text"] == "已按时发布（已更正）"


def test_dashboard_and_supervision_table_list_the_same_agencies(demo, as_user):
    """One scope for both status views: an inactive agency is in neither (but its records
    still count in the roll-up)."""
    from gongkai.supervision.selectors import dashboard_rows

    gone = demo["青山市:财政局"]
    gone.is_active = False
    gone.save()
    c = as_user("supervisor")
    html = c.get("/staff/reports/dashboard/?year=2025").content.decode()
    assert "青山市教育局" in html and "青山市财政局" not in html
    from django.contrib.auth import get_user_model

    sup = get_user_model().objects.get(username="supervisor")
    rows, _totals, _keys = dashboard_rows(sup, demo["青山市"])
    dash = c.get("/staff/reports/dashboard/?year=2025").context["rows"]
    assert [r.agency.pk for r in rows] == [r["agency"].pk for r in dash]
    # The roll-up sums figures over every agency of the subtree, the inactive one included.
    rollup = c.get("/staff/reports/rollup/2025/").context["n"]
    assert rollup == len(rows) + 1


def test_status_rows_warn_in_january_and_late_after(demo, users):
    edu, city = demo["青山市:教育局"], demo["青山市"]
    rows = {r["agency"].pk: r for r in status_rows([edu, city], 2025, D(2026, 1, 10))}
    assert rows[edu.pk]["level"] == "warn" and "21天" in rows[edu.pk]["text"]
    assert rows[city.pk]["level"] == "warn"  # January: every unpublished report is flagged
    rows = {r["agency"].pk: r for r in status_rows([edu, city], 2025, D(2026, 2, 2))}
    assert rows[edu.pk]["level"] == "late" and rows[edu.pk]["text"] == "逾期未发布"
    assert rows[city.pk]["level"] == "none"  # not started, but not due before March
    report = services.open_report(users["clerk"], edu, 2025)
    services.mark_reviewed(users["head"], report)
    services.publish(users["head"], report)
    today = dt.date.today()
    rows = {r["agency"].pk: r for r in status_rows([edu], 2025, D(2026, 2, 2))}
    expected = "ok" if today <= D(2026, 1, 31) else "late"
    assert rows[edu.pk]["level"] == expected and rows[edu.pk]["published_on"] == today


def test_dashboard_page_and_widget(demo, as_user, users):
    c = as_user("supervisor")
    html = c.get("/staff/reports/dashboard/?year=2025").content.decode()
    assert "青山市教育局" in html and "松林县城关镇" in html.replace("人民政府", "")
    assert c.get("/staff/reports/dashboard/?year=abc").status_code == 200  # bad input: default year
    w = dashboard_widget(users["clerk"], demo["青山市:教育局"])
    assert w["url"] == "/staff/reports/" and "截止日期" in w["text"]
    assert dashboard_widget(users["cityclerk"], demo["青山市:教育局"]) is None
    assert "年度报告" in as_user("clerk").get("/staff/").content.decode()


def test_report_command(demo, edu, tmp_path, capsys):
    call_command("report", str(edu.pk), "2025", "--json")
    data = json.loads(capsys.readouterr().out)
    assert (
        data["agency"]["name"] == "青山市教育局"
        and "appeals.reconsideration.total" in data["cells"]
    )
    call_command(
        "report",
        edu.uscc,
        "2025",
        "--format",
        "2019",
        "--xlsx",
        str(tmp_path / "r.xlsx"),
        "--docx",
        str(tmp_path / "r.docx"),
    )
    assert (tmp_path / "r.xlsx").stat().st_size > 1000 and (
        tmp_path / "r.docx"
    ).stat().st_size > 1000
    call_command("report", str(demo["青山市"].pk), "2025", "--rollup", "--json")
    assert "含下级机关汇总" in json.loads(capsys.readouterr().out)["agency"]["name"]
    call_command(
        "report", str(demo["青山市"].pk), "2025", "--subtree", "--out", str(tmp_path / "batch")
    )
    files = list((tmp_path / "batch").glob("*.json"))
    assert len(files) == demo["青山市"].subtree().count()
    with pytest.raises(CommandError):
        call_command("report", "nonexistent", "2025", "--json")
    with pytest.raises(CommandError):
        call_command("report", str(edu.pk), "20x5", "--json")
    with pytest.raises(CommandError):
        call_command("report", str(edu.pk), "2025", "--published")


def test_report_command_takes_the_agency_name(demo, edu, capsys):
    call_command("report", "青山市教育局", "2025", "--json")
    assert json.loads(capsys.readouterr().out)["agency"]["id"] == edu.pk
    from gongkai.rules.uscc import make_uscc

    twin = type(edu).objects.create(
        uscc=make_uscc("1", "1", edu.uscc[2:8], "99999999"),
        name="青山市教育局（另一个）",
        short_name="市教育局",
        level=edu.level,
        kind=edu.kind,
        parent=edu.parent,
    )
    edu.short_name = "市教育局"
    edu.save()
    with pytest.raises(CommandError, match="机关名称不唯一"):
        call_command("report", twin.short_name, "2025", "--json")
