"""gongkai.documents.pdf: the PDF is a real A4 page with visible, extractable Chinese text."""

import io
import shutil
import subprocess

import pypdf

from gongkai.documents import format_cn_date
from gongkai.documents.pdf import html_to_pdf

SAMPLE = """
<h1 class="doc-title">政府信息公开申请答复书</h1>
<p class="addressee">申请人：</p>
<p>本机关于2026年11月23日收到您提出的政府信息公开申请。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，现予以公开。</p>
<table class="grid"><thead><tr><th>项目</th><th>数量</th></tr></thead>
<tbody><tr><td>予以公开</td><td class="num">12</td></tr></tbody></table>
<div class="signature"><p>青山市教育局</p><p>2026年11月23日</p></div>
"""


def _pixels_not_white(png_bytes: bytes) -> tuple[int, int]:
    from PIL import Image

    img = Image.open(io.BytesIO(png_bytes)).convert("L")
    dark = sum(img.histogram()[:200])
    return dark, img.width * img.height


def test_pdf_is_a4_with_extractable_chinese_text():
    data = html_to_pdf(SAMPLE)
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    w_mm = float(page.mediabox.width) / 72 * 25.4
    h_mm = float(page.mediabox.height) / 72 * 25.4
    assert abs(w_mm - 210) < 1 and abs(h_mm - 297) < 1
    text = page.extract_text()
    # Fonts embedded with a ToUnicode map: the Chinese comes back, not boxes or gaps.
    for needle in ("政府信息公开申请答复书", "第三十六条", "青山市教育局", "予以公开", "— 1 —"):
        assert needle in text.replace("\n", ""), needle
    fonts = set()
    for font in page["/Resources"]["/Font"].values():
        font = font.get_object()
        fonts.add(str(font["/BaseFont"]))
        desc = font.get("/DescendantFonts")
        if desc:
            fd = desc[0].get_object()["/FontDescriptor"].get_object()
        else:
            fd = font["/FontDescriptor"].get_object()
        assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
    assert any("CJK" in f or "Song" in f or "Fang" in f for f in fonts), fonts


def test_pdf_renders_to_a_non_blank_page(tmp_path):
    # poppler-utils is installed by .ci/run; a missing pdftoppm is a setup error, not a skip.
    assert shutil.which("pdftoppm"), "pdftoppm missing (apt-get install poppler-utils)"
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(html_to_pdf(SAMPLE))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    png = next(tmp_path.glob("p*.png")).read_bytes()
    dark, total = _pixels_not_white(png)
    # Text covers a small but clear share of the page; a blank page would be ~0.
    assert 0.003 < dark / total < 0.5, (dark, total)

    blank = tmp_path / "b.pdf"
    blank.write_bytes(html_to_pdf("<p></p>"))
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(blank), str(tmp_path / "q")], check=True)
    dark_blank, _ = _pixels_not_white(next(tmp_path.glob("q*.png")).read_bytes())
    assert dark_blank < dark / 5  # only the page number


def test_fragment_and_full_document_both_work_and_external_urls_are_not_fetched():
    full = (
        "<!doctype html><html><body><p>全文档</p><img src='http://192.0.2.1/x.png'></body></html>"
    )
    text = pypdf.PdfReader(io.BytesIO(html_to_pdf(full))).pages[0].extract_text()
    assert "全文档" in text


def test_extra_css_applies():
    plain = html_to_pdf("<p>同样的文字</p>")
    landscape = html_to_pdf("<p>同样的文字</p>", extra_css="@page { size: A4 landscape; }")
    box = pypdf.PdfReader(io.BytesIO(landscape)).pages[0].mediabox
    assert float(box.width) > float(box.height)
    box = pypdf.PdfReader(io.BytesIO(plain)).pages[0].mediabox
    assert float(box.width) < float(box.height)


def test_long_documents_paginate_with_page_numbers():
    body = "".join(f"<p>第{i}段：依照条例规定办理。</p>" for i in range(80))
    reader = pypdf.PdfReader(io.BytesIO(html_to_pdf(body)))
    assert len(reader.pages) >= 3
    assert "— 3 —" in reader.pages[2].extract_text()


def test_format_cn_date():
    from datetime import date, datetime

    assert format_cn_date(date(2026, 1, 5)) == "2026年1月5日"
    assert format_cn_date(datetime(2026, 12, 31, 23, 0)) == "2026年12月31日"
    assert format_cn_date(None) == ""
