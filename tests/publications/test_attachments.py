"""Attachments: type by content, size limits, text extraction into the privacy guard."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.publications import services
from gongkai.publications.files import MB, AttachmentRejected, check_upload
from gongkai.publications.models import FindingState, Interpretation
from gongkai.publications.services import PublicationError

from .helpers import ID_NUMBER, draft, publish_flow, user


def _docx(text: str) -> bytes:
    import docx

    d = docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buf, "PNG")
    return buf.getvalue()


def test_check_upload_by_content():
    assert check_upload("a.docx", _docx("x")).key == "docx"
    assert check_upload("a.xlsx", _xlsx([["x"]])).key == "xlsx"
    assert check_upload("a.png", _png()).key == "png"
    assert check_upload("a.PDF", b"%PDF-1.4\n...").key == "pdf"
    cases = [
        ("a.exe", b"MZ\x90\x00", "type"),
        ("通知.pdf", b"<html><script>", "content"),
        ("a.pdf", _png(), "mismatch"),
        ("a.docx", _xlsx([["x"]]), "mismatch"),
        ("a.docx", b"PK\x03\x04garbage", "content"),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, "content"),
        ("a.pdf", b"", "empty"),
        ("a.pdf", b"%PDF-" + b"0" * (20 * MB), "size"),
    ]
    for name, data, code in cases:
        with pytest.raises(AttachmentRejected) as e:
            check_upload(name, data)
        assert e.value.code == code, name


def test_attachment_text_goes_through_the_guard(demo):
    pub = draft(demo["青山市:教育局"])
    att = services.add_attachment(
        user("clerk"), pub, SimpleUploadedFile("名单.docx", _docx(f"张三 {ID_NUMBER}"))
    )
    assert att.size > 0 and "wordprocessingml" in att.content_type
    assert ID_NUMBER in att.extracted_text
    f = pub.privacy_findings.get()
    assert f.attachment_id == att.pk and f.kind == "id_number"
    # Attachment findings are not masked in place.
    with pytest.raises(PublicationError, match="替换"):
        services.mask_finding(user("clerk"), f)
    with pytest.raises(PublicationError):
        services.submit(user("clerk"), pub)
    # Replacing the file with a masked copy clears it.
    services.replace_attachment(
        user("clerk"), att, SimpleUploadedFile("名单.docx", _docx("张三 35*************234"))
    )
    assert not pub.privacy_findings.filter(state=FindingState.OPEN).exists()
    assert publish_flow(pub).status == "published"


def test_image_attachment_needs_a_waiver(demo):
    pub = draft(demo["青山市:教育局"])
    services.add_attachment(user("clerk"), pub, SimpleUploadedFile("照片.png", _png()))
    f = pub.privacy_findings.get()
    assert f.kind == "unreadable"
    with pytest.raises(PublicationError):
        services.submit(user("clerk"), pub)
    services.waive_finding(user("reviewer"), f, "已人工核对，图片为校园风貌照片")
    assert publish_flow(pub).status == "published"


def test_upload_view_and_staff_download(as_user, demo):
    pub = draft(demo["青山市:教育局"])
    c = as_user("clerk")
    r = c.post(
        reverse("publications:attachment_add", args=[pub.pk]),
        {"file": SimpleUploadedFile("fake.pdf", b"MZ not a pdf")},
        follow=True,
    )
    assert "不是有效的 PDF" in r.content.decode()
    assert pub.attachments.count() == 0
    c.post(
        reverse("publications:attachment_add", args=[pub.pk]),
        {"file": SimpleUploadedFile("表.xlsx", _xlsx([["姓名", "金额"], ["李四", 100]]))},
    )
    att = pub.attachments.get()
    r = c.get(reverse("publications:attachment_download", args=[att.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content)[:2] == b"PK"
    assert (
        as_user("township")
        .get(reverse("publications:attachment_download", args=[att.pk]))
        .status_code
        == 403
    )


def test_interpretation_links(as_user, demo):
    a = demo["青山市:教育局"]
    policy = draft(a, title="政策")
    interp = draft(a, title="解读", kind="other")
    c = as_user("clerk")
    c.post(
        reverse("publications:interpretation_add", args=[interp.pk]),
        {"index_number": policy.index_number},
    )
    link = Interpretation.objects.get()
    assert link.policy == policy and link.interpretation == interp
    r = c.post(
        reverse("publications:interpretation_add", args=[interp.pk]),
        {"index_number": "nope"},
        follow=True,
    )
    assert "找不到" in r.content.decode()
    with pytest.raises(PublicationError):
        services.link_interpretation(user("clerk"), policy, policy)
    # Another agency's clerk cannot link to a policy it cannot see.
    other = draft(demo["青山市:松林县:城关镇"], by="township", title="镇解读")
    as_user("township").post(
        reverse("publications:interpretation_add", args=[other.pk]),
        {"index_number": policy.index_number},
    )
    assert Interpretation.objects.count() == 1


def test_demo_data_is_idempotent(demo):
    from gongkai.publications import demo as pub_demo
    from gongkai.publications.models import Publication

    pub_demo.build(demo)
    n = Publication.objects.count()
    assert 20 <= n <= 40
    assert Publication.objects.filter(is_late=True).exists()
    assert Publication.objects.filter(validity="repealed").exists()
    pub_demo.build(demo)
    assert Publication.objects.count() == n
