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
    town = deadline_for(demo["青山市:松林县:城关镇"], 2025)
    assert town[0] == D(2026, 3, 31) and "未规定" in town[1]


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
