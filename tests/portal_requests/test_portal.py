"""Portal side of applications: the Art. 29 form, bot/double-submit/rate-limit protection,
acknowledgement, tracking (no personal data, nothing of other cases), 补正 upload, downloads."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.inforequests import services
from gongkai.inforequests.models import (
    Applicant,
    Attachment,
    InfoRequest,
    InfoRequestEvent,
    Letter,
)
from gongkai.inforequests.public_forms import read_token
from gongkai.rules.uscc import make_uscc

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _form_page(client, url, purpose="apply"):
    resp = client.get(url)
    assert resp.status_code == 200
    html = resp.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    data = read_token(token, purpose)
    assert f"{data['a']} 加 {data['b']} 等于多少" in html
    return html, {"token": token, "answer": str(data["a"] + data["b"]), "website": ""}


def _person(**over):
    d = {
        "applicant_type": "natural",
        "name": "李四",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "lisi@example.com",
        "address": "青山市幸福路2号",
        "postcode": "",
        "description": "2025年青山市义务教育学校招生计划及划片范围",
        "document_number": "",
        "form_requested": "electronic",
        "delivery": "email",
    }
    d.update(over)
    return d


def _nothing_saved():
    assert InfoRequest.objects.count() == 0
    assert Applicant.objects.count() == 0
    assert InfoRequestEvent.objects.count() == 0
    assert Attachment.objects.count() == 0


def _apply(client, edu, **over):
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    return client.post(url, {**_person(**over), **protect})


def test_choose_agency_lists_active_agencies(client, edu):
    resp = client.get(reverse("inforequests_public:apply"))
    assert resp.status_code == 200
    assert reverse("inforequests_public:apply_to", args=[edu.pk]) in resp.content.decode()
    resp = client.get(reverse("inforequests_public:apply") + "?q=教育局")
    assert "青山市教育局" in resp.content.decode()


def test_online_application_creates_one_case_shows_code_once_and_mails_it(client, edu):
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    upload = SimpleUploadedFile("身份证.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    resp = client.post(url, {**_person(), **protect, "files": [upload]})
    assert resp.status_code == 302 and resp.url == reverse("inforequests_public:applied")
    req = InfoRequest.objects.get()
    assert req.channel == "online" and req.status == "to_confirm" and req.received_on is None
    assert req.applicant.id_number == ID_NUMBER and req.attachments.count() == 1
    page = client.get(resp.url).content.decode()
    code = re.search(r'id="access-code">([A-Z0-9]+)<', page).group(1)
    assert req.tracking_number in page and services.check_access_code(req, code)
    assert code not in client.get(resp.url).content.decode()  # shown once
    assert len(mail.outbox) == 1 and code in mail.outbox[0].body
    assert mail.outbox[0].to == ["lisi@example.com"]


def test_double_submit_creates_one_case(client, edu):
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    first = client.post(url, {**_person(), **protect})
    second = client.post(url, {**_person(), **protect})
    assert first.status_code == 302
    assert second.status_code == 409 and "请勿重复提交" in second.content.decode()
    assert InfoRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"name": ""}, "请填写申请人姓名或名称"),
        ({"id_number": "110105194912310021"}, "居民身份证号码无效"),
        ({"id_type": ""}, "请选择身份证件类型"),
        ({"phone": "", "email": "", "address": "", "delivery": "online"}, "请至少填写一种联系方式"),
        ({"email": "not-an-email"}, "请输入有效的电子邮箱地址"),
        ({"description": "招生"}, "请具体描述所需政府信息"),
        ({"delivery": "post", "address": ""}, "选择邮寄方式获取信息时请填写通信地址"),
        ({"applicant_type": "org_commercial", "uscc": "91350100M000100Y4X"}, "统一社会信用代码"),
        ({"applicant_type": "org_commercial", "uscc": ""}, "请填写统一社会信用代码"),
        ({"form_requested": "telepathy"}, "选择一个有效的选项"),
        ({"postcode": "12"}, "邮政编码应为6位数字"),
    ],
)
def test_bad_input_gives_chinese_errors_and_saves_nothing(client, edu, over, message):
    resp = _apply(client, edu, **over)
    assert resp.status_code == 200
    assert message in resp.content.decode()
    _nothing_saved()


def test_organisation_with_valid_uscc_is_accepted(client, edu):
    uscc = make_uscc("9", "1", "360100", "MA35X2K1")
    resp = _apply(
        client, edu, applicant_type="org_research", uscc=uscc, contact_name="王五", id_type=""
    )
    assert resp.status_code == 302
    a = InfoRequest.objects.get().applicant
    assert a.uscc == uscc and a.id_number == "" and a.contact_name == "王五"


def test_wrong_answer_honeypot_and_forged_token_are_refused(client, edu):
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    resp = client.post(url, {**_person(), **protect, "answer": str(int(protect["answer"]) + 1)})
    assert "验证问题回答错误" in resp.content.decode()
    resp = client.post(url, {**_person(), **protect, "website": "http://spam.example"})
    assert "提交未通过校验" in resp.content.decode()
    resp = client.post(url, {**_person(), **protect, "token": protect["token"][:-2] + "xx"})
    assert "页面已过期" in resp.content.decode()
    _nothing_saved()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ....", "不支持的文件类型"),
        ("fake.pdf", b"MZ not a pdf", "内容与扩展名不符"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_bad_uploads_are_refused(client, edu, name, content, message):
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    f = SimpleUploadedFile(name, content)
    resp = client.post(url, {**_person(), **protect, "files": [f]})
    assert resp.status_code == 200
    assert message in resp.content.decode()
    _nothing_saved()


def test_oversized_upload_is_refused(client, edu, settings, monkeypatch):
    from gongkai.inforequests import models

    monkeypatch.setattr(models, "MAX_UPLOAD_BYTES", 1000)
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    f = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2000)
    resp = client.post(url, {**_person(), **protect, "files": [f]})
    assert "文件过大" in resp.content.decode()
    _nothing_saved()


def test_apply_is_rate_limited_per_ip(client, edu, settings):
    settings.GONGKAI = {**settings.GONGKAI, "PORTAL_APPLY_LIMIT": 2}
    assert _apply(client, edu, name="").status_code == 200
    assert _apply(client, edu, name="").status_code == 200
    resp = _apply(client, edu)
    assert resp.status_code == 429 and "操作过于频繁" in resp.content.decode()
    _nothing_saved()
    # another address is not affected
    url = reverse("inforequests_public:apply_to", args=[edu.pk])
    _html, protect = _form_page(client, url)
    resp = client.post(url, {**_person(), **protect}, REMOTE_ADDR="10.9.8.7")
    assert resp.status_code == 302


# ---------------------------------------------------------------------------- tracking


def _submit_online(edu, **person):
    p = {
        "name": "赵六",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "zhao@example.com",
        **person,
    }
    req, code = services.submit(
        edu,
        channel="online",
        applicant_type="natural",
        applicant=p,
        description="青山市2025年校车采购合同",
        form_requested="electronic",
        delivery="email",
    )
    return req, code


def _track(client, edu, number, code, **extra):
    url = reverse("inforequests_public:track")
    _html, protect = _form_page(client, url, "track")
    data = {"agency": edu.pk, "tracking_number": number, "access_code": code, **protect}
    return client.post(url, {**data, **extra})


def test_tracking_needs_the_right_code_and_shows_no_personal_data(client, edu, users):
    req, code = _submit_online(edu)
    other, other_code = _submit_online(edu, name="孙七", id_number="110105194912310011")
    resp = _track(client, edu, req.tracking_number, "WRONGCODE123")
    assert resp.status_code == 200 and "未找到匹配的申请" in resp.content.decode()
    resp = _track(client, edu, req.tracking_number, code.lower())  # codes are case-insensitive
    assert resp.status_code == 302
    assert resp.url == reverse("inforequests_public:track_case", args=[req.pk])
    services.confirm_receipt(req, users["clerk"])
    html = client.get(resp.url).content.decode()
    assert req.tracking_number in html and "办理中" in html and "法定答复期限" in html
    for secret in (ID_NUMBER, PHONE, "zhao@example.com", "赵六"):
        assert secret not in html
    # and the project's personal-data scanner finds nothing on the page either
    from gongkai.rules.privacy import scan

    assert [f.kind for f in scan(html) if f.confidence == "high"] == []
    # the other case stays closed to this browser
    resp = client.get(reverse("inforequests_public:track_case", args=[other.pk]))
    assert resp.status_code == 302 and resp.url == reverse("inforequests_public:track")
    assert other.tracking_number not in html


def test_tracking_number_of_another_agency_does_not_match(client, edu, demo):
    req, code = _submit_online(edu)
    other_agency = demo["青山市"]
    resp = _track(client, other_agency, req.tracking_number, code)
    assert "未找到匹配的申请" in resp.content.decode()


def test_tracking_is_rate_limited(client, edu, settings):
    settings.GONGKAI = {**settings.GONGKAI, "PORTAL_TRACK_LIMIT": 3}
    req, code = _submit_online(edu)
    for _ in range(3):
        assert _track(client, edu, req.tracking_number, "BAD").status_code == 200
    resp = _track(client, edu, req.tracking_number, code)
    assert resp.status_code == 429  # even the right code, once the address is over the limit


def test_amendment_upload_and_letter_downloads(client, edu, users, demo):
    req, code = _submit_online(edu)
    services.confirm_receipt(req, users["clerk"])
    services.request_amendment(req, users["clerk"], items="请写明采购合同的签订年份")
    _track(client, edu, req.tracking_number, code)
    page_url = reverse("inforequests_public:track_case", args=[req.pk])
    html = client.get(page_url).content.decode()
    assert "请写明采购合同的签订年份" in html and "提交补正" in html
    assert "补正申请告知书" in html
    _html, protect = _form_page(client, page_url, "amend")
    amend_url = reverse("inforequests_public:track_amend", args=[req.pk])
    # empty amendment: error, nothing saved
    resp = client.post(amend_url, {**protect, "text": ""})
    assert resp.status_code == 400 and "请填写补正内容或上传补正材料" in resp.content.decode()
    f = SimpleUploadedFile("补正.png", b"\x89PNG\r\n\x1a\n0000")
    resp = client.post(amend_url, {**protect, "text": "签订年份为2025年", "files": [f]})
    assert resp.status_code == 302
    again = client.post(amend_url, {**protect, "text": "签订年份为2025年"})  # same token
    assert again.status_code == 302
    evs = req.events.filter(kind="file_added")
    assert evs.count() == 1 and evs.get().payload["purpose"] == "amendment"
    assert evs.get().files.count() == 1
    html = client.get(page_url).content.decode()
    assert "等待本机关确认收到" in html and "提交补正</button>" not in html

    services.record_amendment(req, users["clerk"])
    services.start_consultation(req, users["clerk"], party="某校车公司")
    services.reply(
        req, users["clerk"], outcome="partially_disclosed", reasons="合同单价属于商业秘密"
    )
    reply = Letter.objects.get(request=req, kind="reply")
    consult = Letter.objects.get(request=req, kind="consultation")
    html = client.get(page_url).content.decode()
    assert reverse("inforequests_public:letter", args=[reply.pk, "pdf"]) in html
    assert reverse("inforequests_public:letter", args=[consult.pk, "pdf"]) not in html

    resp = client.get(reverse("inforequests_public:letter", args=[reply.pk, "pdf"]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert b"".join(resp.streaming_content).startswith(b"%PDF-")
    resp = client.get(reverse("inforequests_public:letter", args=[reply.pk, "docx"]))
    assert b"".join(resp.streaming_content)[:2] == b"PK"
    # the third party's letter is not the applicant's
    resp = client.get(reverse("inforequests_public:letter", args=[consult.pk, "pdf"]))
    assert resp.status_code == 302


def test_letter_download_permissions(client, edu, users, as_user):
    req, _code = _submit_online(edu)
    services.confirm_receipt(req, users["clerk"])
    receipt = Letter.objects.get(request=req, kind="receipt")
    url = reverse("inforequests_public:letter", args=[receipt.pk, "pdf"])
    # anonymous without a tracking session: sent to the lookup form, no file
    resp = client.get(url)
    assert resp.status_code == 302 and resp.url == reverse("inforequests_public:track")
    # staff of another agency: 403; staff of the agency: the file
    assert as_user("township").get(url).status_code == 403
    assert as_user("clerk").get(url).status_code == 200
    assert as_user("clerk").get(url.replace("/pdf/", "/exe/")).status_code == 404


def test_client_ip_header_is_used_only_when_configured(rf, settings):
    from gongkai.inforequests.public_services import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.9")
    assert client_ip(request) == "10.0.0.1"
    settings.GONGKAI = {**settings.GONGKAI, "CLIENT_IP_HEADER": "HTTP_X_REAL_IP"}
    assert client_ip(request) == "203.0.113.9"


def test_reply_files_are_offered_to_the_applicant_and_nothing_else(client, edu, users):
    req, code = _submit_online(edu)
    services.confirm_receipt(req, users["clerk"])
    services.add_note(
        req, users["clerk"], text="内部", files=[SimpleUploadedFile("内部意见.pdf", b"%PDF-1 x")]
    )
    services.reply(
        req,
        users["clerk"],
        outcome="disclosed",
        files=[SimpleUploadedFile("校车合同.pdf", b"%PDF-1.4 contract")],
    )
    internal = Attachment.objects.get(name="内部意见.pdf")
    public = Attachment.objects.get(name="校车合同.pdf")
    _track(client, edu, req.tracking_number, code)
    html = client.get(reverse("inforequests_public:track_case", args=[req.pk])).content.decode()
    assert "校车合同.pdf" in html and "内部意见.pdf" not in html
    url = reverse("inforequests_public:track_file", args=[req.pk, public.pk])
    resp = client.get(url)
    assert resp.status_code == 200 and b"".join(resp.streaming_content) == b"%PDF-1.4 contract"
    bad = reverse("inforequests_public:track_file", args=[req.pk, internal.pk])
    assert client.get(bad).status_code == 404
    # another browser without the lookup gets nothing
    from django.test import Client

    assert Client().get(url).status_code == 302
    # the reply letter says where to get it (online delivery → this portal)
    from gongkai.documents.docx import document_text

    letter = Letter.objects.get(request=req, kind="reply")
    with letter.docx.open("rb") as f:
        text = document_text(f.read())
    assert "所涉政府信息见附件" in text


def test_personal_data_never_reaches_the_logs(client, edu, users, caplog, settings):
    """Everything any logger writes during intake, a refused submission, tracking and a staff
    reply holds none of the applicant's personal data (DEVELOPERS.md: not in logs)."""
    import logging

    caplog.set_level(logging.DEBUG)
    assert _apply(client, edu).status_code == 302
    req = InfoRequest.objects.get()
    _apply(client, edu, id_number="110105194912310021")  # refused: wrong check character
    client.post(reverse("inforequests_public:track"), {"number": req.tracking_number, "code": "X"})
    client.get("/staff/requests/999999/")
    client.get(f"/documents/999999999/?q={req.tracking_number}")  # a 404: django.request logs it
    assert caplog.records  # the loggers did write (e.g. django.request for the refused pages)
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in (ID_NUMBER, "110105194912310021", PHONE, "李四", "lisi@example.com", "幸福路2号"):
        assert secret not in text, secret
