"""generate_for_event: the services' letters hook writes Letter rows with both files, for every
event the law makes a written notice, and the files carry the case's data."""

import io

import pypdf
import pytest

from gongkai.documents.docx import document_text
from gongkai.inforequests import letters as L
from gongkai.inforequests import services
from gongkai.inforequests.models import Letter


def _texts(letter):
    with letter.docx.open("rb") as f:
        docx = document_text(f.read()).replace("\n", "")
    with letter.pdf.open("rb") as f:
        pdf = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(f.read())).pages)
    return docx, pdf.replace("\n", "").replace(" ", "")


def _only(req, kind):
    letters = list(Letter.objects.filter(request=req, kind=kind))
    assert len(letters) == 1, [x.kind for x in Letter.objects.filter(request=req)]
    return letters[0]


@pytest.mark.django_db
def test_receipt_and_amendment_letters_come_from_the_services(case, users):
    receipt = _only(case, "receipt")  # in-person intake: received at once (Art. 31(1))
    assert receipt.public and receipt.event.kind == "received"
    assert receipt.number.startswith(case.tracking_number)
    services.request_amendment(case, users["clerk"], items="请写明年份\n请写明学校名称")
    letter = _only(case, "amendment")
    docx, pdf = _texts(letter)
    for t in (docx, pdf):
        assert "补正申请告知书" in t and "青山市教育局" in t and case.tracking_number in t
        assert "请写明年份" in t and "请写明学校名称" in t and "第三十条" in t
    # no period given by the organ: the letter states the date the clock assumes
    from gongkai.documents import format_cn_date

    due = services.compute_state(case).amendment_respond_by
    assert f"于{format_cn_date(due)}前" in docx
    # file names are not guessable from the tracking number alone
    assert len(letter.pdf.name.rsplit("-", 1)[-1]) >= 16


@pytest.mark.django_db
def test_extension_consultation_and_reply(case, users, django_capture_on_commit_callbacks):
    from django.core import mail

    services.grant_extension(case, users["head"], workdays=10, reason="需要调取档案")
    case.refresh_from_db()
    docx, _ = _texts(_only(case, "extension"))
    assert "延长10个工作日" in docx and "需要调取档案" in docx
    assert f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日前" in docx

    with django_capture_on_commit_callbacks(execute=True):
        services.start_consultation(case, users["clerk"], party="青山市某建筑有限公司")
    assert not [m for m in mail.outbox if "征求意见函" in m.subject]  # not the applicant's
    consult = _only(case, "consultation")
    assert not consult.public  # addressed to the third party, not to the applicant
    docx, pdf = _texts(consult)
    assert "青山市某建筑有限公司" in docx and "第三十二条" in docx
    assert "张三" not in docx and "张三" not in pdf

    services.reply(
        case,
        users["clerk"],
        outcome="withheld.third_party_rights",
        reasons="第三方书面表示不同意公开，理由合理",
    )
    reply = _only(case, "reply")
    assert reply.public
    docx, pdf = _texts(reply)
    for t in (docx, pdf):
        assert "政府信息公开申请答复书" in t and "第十五条" in t and "张三" in t
        assert "青山市人民政府申请行政复议" in t and "应当先" in t
        assert "第三方书面表示不同意公开" in t
    # idempotent
    assert L.generate_for_event(reply.event) == [reply]


@pytest.mark.django_db
def test_fee_notice_letter_shows_the_tariff_lines(case, users):
    services.issue_fee_notice(case, users["clerk"], method="per_page", pages=150)
    docx, pdf = _texts(_only(case, "fee_notice"))
    for t in (docx, pdf):
        assert "按量计收" in t and "1,700元" in t and "第31–100页" in t
        assert "国办函〔2020〕109号" in t


@pytest.mark.django_db
def test_reply_variants_follow_the_stored_legal_basis(case, users):
    services.reply(
        case,
        users["clerk"],
        outcome="disclosed",
        legal_basis="《政府信息公开条例》第三十六条第（一）项",
        reasons="已在青山市教育局网站“招生信息”栏目公开",
    )
    docx, _ = _texts(_only(case, "reply"))
    assert "已经主动公开" in docx and "青山市教育局网站“招生信息”栏目公开" in docx
    assert "6个月内" in docx and "应当先" not in docx


@pytest.mark.django_db
def test_no_letter_for_internal_events(case, users):
    before = Letter.objects.count()
    services.add_note(case, users["clerk"], text="内部备注")
    assert Letter.objects.count() == before


@pytest.mark.django_db
def test_applicant_is_mailed_when_a_letter_is_issued(
    case, users, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        services.request_amendment(case, users["clerk"], items="请写明年份")
    sent = [m for m in mail.outbox if "补正申请告知书" in m.subject]
    assert len(sent) == 1 and sent[0].to == ["zhang@example.com"]
    assert case.tracking_number in sent[0].body and "/track/" in sent[0].body
    # e-mail delivery chosen: the letter itself is attached
    assert sent[0].attachments and sent[0].attachments[0][1].startswith(b"%PDF-")


@pytest.mark.django_db
def test_disclosed_reply_keeps_the_staff_remark(case, users):
    services.reply(case, users["clerk"], outcome="disclosed", reasons="请于工作日到本机关一楼领取")
    docx, _ = _texts(_only(case, "reply"))
    assert "第三十六条第（二）项" in docx and "请于工作日到本机关一楼领取。" in docx


@pytest.mark.django_db
def test_letters_command_fills_in_missing_letters(case, users):
    from io import StringIO

    from django.core.management import call_command

    Letter.objects.all().delete()
    out = StringIO()
    call_command("letters", "--check", stdout=out)
    assert "缺少文书的办理记录：1" in out.getvalue()  # the receipt
    call_command("letters", stdout=StringIO())
    assert Letter.objects.filter(request=case, kind="receipt").count() == 1
    out = StringIO()
    call_command("letters", "--check", stdout=out)
    assert "：0" in out.getvalue()


@pytest.mark.django_db
def test_deemed_abandoned_reply_quotes_the_amendment_dates(case, users):
    from django.utils import timezone

    from gongkai.documents import format_cn_date

    today = timezone.localdate()
    services.request_amendment(case, users["clerk"], items="请写明年份", respond_by=today)
    services.reply(case, users["clerk"], outcome="other.no_amendment", reasons="逾期未补正")
    docx, _ = _texts(_only(case, "reply"))
    assert f"已于{format_cn_date(today)}向您发出补正申请告知书" in docx
    assert f"要求您在{format_cn_date(today)}前补正" in docx and "第三十条" in docx
