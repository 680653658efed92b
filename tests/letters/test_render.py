"""Every letter kind and every reply outcome renders to DOCX and PDF with the legally required
content: agency name, tracking number, the article relied on and, for replies, the remedies."""

import io
import re
from datetime import date
from types import SimpleNamespace as NS

import pypdf
import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.documents.docx import document_text
from gongkai.inforequests import letters as L
from gongkai.reportschema import get_format
from gongkai.rules.fees import per_item_fee, per_page_fee

SUMMARY_ROWS = {"new", "carried_over", "outcomes_total", "carried_forward"}
OUTCOME_KEYS = [
    r.key for r in get_format("2021").table("applications").rows if r.key not in SUMMARY_ROWS
]

PROVINCE = NS(name="示例省人民政府", kind="government", parent=None)
CITY = NS(name="青山市人民政府", kind="government", parent=PROVINCE)
BUREAU = NS(
    name="青山市教育局",
    kind="department",
    parent=CITY,
    office_name="青山市教育局政务公开办公室",
    office_address="青山市人民路1号",
    office_phone="0790-1234567",
    office_email="",
)
BASE = {
    "agency": BUREAU,
    "tracking_number": "2026-000123",
    "applicant_name": "张三",
    "description": "2025年全市中小学校舍维修资金分配表",
    "received_on": date(2026, 11, 2),
    "due_on": date(2026, 11, 30),
    "issued_on": date(2026, 11, 20),
}


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")


def _flat(s: str) -> str:
    return s.replace("\n", "").replace(" ", "")


def _render(kind, **extra):
    docx, pdf = L.render_letter(kind, {**BASE, **extra})
    assert docx[:2] == b"PK" and pdf.startswith(b"%PDF-")
    Document(io.BytesIO(docx))  # re-readable by python-docx
    return _flat(document_text(docx)), _pdf_text(pdf)


def test_every_outcome_key_has_wording():
    assert set(OUTCOME_KEYS) == set(L.REPLY_WORDING)


# (outcome, extra context, a phrase of the article relied on that the letter must cite)
REPLY_CASES = [
    ("disclosed", {}, "第三十六条第（二）项"),
    ("disclosed", {"already_public": True, "where": "青山市教育局网站"}, "第三十六条第（一）项"),
    ("partially_disclosed", {"withheld_ground": "withheld.third_party_rights"}, "第三十七条"),
    ("withheld.state_secret", {}, "第十四条"),
    ("withheld.prohibited_by_law", {"law": "《中华人民共和国统计法》"}, "第十四条"),
    ("withheld.security_stability", {}, "第十四条"),
    ("withheld.third_party_rights", {"third_party_objected": True}, "第十五条"),
    ("withheld.internal_affairs", {}, "第十六条第一款"),
    ("withheld.process_information", {}, "第十六条第二款"),
    ("withheld.enforcement_files", {}, "第十六条第二款"),
    ("withheld.query_regime", {"special_law": "《不动产登记暂行条例》"}, "第三十六条第（七）项"),
    ("unavailable.not_held", {}, "第三十六条第（四）项"),
    (
        "unavailable.not_held",
        {
            "not_ours": True,
            "responsible_agency": "青山市财政局",
            "responsible_contact": "0790-7654321",
        },
        "第三十六条第（五）项",
    ),
    ("unavailable.needs_creation", {}, "第三十八条"),
    ("unavailable.unclear_after_amendment", {}, "第三十条"),
    ("not_processed.petition", {}, "第三十九条第一款"),
    ("not_processed.repeated", {"prior_tracking_number": "2026-000001"}, "第三十六条第（六）项"),
    ("not_processed.publication", {}, "第三十九条第二款"),
    ("not_processed.excessive", {}, "第三十五条"),
    ("not_processed.confirmation", {}, "第三十八条"),
    ("other.no_amendment", {}, "第三十条"),
    ("other.fee_unpaid", {}, "国办函〔2020〕109号"),
    ("other.other", {"reasons": "申请人于2026年11月10日撤回申请。"}, "撤回申请"),
]


@pytest.mark.parametrize(("outcome", "extra", "article"), REPLY_CASES)
def test_reply_letter_per_outcome(outcome, extra, article):
    docx_text, pdf_text = _render("reply", outcome=outcome, **extra)
    for text in (docx_text, pdf_text):
        assert "政府信息公开申请答复书" in text
        assert "青山市教育局" in text
        assert "2026-000123" in text
        assert "张三" in text
        assert article in text, (outcome, article)
        # remedies: reconsideration (60 days) and litigation, naming the reconsideration body
        assert f"{L.RECONSIDERATION_DAYS}日内向青山市人民政府申请行政复议" in text
        assert "提起行政诉讼" in text
        assert "2026年11月20日" in text
    wording = L.reply_variant({"outcome": outcome, **extra})
    if wording.reconsideration_first:
        assert (
            "应当先" in docx_text and f"{L.LITIGATION_AFTER_RECONSIDERATION_DAYS}日内" in docx_text
        )
    else:
        assert f"{L.LITIGATION_MONTHS}个月内" in docx_text and "应当先" not in docx_text


def test_refusals_require_reconsideration_first_and_others_do_not():
    first = {k for k, w in L.REPLY_WORDING.items() if w.reconsideration_first}
    assert first == {
        "partially_disclosed",
        *(k for k in OUTCOME_KEYS if k.startswith("withheld.") and k != "withheld.query_regime"),
    }


def test_not_ours_names_the_responsible_agency():
    text, _ = _render(
        "reply",
        outcome="unavailable.not_held",
        responsible_agency="青山市财政局",
        responsible_contact="0790-7654321",
    )
    assert "负责公开该政府信息的行政机关为青山市财政局" in text and "0790-7654321" in text


def test_amendment_letter_lists_every_item_and_the_restart_rule():
    text, pdf = _render(
        "amendment",
        items=["请明确所需信息的年份", "请提供身份证明复印件"],
        amendment_respond_by=date(2026, 11, 30),
    )
    for t in (text, pdf):
        assert "补正申请告知书" in t and "第三十条" in t and "青山市教育局" in t
        assert "请明确所需信息的年份" in t and "请提供身份证明复印件" in t
        assert "2026年11月30日前" in t
        assert "重新计算" in t and "视为您放弃申请" in t
    with pytest.raises(L.LetterError):
        L.render_letter("amendment", {**BASE, "items": []})


def test_extension_letter():
    text, pdf = _render(
        "extension", workdays=20, new_due_on=date(2026, 12, 28), reason="需调取档案"
    )
    for t in (text, pdf):
        assert "延期答复告知书" in t and "第三十三条第二款" in t
        assert "延长20个工作日" in t and "2026年12月28日前" in t and "2026-000123" in t
    with pytest.raises(L.LetterError):
        L.render_letter("extension", {**BASE, "workdays": 21})


def test_custom_due_date_letter():
    text, _ = _render("custom_due", due_on=date(2027, 2, 26))
    assert "第三十五条" in text and "2027年2月26日" in text


@pytest.mark.parametrize("consultee_kind", ["third_party", "agency"])
def test_consultation_letter_never_names_the_applicant(consultee_kind):
    text, pdf = _render(
        "consultation", consultee_kind=consultee_kind, consultee_name="青山市某建筑有限公司"
    )
    for t in (text, pdf):
        assert "征求意见函" in t and "青山市某建筑有限公司" in t and "青山市教育局" in t
        assert "15个工作日" in t
        assert "张三" not in t
        assert ("第三十二条" if consultee_kind == "third_party" else "第三十四条") in t
    if consultee_kind == "agency":
        assert "视为同意公开" in text


def test_fee_notice_shows_the_computation_lines():
    fee = per_item_fee(28, 5)
    text, pdf = _render("fee_notice", fee=fee, payment_due_on=date(2026, 12, 18))
    for t in (text, pdf):
        assert "信息处理费收费通知书" in t and "国办函〔2020〕109号" in t and "按件计收" in t
        for line in fee.lines:
            assert _flat(line.text) in t
        assert "合计：800元" in t
        assert "20个工作日" in t and "视为您放弃申请" in t
        assert "申请行政复议" in t
    text, _ = _render("fee_notice", fee=per_page_fee(150))
    assert "按量计收" in text and "1,700元" in text
    with pytest.raises(L.LetterError):
        L.render_letter("fee_notice", {**BASE, "fee": per_page_fee(20)})


def test_receipt_letter():
    text, _ = _render("receipt", channel_label="网上申请")
    assert "受理回执" in text and "第三十一条" in text and "2026年11月30日前" in text


def test_user_text_is_escaped_in_html_and_kept_in_docx():
    html = L.render_html(
        "reply", {**BASE, "outcome": "disclosed", "description": "<script>x</script>"}
    )
    assert "<script>" not in html and "&lt;script&gt;" in html
    text, _ = _render("reply", outcome="disclosed", description="A<B>&C")
    assert "A<B>&C" in text


def test_bad_input_raises_letter_error():
    with pytest.raises(L.LetterError):
        L.render_letter("nonsense", BASE)
    with pytest.raises(L.LetterError):
        L.render_letter("reply", {**BASE, "outcome": "made.up"})
    with pytest.raises(L.LetterError):
        L.render_letter("reply", {**BASE, "agency": None, "outcome": "disclosed"})
    with pytest.raises(L.LetterError):
        L.render_letter("reply", {**BASE, "tracking_number": "", "outcome": "disclosed"})


def test_reconsideration_body_follows_the_agency_tree():
    assert L.reconsideration_body(BUREAU) == "青山市人民政府"
    assert L.reconsideration_body(CITY) == "示例省人民政府"
    assert L.reconsideration_body(PROVINCE) == "示例省人民政府"
    township = NS(
        name="城关镇人民政府",
        kind="government",
        parent=NS(name="松林县人民政府", kind="government", parent=CITY),
    )
    assert L.reconsideration_body(township) == "松林县人民政府"


# Applicants type anything: control characters, surrogates, markup, very long lines. Letters
# must still render and carry their text (minus what XML cannot hold).
_any_text = st.text(min_size=1, max_size=300)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(description=_any_text, reasons=_any_text, name=_any_text)
def test_any_user_text_renders(description, reasons, name):
    from gongkai.documents import clean_text

    docx, pdf = L.render_letter(
        "reply",
        {
            **BASE,
            "outcome": "withheld.process_information",
            "description": description,
            "reasons": reasons,
            "applicant_name": name,
        },
    )
    assert pdf.startswith(b"%PDF-")
    text = re.sub(r"\s+", "", document_text(docx))
    for value in (description, reasons, name):
        assert re.sub(r"\s+", "", clean_text(value)) in text
