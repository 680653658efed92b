"""gongkai.documents.docx: layout, East-Asian fonts, merged header cells, round trip."""

import io
from datetime import date

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from gongkai.documents import docx as d


def _build():
    doc = d.new_document("测试公文")
    d.add_title(doc, "政府信息公开工作年度报告")
    d.add_heading(doc, "一、总体情况", 1)
    d.add_paragraph(doc, "申请人：", indent_first_line=False)
    d.add_paragraph(doc, "第一行\n第二行")
    d.add_table(
        doc,
        header_rows=[
            ["本列数据的勾稽关系", "申请人情况", "", ""],
            ["", "自然人", "法人或其他组织", "总计"],
        ],
        rows=[["一、本年新收政府信息公开申请数量", 3, 4, 7]],
        merges=[(0, 0, 1, 0), (0, 1, 0, 3)],
    )
    d.add_signature(doc, "青山市教育局", date(2026, 11, 23))
    return d.to_bytes(doc)


def test_round_trip_layout_and_fonts():
    data = _build()
    doc = Document(io.BytesIO(data))
    sec = doc.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.page_height.mm) == 297
    assert (round(sec.top_margin.mm), round(sec.bottom_margin.mm)) == (37, 35)
    assert (round(sec.left_margin.mm), round(sec.right_margin.mm)) == (28, 26)
    assert doc.core_properties.title == "测试公文"
    title = doc.paragraphs[0]
    assert title.text == "政府信息公开工作年度报告"
    rfonts = title.runs[0]._element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == d.TITLE_FONT
    assert title.runs[0].font.size.pt == 22
    body = doc.paragraphs[3]
    assert body.paragraph_format.first_line_indent.pt == 32  # two 16pt characters
    assert doc.paragraphs[2].paragraph_format.first_line_indent is None
    assert "第一行\n第二行" in body.text
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == d.BODY_FONT
    texts = [p.text for p in doc.paragraphs]
    assert texts[-2:] == ["青山市教育局", "2026年11月23日"]
    footer_xml = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer_xml


def test_merged_header_cells():
    doc = Document(io.BytesIO(_build()))
    t = doc.tables[0]
    # (0,0)-(1,0) vertical merge: both grid positions are the same cell
    assert t.cell(0, 0)._tc is t.cell(1, 0)._tc
    assert t.cell(0, 1)._tc is t.cell(0, 3)._tc
    assert t.cell(0, 1).text == "申请人情况"
    assert t.cell(1, 1).text == "自然人"
    assert t.cell(2, 3).text == "7"
    assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert t.rows[2]._tr.trPr is None or t.rows[2]._tr.trPr.find(qn("w:tblHeader")) is None
    text = d.document_text(_build())
    assert text.count("申请人情况") == 1


def test_bad_merge_is_rejected():
    doc = d.new_document()
    with pytest.raises(ValueError):
        d.add_table(doc, [["a", "b"]], [], merges=[(0, 0, 3, 1)])
    with pytest.raises(ValueError):
        d.add_table(doc, [], [])


def test_html_to_docx_keeps_structure_and_text():
    html = """<html><head><title>告知书</title></head><body>
    <h1 class="doc-title">补正告知书</h1><p class="doc-number">2026-0001-01</p>
    <p class="addressee">张三：</p>
    <p>本机关于
       2026年11月23日收到您的申请 &amp; 材料。</p>
    <ol><li>信息名称</li><li>文号</li></ol>
    <table class="grid"><thead><tr><th rowspan="2">项目</th><th colspan="2">数量</th></tr>
    <tr><th>自然人</th><th>法人</th></tr></thead>
    <tbody><tr><td>新收</td><td class="num">1,234</td><td class="num">5</td></tr></tbody></table>
    <div class="signature"><p>青山市教育局</p><p>2026年11月23日</p></div>
    <div class="note"><p>地址：青山市<br>电话：123</p></div>
    </body></html>"""
    doc = d.html_to_docx(html)
    assert doc.core_properties.title == "告知书"
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "补正告知书"
    assert "本机关于 2026年11月23日收到您的申请 & 材料。" in texts
    assert "1. 信息名称" in texts and "2. 文号" in texts
    assert "地址：青山市\n电话：123" in texts
    assert texts.index("青山市教育局") < texts.index("2026年11月23日")
    assert doc.paragraphs[texts.index("张三：")].paragraph_format.first_line_indent is None
    t = doc.tables[0]
    assert t.cell(0, 0)._tc is t.cell(1, 0)._tc
    assert t.cell(0, 1)._tc is t.cell(0, 2)._tc
    assert t.cell(1, 2).text == "法人"
    assert t.cell(2, 1).text == "1,234"
    assert t.cell(2, 1).paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert t.cell(2, 0).paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
