"""The report checker in the platform: uploads, findings highlighted, XLSX export."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gongkai.supervision.checking import highlight
from gongkai.supervision.export import reports_xlsx
from gongkai.supervision.models import CheckBatch

SEEDS = sorted(Path("/work/shared/seeds").glob("*.txt"))


def _upload(client, files):
    return client.post(reverse("supervision:checker"), {"files": files})


def test_bad_files_give_chinese_error_rows_not_a_crash(as_user, demo):
    c = as_user("supervisor")
    files = [
        SimpleUploadedFile("报告.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("empty.txt", b"", content_type="text/plain"),
        SimpleUploadedFile("broken.docx", b"PK\x03\x04 not really a zip", content_type="x/y"),
        SimpleUploadedFile("broken.pdf", b"%PDF-1.4 garbage", content_type="application/pdf"),
    ]
    r = _upload(c, files)
    batch = CheckBatch.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "supervision:checker_batch", args=[batch.pk]
    )
    rows = {x.file_name: x for x in batch.reports.all()}
    assert "不支持的文件类型" in rows["报告.exe"].error
    assert "文件是空的" in rows["empty.txt"].error
    for name in ("broken.docx", "broken.pdf"):
        assert rows[name].error, name  # unreadable → a message, not an exception
        assert rows[name].source is None
    page = c.get(r["Location"]).content.decode()
    assert page.count("无法检查") >= 4
    batch.refresh_from_db()
    assert batch.state == CheckBatch.State.DONE and batch.done == batch.total == 4


def test_no_files_is_a_form_error(as_user, demo):
    r = as_user("supervisor").post(reverse("supervision:checker"), {})
    assert r.status_code == 200 and "请选择要检查的年度报告文件" in r.content.decode()


def test_other_supervisors_cannot_open_a_batch(as_user, demo):
    c = as_user("supervisor")
    _upload(c, [SimpleUploadedFile("a.exe", b"x")])
    batch = CheckBatch.objects.get()
    c.logout()
    c = as_user("head")
    assert c.get(reverse("supervision:checker_batch", args=[batch.pk])).status_code == 403
    assert c.get(reverse("supervision:checker_xlsx", args=[batch.pk])).status_code == 403


@pytest.mark.skipif(not SEEDS, reason="seed reports not present")
def test_seed_reports_show_their_findings_highlighted_and_export(as_user, demo):
    pytest.importorskip("gongkai.checker")
    import json

    c = as_user("supervisor")
    files = [SimpleUploadedFile(p.name, p.read_bytes(), content_type="text/plain") for p in SEEDS]
    files.append(SimpleUploadedFile("坏文件.pdf", b"%PDF-1.7 nothing", content_type="x/y"))
    r = _upload(c, files)
    batch = CheckBatch.objects.get()
    page = c.get(r["Location"]).content.decode()
    truth_dir = SEEDS[0].parent / "truth"
    marked_any = False
    for p in SEEDS:
        row = batch.reports.get(file_name=p.name)
        assert not row.error, row.error
        codes = {f["code"] for f in row.result["findings"]}
        assert row.result["findings"], p.name
        truth = truth_dir / (p.stem + ".json")
        if truth.exists():
            t = json.loads(truth.read_text())
            if t.get("year"):
                assert row.result["year"] == t["year"]
        detail = c.get(reverse("supervision:checker_report", args=[batch.pk, row.pk]))
        html = detail.content.decode()
        assert detail.status_code == 200
        for code in codes:
            assert code in html
        marked_any |= "<mark " in html
    assert marked_any
    assert "坏文件.pdf" in page and "无法检查" in page
    x = c.get(reverse("supervision:checker_xlsx", args=[batch.pk]))
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    rows = list(wb["报告"].iter_rows(values_only=True))
    assert len(rows) == len(SEEDS) + 2  # header + reports + the broken file
    head = rows[0]
    by_file = {r[0]: dict(zip(head, r, strict=True)) for r in rows[1:]}
    for p in SEEDS:
        res = batch.reports.get(file_name=p.name).result
        for k, v in res["cells"].items():
            assert by_file[p.name][k] == v
        assert by_file[p.name]["错误"] == sum(
            1 for f in res["findings"] if f["severity"] == "error"
        )
    assert by_file["坏文件.pdf"]["无法读取的原因"]
    findings = list(wb["问题"].iter_rows(values_only=True))
    n = sum(len(batch.reports.get(file_name=p.name).result["findings"]) for p in SEEDS)
    assert len(findings) == 1 + n + 1


def test_xlsx_one_column_per_cell_key_and_findings_sheet():
    reports = [
        {
            "file": "a.txt",
            "agency": "甲局",
            "year": 2021,
            "format": "2021",
            "cells": {"applications.new.total": 5, "applications.disclosed.total": 3},
            "figures": {"fees.amount_yuan": 0},
            "findings": [
                {
                    "code": "T3-1",
                    "severity": "error",
                    "message": "不平衡",
                    "where": "表三",
                    "evidence": "=SUM(A1)",
                }
            ],
        },
        {"file": "b.pdf", "error": "无法读取"},
    ]
    wb = load_workbook(io.BytesIO(reports_xlsx(reports)))
    rows = list(wb["报告"].iter_rows(values_only=True))
    head = rows[0]
    assert "applications.new.total" in head and "applications.disclosed.total" in head
    # official order: new before disclosed
    assert head.index("applications.new.total") < head.index("applications.disclosed.total")
    a = dict(zip(head, rows[1], strict=True))
    assert a["applications.new.total"] == 5 and a["错误"] == 1
    b = dict(zip(head, rows[2], strict=True))
    assert b["无法读取的原因"] == "无法读取" and b["applications.new.total"] is None
    f = list(wb["问题"].iter_rows(values_only=True))
    assert f[1][3] == "T3-1" and f[1][7] == "'=SUM(A1)"  # no formula injection
    assert f[2][3] == "READ-ERROR"


def test_highlight_escapes_and_marks_evidence():
    text = "第一段 <b>粗体</b>\n收到申请 61 件，办结58件。"
    findings = [
        {"code": "X", "severity": "warning", "message": "去向<未说明>", "evidence": "收到申请61件"},
        {"code": "Y", "severity": "info", "message": "m", "evidence": "不存在的文字"},
    ]
    html, marked = highlight(text, findings)
    assert marked == {0}
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html and "<b>" not in html
    assert '<mark id="ev-1" class="sv-warning" title="去向&lt;未说明&gt;">收到申请 61 件' in html


@settings(max_examples=60, deadline=None)
@given(
    st.text(max_size=300),
    st.lists(st.text(max_size=20), max_size=5),
)
def test_highlight_never_loses_text_or_breaks_markup(text, evidences):
    import html as h
    import re

    findings = [
        {"code": "C", "severity": "error", "message": "<x>", "evidence": e} for e in evidences
    ]
    out, marked = highlight(text, findings)
    plain = re.sub(r"<sup>\d+</sup>", "", out)
    plain = re.sub(r"</?mark[^>]*>", "", plain)
    assert h.unescape(plain) == text
    assert out.count("<mark ") == out.count("</mark>")
    assert "<x>" not in out


def test_highlight_narrows_to_the_quoted_words():
    text = "本报告统计期限为201911日至1231日。如有疑问"
    findings = [
        {
            "severity": "warning",
            "message": "日期缺字：“201911日”",
            "where": "正文第10字附近",
            "evidence": "统计期限为201911日至1231日。如",
        },
        {
            "severity": "warning",
            "message": "日期缺字：“1231日”",
            "where": "正文第18字附近",
            "evidence": "期限为201911日至1231日。如有",
        },
    ]
    html, marked = highlight(text, findings)
    assert marked == {0, 1}
    assert ">201911日<sup>1</sup></mark>至<mark" in html
    assert ">1231日<sup>2</sup></mark>。如有疑问" in html


def test_large_batches_go_to_a_background_task(as_user, demo, settings, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from gongkai.supervision import checking

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    monkeypatch.setattr(checking, "SYNC_MAX_FILES", 1)
    c = as_user("supervisor")
    files = [SimpleUploadedFile(f"r{i}.txt", "政府信息公开".encode() * 50) for i in range(3)]
    r = _upload(c, files)
    batch = CheckBatch.objects.get()
    assert r.status_code == 302
    # queued, the request did not check anything; the page shows progress and refreshes
    assert batch.state == CheckBatch.State.QUEUED and batch.done == 0
    page = c.get(r["Location"]).content.decode()
    assert "<progress" in page and 'http-equiv="refresh"' in page
    # what the worker does (db_worker itself closes the test's database connection)
    (job,) = DBTaskResult.objects.all()
    assert job.task_path.endswith("check_batch_task") and job.args_kwargs["args"] == [batch.pk]
    job.task.call(*job.args_kwargs["args"])
    batch.refresh_from_db()
    assert batch.state == CheckBatch.State.DONE and batch.done == 3
    assert all(x.source is None for x in batch.reports.all())
    assert "<progress" not in c.get(r["Location"]).content.decode()


def test_problem_list_prefilled_from_checker_findings(as_user, demo):
    pytest.importorskip("gongkai.checker")
    c = as_user("supervisor")
    seed = SEEDS[2]
    _upload(c, [SimpleUploadedFile(seed.name, seed.read_bytes())])
    row = CheckBatch.objects.get().reports.get()
    target = demo["青山市:教育局"]
    r = c.get(reverse("supervision:create_list") + f"?agency={target.pk}&report={row.pk}")
    html = r.content.decode()
    serious = [f for f in row.result["findings"] if f["severity"] != "info"]
    assert serious
    for f in serious:
        assert f["message"].split("：")[0] in html
    assert 'value="report_finding" selected' in html
    # the report page offers it; another city's supervisor cannot pull these findings
    page = c.get(reverse("supervision:checker_report", args=[row.batch_id, row.pk]))
    assert f'name="report" value="{row.pk}"' in page.content.decode()


def test_check_reports_published_on_the_platform(as_user, users, demo):
    pytest.importorskip("gongkai.checker")
    ad = pytest.importorskip("gongkai.annualreports.demo")
    from gongkai.annualreports import services as ar
    from gongkai.annualreports.models import AnnualReport

    ad.build(demo)
    report = AnnualReport.objects.get(agency=demo["青山市:教育局"], year=2025)
    report.status = "reviewed"
    report.save()
    ar.publish(users["head"], report)
    c = as_user("supervisor")
    r = c.post(reverse("supervision:checker"), {"platform_year": str(report.year)})
    batch = CheckBatch.objects.get()
    assert r["Location"] == reverse("supervision:checker_batch", args=[batch.pk])
    (row,) = batch.reports.all()
    assert not row.error and row.result["agency"] == "青山市教育局"
    assert row.result["year"] == report.year and row.result["format"] == "2021"
    # none for a year without published reports; a 白水市 supervisor does not get 青山市's
    r = c.post(reverse("supervision:checker"), {"platform_year": "2001"})
    assert "没有该年度已发布的年度报告" in r.content.decode()
    from django.contrib.auth import get_user_model

    from gongkai.agencies.models import Membership

    other = get_user_model().objects.create_user("baishui")
    Membership.objects.create(user=other, agency=demo["白水市"], role="supervisor")
    c.force_login(other)
    r = c.post(reverse("supervision:checker"), {"platform_year": str(report.year)})
    assert "没有该年度已发布的年度报告" in r.content.decode()
    assert CheckBatch.objects.filter(created_by=other).count() == 0


def test_platform_check_takes_every_published_report(as_user, users, demo, settings, monkeypatch):
    """A province has ~2,000 agencies: the platform check took only the first 50 (the upload
    cap). Now every published report of the scope is checked, in the background when there
    are many, rendered one at a time by the worker, and the page says how many."""
    pytest.importorskip("gongkai.checker")
    ad = pytest.importorskip("gongkai.annualreports.demo")
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from gongkai.annualreports import services as ar
    from gongkai.annualreports.models import AnnualReport, ReportVersion
    from gongkai.supervision import checking

    ad.build(demo)
    report = AnnualReport.objects.get(agency=demo["青山市:教育局"], year=2025)
    report.status = "reviewed"
    report.save()
    v = ar.publish(users["head"], report)
    others = ["青山市:财政局", "青山市:松林县:教育局", "青山市:石桥县:民政局"]
    for key in others:  # the same published text under other agencies of the scope
        a = demo[key]
        r = AnnualReport.objects.create(agency=a, year=2025, format="2021", status="published")
        snap = {**v.snapshot, "agency": {**v.snapshot["agency"], "id": a.pk, "name": a.name}}
        ReportVersion.objects.create(report=r, number=1, snapshot=snap, published_at=timezone.now())
    monkeypatch.setattr(checking, "MAX_FILES", 2)  # the cap that used to cut the list
    monkeypatch.setattr(checking, "SYNC_MAX_FILES", 2)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}
    c = as_user("supervisor")
    r = c.post(reverse("supervision:checker"), {"platform_year": "2025"}, follow=True)
    batch = CheckBatch.objects.get()
    assert batch.total == 4 and batch.state == CheckBatch.State.QUEUED
    assert "共选取本平台4份已发布的年度报告" in r.content.decode()
    assert not batch.reports.exclude(source=None).exists()  # nothing rendered in the request
    (job,) = DBTaskResult.objects.all()
    job.task.call(*job.args_kwargs["args"])
    batch.refresh_from_db()
    assert batch.state == CheckBatch.State.DONE and batch.done == 4
    rows = list(batch.reports.order_by("position"))
    assert all(not x.error and x.result.get("year") == 2025 for x in rows)
    assert {x.result["agency"] for x in rows} >= {"青山市教育局", "青山市财政局"}
    page = c.get(reverse("supervision:checker_batch", args=[batch.pk])).content.decode()
    assert "本批共4份，已全部检查" in page


def test_batch_size_cap_gives_error_rows(as_user, demo, monkeypatch):
    from gongkai.supervision import checking

    monkeypatch.setattr(checking, "MAX_BATCH_BYTES", 1500)
    c = as_user("supervisor")
    files = [SimpleUploadedFile(f"r{i}.txt", b"x" * 1000) for i in range(3)]
    _upload(c, files)
    rows = list(CheckBatch.objects.get().reports.order_by("position"))
    assert "总量超过" not in rows[0].error
    assert all("总量超过" in r.error for r in rows[1:])


def test_export_module_needs_no_django():
    import subprocess
    import sys

    code = (
        "import sys, io; from gongkai.supervision.export import reports_xlsx; "
        "assert 'django.conf' not in sys.modules or True; "
        "b = reports_xlsx([{'file': 'a', 'cells': {'applications.new.total': 1}}]); "
        "assert b[:2] == b'PK'; "
        "assert not any(m.startswith('django.db') for m in sys.modules), 'imports Django'"
    )
    env = {"PATH": "/usr/bin:/bin"}
    r = subprocess.run(
        [sys.executable, "-c", code],
        cwd=str(Path(__file__).resolve().parents[2]),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr


def test_a_checker_crash_becomes_an_error_row(as_user, demo, monkeypatch):
    pytest.importorskip("gongkai.checker")
    import gongkai.checker
    import gongkai.checker.batch

    def boom(*a, **k):
        raise ValueError("bug")

    monkeypatch.setattr(gongkai.checker, "check", boom)
    monkeypatch.setattr(gongkai.checker.batch, "near_copies", boom)
    c = as_user("supervisor")
    r = _upload(c, [SimpleUploadedFile("a.txt", "政府信息公开工作年度报告".encode())])
    batch = CheckBatch.objects.get()
    assert batch.state == CheckBatch.State.DONE
    assert "检查时出错" in batch.reports.get().error
    assert "检查时出错" in c.get(r["Location"]).content.decode()
