"""Tests for gongkai.rules.privacy (personal-data guard for publications)."""

import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric

from gongkai.rules.privacy import (
    ExtractionError,
    Finding,
    extract_text,
    is_valid_id_number,
    mask,
    redact,
    scan,
)

ID18 = "350102199001011238"  # valid check char (ISO 7064 MOD 11-2)
ID18_X = "11010519491231002X"  # the GB 11643 example, check char X
ID15 = "350102900101123"  # legacy: 1990-01-01
CARD19 = "6222020200001234562"  # UnionPay prefix, Luhn valid
CARD16 = "6217000000123451"
VISA = "4012880012345677"


def kinds(text):
    return [(f.kind, f.matched) for f in scan(text)]


def test_fixtures_are_what_they_claim():
    assert ric.calc_check_digit(ID18) == ID18[-1]
    assert ric.calc_check_digit(ID18_X) == "X"
    for card in (CARD19, CARD16, VISA):
        assert luhn.is_valid(card)


# ---------------------------------------------------------------- positives


@pytest.mark.parametrize(
    "text, kind, matched",
    [
        (f"身份证号{ID18}。", "id_number", ID18),
        (f"身份证号：{ID18_X}", "id_number", ID18_X),
        (f"身份证号：{ID18_X.lower()}", "id_number", ID18_X.lower()),
        ("公民身份号码 350102 19900101 1238 已核实", "id_number", "350102 19900101 1238"),
        ("证件号350102-19900101-1238", "id_number", "350102-19900101-1238"),
        (f"旧身份证{ID15}", "id_number", ID15),
        (f"ID:{ID18}", "id_number", ID18),
        ("手机13812345678", "mobile", "13812345678"),
        ("联系电话：199 1234 5678", "mobile", "199 1234 5678"),
        ("电话138-1234-5678转", "mobile", "138-1234-5678"),
        ("+86 13812345678", "mobile", "+86 13812345678"),
        ("+86-138-1234-5678", "mobile", "+86-138-1234-5678"),
        ("（+86）13812345678", "mobile", "（+86）13812345678"),
        ("008613812345678", "mobile", "008613812345678"),
        ("13800138000", "mobile", "13800138000"),
        ("申请人（13812345678）", "mobile", "13812345678"),
        ("张三13812345678李四", "mobile", "13812345678"),
        (f"卡号{CARD19}", "bank_card", CARD19),
        ("卡号6222 0202 0000 1234 562", "bank_card", "6222 0202 0000 1234 562"),
        (f"账号：{CARD16}，户名张三", "bank_card", CARD16),
        ("6217-0000-0012-3451", "bank_card", "6217-0000-0012-3451"),
        (f"Visa {VISA}", "bank_card", VISA),
        ("邮箱zhangsan@163.com。", "email", "zhangsan@163.com"),
        ("Email: li.si+gk@example.com.cn", "email", "li.si+gk@example.com.cn"),
        ("13812345678@qq.com", "email", "13812345678@qq.com"),
    ],
)
def test_positives(text, kind, matched):
    found = scan(text)
    assert [(f.kind, f.matched) for f in found] == [(kind, matched)]
    f = found[0]
    assert text[f.start : f.end] == matched


@pytest.mark.parametrize(
    "text, masked",
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        (ID18, "35*************238"),
        (ID18_X, "11*************02X"),
        (ID15, "35**********123"),
        (CARD19, "6222***********4562"),
        (CARD16, "6217********3451"),
        ("zhangsan@163.com", "z***@163.com"),
    ],
)
def test_suggested_masks(text, masked):
    (f,) = scan(text)
    assert f.masked == masked


def test_mask_replaces_every_finding_and_keeps_the_rest():
    text = f"申请人张三，身份证{ID18}，手机13812345678，邮箱zs@163.com，办公电话0591-12345678。"
    out = mask(text, scan(text))
    assert (
        out
        == "申请人张三，身份证35*************238，手机138****5678，邮箱z***@163.com，办公电话0591-12345678。"
    )
    assert redact(text) == out
    assert scan(out) == []


def test_mask_rejects_findings_from_another_text():
    f = scan("13812345678")
    with pytest.raises(ValueError):
        mask("13912345678", f)


def test_mask_without_findings_is_identity():
    assert mask("没有个人信息", []) == "没有个人信息"


def test_findings_sorted_and_disjoint():
    text = f"{CARD19} 13812345678 {ID18} a@b.cn 13912345678"
    found = scan(text)
    assert [f.kind for f in found] == ["bank_card", "mobile", "id_number", "email", "mobile"]
    for x, y in zip(found, found[1:], strict=False):
        assert x.end <= y.start


def test_placeholder_card_numbers_are_ignored():
    assert luhn.is_valid("4111111111111111")
    assert scan("4111111111111111") == []


def test_finding_label():
    assert Finding("mobile", 0, 1, "x", "x").label == "手机号码"


# ---------------------------------------------------------------- negatives (near misses)


@pytest.mark.parametrize(
    "text",
    [
        "闽政〔2023〕12号",
        "国办函〔2020〕109号",
        "成文日期：20230101，发布日期2023-01-01",
        "20230618205818",  # a timestamp
        "索引号：000014349/2018-00222",
        "索引号：11441700007280420Y/2021-00050",
        "11341702486344515H/202110-00013",
        "统一社会信用代码 11441700007280420Y",
        "统一社会信用代码：91110000600037341L",
        "3212000002/2018-354983",
        "金额1234567890123元",
        "合计：1234567890123",
        "投资13800000000元",
        "共13812345678人次",  # a figure with a unit
        "13800000000",  # six trailing zeros: a figure, not a phone
        "15000000000.00",
        "1.13812345678",
        "邮政编码：350400",
        "办公电话：0591-12345678",
        "传真 (0591)87654321",
        "咨询电话：0591-83812345，12345",
        "服务热线 400-123-4567",
        "35010219900101123845678",  # ID inside a longer digit run
        "12345678901234567890",  # a 20-digit run is not an ID
        "138123456789",  # 12 digits: not a mobile
        "1381234567",  # 10 digits
        "12812345678",  # 12x is not a mobile prefix
        "abc13812345678",  # glued to letters (e.g. a file name or code)
        "content_13812345678.htm",
        "x350102199001011238y",
        "350102199013011238",  # month 13
        "350102185001011238",  # born before 1900
        "990102199001011238",  # no province 99
        "6222020200001234563",  # Luhn fails
        "6200000000000000",  # placeholder, Luhn-valid but not a card
        "1234567812345670",  # Luhn-valid but no card issuer prefix
        "980102900101123",  # 15 digits, no province 98
        "350102901301123",  # 15 digits, month 13
        "邮箱：zfxxgk@pingtan.gov.cn",  # institutional address
        "信箱 xxgk@fujian.gov.cn",
        "user@localhost",
    ],
)
def test_negatives(text):
    assert scan(text) == [], scan(text)


def test_institutional_domains_are_configurable():
    text = "zfxxgk@pingtan.gov.cn"
    assert scan(text) == []
    found = scan(text, institutional_email_domains=())
    assert [f.kind for f in found] == ["email"]
    assert scan("a@example.org", institutional_email_domains=("example.org",)) == []


def test_id_with_wrong_check_char_is_low_confidence_not_a_card():
    # 350102199001011234 has a wrong check char; it passes Luhn with a JCB-like prefix,
    # but it is clearly shaped as an ID number (province 35, born 1990-01-01).
    (f,) = scan("身份证号350102199001011234")
    assert f.kind == "id_number"
    assert f.confidence == "low"


def test_legacy_id_confidence_depends_on_keyword():
    (f,) = scan(f"身份证号码：{ID15}")
    assert f.confidence == "high"
    (f,) = scan(f"编号{ID15}")
    assert f.confidence == "low"


def test_is_valid_id_number():
    assert is_valid_id_number(ID18)
    assert is_valid_id_number(ID18_X.lower())
    assert is_valid_id_number(ID15)
    assert not is_valid_id_number(ID18[:-1] + "9")
    assert not is_valid_id_number("12345")


def test_statistics_table_row_is_clean():
    row = "规范性文件\t898989\t13800000000\t1234567890123\t20230101\t0591-12345678\t350400"
    assert scan(row) == []


def test_empty_text():
    assert scan("") == []


# ---------------------------------------------------------------- properties

_provinces = st.sampled_from(["11", "35", "44", "65", "81"])


@settings(max_examples=200)
@given(
    prov=_provinces,
    rest=st.from_regex(r"[0-9]{4}", fullmatch=True),
    born=st.dates(),
    seq=st.from_regex(r"[0-9]{3}", fullmatch=True),
    before=st.sampled_from(["", "申请人", "，", "身份证号：", " "]),
    after=st.sampled_from(["", "。", "，手机", " ", "号"]),
)
def test_any_valid_id_is_found_and_masked(prov, rest, born, seq, before, after):
    from datetime import date

    if not date(1900, 1, 1) <= born <= date.today():
        return
    body = f"{prov}{rest}{born:%Y%m%d}{seq}"
    n = body + ric.calc_check_digit(body + "0")
    text = before + n + after
    found = scan(text)
    assert [(f.kind, f.matched, f.confidence) for f in found] == [("id_number", n, "high")]
    assert redact(text) == before + n[:2] + "*" * 13 + n[-3:] + after


@given(
    second=st.sampled_from("3456789"),
    rest=st.from_regex(r"[0-9]{9}", fullmatch=True),
    sep=st.sampled_from(["", " ", "-"]),
)
def test_any_mobile_is_found(second, rest, sep):
    n = f"1{second}{rest}"
    if n.endswith("000000"):
        return
    text = f"电话{n[:3]}{sep}{n[3:7]}{sep}{n[7:]}。"
    (f,) = scan(text)
    assert f.kind == "mobile"
    assert f.masked == n[:3] + "****" + n[-4:]


@given(st.text(alphabet="0123456789-/ 年月日号〔〕元１３８０＋－@a.", max_size=60))
def test_scan_never_crashes_and_spans_are_consistent(text):
    for f in scan(text):
        assert text[f.start : f.end] == f.matched
    redact(text)


# ---------------------------------------------------------------- extract_text


def _docx_bytes():
    import docx

    d = docx.Document()
    d.add_paragraph("关于张三申请的答复")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "手机"
    t.cell(0, 1).text = "13812345678"
    inner = t.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = ID18
    d.sections[0].footer.paragraphs[0].text = "页脚 zs@163.com"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_extract_docx_paragraphs_tables_nested_and_footer():
    text = extract_text(_docx_bytes(), "答复.docx")
    assert "关于张三申请的答复" in text
    assert "13812345678" in text and ID18 in text and "zs@163.com" in text
    assert {f.kind for f in scan(text)} == {"mobile", "id_number", "email"}


def test_extract_docx_from_path(tmp_path):
    p = tmp_path / "a.DOCX"
    p.write_bytes(_docx_bytes())
    assert "13812345678" in extract_text(p)
    assert "13812345678" in extract_text(str(p))
    with open(p, "rb") as fh:
        assert "13812345678" in extract_text(fh, "a.docx")


def test_extract_xlsx_all_sheets_and_numeric_cells():
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "电话", "身份证"])
    ws.append(["张三", 13812345678, ID18])
    ws2 = wb.create_sheet("二")
    ws2.append([None, 13912345678.0])
    buf = io.BytesIO()
    wb.save(buf)
    text = extract_text(buf.getvalue(), "名单.xlsx")
    assert "13812345678" in text and "13912345678" in text and ID18 in text
    assert "13912345678.0" not in text
    assert [f.kind for f in scan(text)] == ["mobile", "id_number", "mobile"]


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF with an ASCII text layer, written by hand (no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_extract_pdf_text_layer():
    text = extract_text(_minimal_pdf("Tel 13812345678 mail zs@163.com"), "reply.pdf")
    assert [f.kind for f in scan(text)] == ["mobile", "email"]


def test_extract_pdf_without_text_is_an_error_not_clean():
    from pypdf import PdfWriter

    w = PdfWriter()
    w.add_blank_page(width=612, height=792)
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(ExtractionError) as e:
        extract_text(buf.getvalue(), "scan.pdf")
    assert e.value.code == "no_text" and "扫描件" in e.value.message


def test_extract_encrypted_pdf():
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(_minimal_pdf("13812345678"))))
    w.encrypt(user_password="secret", owner_password="owner")
    buf = io.BytesIO()
    w.write(buf)
    with pytest.raises(ExtractionError) as e:
        extract_text(buf.getvalue(), "locked.pdf")
    assert e.value.code == "encrypted"


@pytest.mark.parametrize(
    "data, name, code",
    [
        (b"not a zip at all", "a.docx", "corrupt"),
        (b"PK\x03\x04 truncated", "a.docx", "corrupt"),
        (b"not a zip at all", "a.xlsx", "corrupt"),
        (b"%PDF-1.4 garbage", "a.pdf", "corrupt"),
        (b"garbage", "a.pdf", "corrupt"),
        (b"", "a.pdf", "corrupt"),
        (b"whatever", "a.doc", "unsupported"),
        (b"whatever", "a.png", "unsupported"),
        (b"whatever", "noext", "unsupported"),
    ],
)
def test_bad_files_give_clear_errors(data, name, code):
    with pytest.raises(ExtractionError) as e:
        extract_text(data, name)
    assert e.value.code == code
    assert e.value.message


def test_docx_with_xlsx_content_is_corrupt():
    import openpyxl

    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    with pytest.raises(ExtractionError) as e:
        extract_text(buf.getvalue(), "fake.docx")
    assert e.value.code == "corrupt"


def test_missing_path():
    with pytest.raises(ExtractionError) as e:
        extract_text("/nonexistent/x.pdf")
    assert e.value.code == "unreadable"


def test_extract_plain_text_gbk():
    data = "申请人电话13812345678".encode("gbk")
    text = extract_text(data, "a.txt")
    assert "13812345678" in text


# ---------------------------------------------------------------- context rules


def test_fullwidth_digits_are_found_and_offsets_kept():
    fw = "".join(chr(ord(c) + 0xFEE0) for c in "13812345678")
    text = f"电话：{fw}。"
    (f,) = scan(text)
    assert f.kind == "mobile" and f.matched == fw
    assert f.masked == "138****5678"
    assert redact(text) == "电话：138****5678。"


def test_allow_list_skips_published_contacts():
    text = "值班手机：138 1234 5678，邮箱 Office@163.com，申请人手机13912345678"
    found = scan(text, allow=("+86 13812345678", "office@163.com"))
    assert [f.matched for f in found] == ["13912345678"]


def test_all_digit_uscc_labelled_as_such_is_not_an_id():
    # Found by search: a valid USCC that is also a valid ID number (province 31, 1951-05-14).
    n = "311948195105149846"
    assert is_valid_id_number(n)
    from gongkai.rules.uscc import is_valid_uscc

    assert is_valid_uscc(n)
    assert scan(f"统一社会信用代码：{n}") == []
    assert [f.kind for f in scan(f"身份证号{n}")] == ["id_number"]


def test_all_digit_uscc_is_not_a_card():
    n = "623501005910532425"  # valid USCC, and Luhn-valid with a UnionPay prefix
    assert luhn.is_valid(n)
    assert scan(f"代码 {n}") == []


def test_non_unionpay_card_without_keyword_is_low_confidence():
    (f,) = scan(f"编号 {VISA}")
    assert f.kind == "bank_card" and f.confidence == "low"
    (f,) = scan(f"银行卡号 {VISA}")
    assert f.confidence == "high"
    (f,) = scan(f"编号 {CARD16}")
    assert f.confidence == "high"


def test_numbers_in_front_of_an_index_year_are_not_personal():
    assert scan("13812345678/2021-00001") == []
    assert scan(f"{ID18}/2021-00001") == []


# ---------------------------------------------------------------- seen in the real corpus


def test_flattened_statistics_cell_after_a_count_label_is_not_a_phone():
    # 平潭 2025 report, page.txt: the table row "本年新收…数量 | 15 | 13 | 0 | 0 | 0 | 0 | 154"
    # flattened into one digit run that happens to look like a mobile.
    assert scan("一、本年新收政府信息公开申请数量15130000154二、上年结转") == []
    assert scan("件数：13912345678") == []


def test_office_contact_block_is_low_confidence():
    # 平潭 annual reports open with the disclosure office's contacts, on a 163.com address.
    text = "（地址：平潭县城关；电话：24336243；传真：23131679；电子邮箱：24336240@163.com）。"
    (f,) = scan(text)
    assert f.kind == "email" and f.confidence == "low"
    assert scan(text, allow=("24336240@163.com",)) == []
    (f,) = scan("申请人邮箱 24336240@163.com")
    assert f.confidence == "high"


def test_fullwidth_at_sign():
    (f,) = scan("电子邮箱：pzxxgkb＠163.com一、概述")
    assert f.kind == "email" and f.matched == "pzxxgkb＠163.com"
    assert f.masked == "p***@163.com"


def test_real_corpus_has_no_identity_numbers():
    # The published reports of one issuer (2011–2025) carry office e-mails and nothing else.
    # shared/ sits beside the checkout (CI) or at /work/shared (developers).
    roots = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
    files = next((sorted(r.glob("corpus/pingtan/*/page.txt")) for r in roots if r.is_dir()), [])
    if not files:
        pytest.skip("shared corpus not present")
    for path in files:
        for f in scan(path.read_text(encoding="utf-8")):
            assert f.kind == "email", (path, f)


def test_html_source_text_and_attributes():
    html = (
        '<p style="text-indent:2em">申请人手机：<span class="x">13812345678</span></p>'
        '<a href="mailto:zs@163.com">来信</a><img alt="卡号6217000000123451" src="/u/a_138.png">'
    )
    found = scan(html)
    assert [f.kind for f in found] == ["mobile", "email", "bank_card"]
    masked = mask(html, found)
    assert "138****5678" in masked and "z***@163.com" in masked and "6217********3451" in masked
    assert masked.count("<") == html.count("<")


@given(
    body=st.from_regex(r"62[0-9]{13,16}", fullmatch=True),
    spaced=st.booleans(),
    before=st.sampled_from(["", "卡号：", "账户 ", "（"]),
)
@example(body="62083204303605545", spaced=False, before="")  # also a valid USCC by chance
def test_any_unionpay_card_is_found(body, spaced, before):
    n = body + luhn.calc_check_digit(body)
    if len(set(n)) <= 2:
        return
    shown = " ".join(n[i : i + 4] for i in range(0, len(n), 4)) if spaced else n
    text = before + shown + "。"
    found = scan(text)
    assert [(f.kind, f.matched, f.confidence) for f in found] == [("bank_card", shown, "high")]
    assert found[0].masked == n[:4] + "*" * (len(n) - 8) + n[-4:]


@given(
    st.lists(
        st.sampled_from(
            [
                ID18,
                ID18_X,
                CARD19,
                "138 1234 5678",
                "zs@163.com",
                "，",
                "手机",
                " ",
                "0591-12345678",
            ]
        ),
        max_size=12,
    )
)
def test_masked_text_scans_clean(parts):
    text = "，".join(parts)
    assert scan(redact(text)) == []
