"""Truncated, empty, binary, huge and wrongly encoded input: an error entry or findings,
never an exception."""

import io
import zipfile
from functools import partial

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.checker import Report
from gongkai.checker import check as _check

from .conftest import SEEDS, needs_seeds

check = partial(_check, strict=True)  # unexpected exceptions must surface here


def assert_sane(rep: Report):
    assert isinstance(rep, Report)
    d = rep.to_dict()
    assert d["format"] in ("pre2019", "2019", "2021", "not_annual_report", "unknown")
    if rep.error:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in rep.error)  # Chinese reason
    for f in rep.findings:
        assert f.severity in ("error", "warning", "info")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=4000), name=st.sampled_from(["x.txt", "x.html", "x.docx", "x.pdf", ""])
)
def test_random_bytes_never_crash(data, name):
    assert_sane(check(data, name=name))


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=2000))
def test_random_text_never_crashes(text):
    assert_sane(check(text, name="t.txt"))


_ALPHABET = list(
    "0123456789 |\n一二三四、（）()本年新收上年结转予以公开总计行政复议诉讼规章第二十条信息内容无—/.,-"
)


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=_ALPHABET, max_size=2000))
def test_table_like_noise_never_crashes(text):
    assert_sane(
        check("某县2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + text)
    )


@needs_seeds
@settings(max_examples=40, deadline=None)
@given(cut=st.floats(0, 1), enc=st.sampled_from(["utf-8", "gbk", "utf-16"]))
def test_truncated_reports(cut, enc):
    src = (SEEDS / "002_67db6f16469a4ce1.txt").read_text().encode(enc, errors="replace")
    assert_sane(check(src[: int(len(src) * cut)], name="t.txt"))


def test_empty_and_whitespace():
    for data in (b"", b"   \n\n", b""):
        rep = check(data, name="e.txt")
        assert_sane(rep)
        assert rep.error or [f for f in rep.findings if f.code in ("EMPTY", "FORMAT-UNKNOWN")]


def test_binary_and_fake_containers():
    rep = check(bytes(range(256)) * 20, name="b.bin")
    assert rep.error and "二进制" in rep.error
    rep = check(b"%PDF-1.4 garbage", name="x.pdf")
    assert rep.error and "PDF" in rep.error
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<not-xml")
    rep = check(buf.getvalue(), name="x.docx")
    assert rep.error and "DOCX" in rep.error


def test_missing_file(tmp_path):
    assert check(tmp_path / "nope.txt").error
    assert check(str(tmp_path / "nope.txt")).error == "文件不存在"


@needs_seeds
def test_wrong_encoding_is_detected():
    text = (SEEDS / "001_5e9c5ffabacbd4b0.txt").read_text()
    for enc in ("gbk", "gb18030"):
        rep = check(text.encode(enc), name="r.txt")
        assert (
            rep.encoding == "gb18030"
            and rep.year == 2013
            and rep.figures["proactive.total_items"] == 37583
        )
    trad = (SEEDS / "000_2c7573db75c79bd6.txt").read_text()
    rep = check(trad.encode("big5", errors="replace"), name="r.txt")
    assert rep.encoding == "big5" and rep.script == "traditional"
    assert rep.figures["applications.new.total"] == 61


def test_huge_file_is_cut_not_crashed(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text("2021年政府信息公开工作年度报告\n" + "主动公开政府信息。" * 120_000)
    rep = check(p)
    assert_sane(rep)
    assert "TRUNCATED" in [f.code for f in rep.findings]


@pytest.mark.parametrize(
    "html",
    ["<html><body></body></html>", "<table><tr><td rowspan=x>1</td></tr></table>", "<" * 5000],
)
def test_odd_html(html):
    assert_sane(check(html.encode(), name="x.html"))
