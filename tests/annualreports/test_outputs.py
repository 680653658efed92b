"""DOCX, XLSX, PDF and JSON outputs re-read with python-docx, openpyxl and pypdf: the official
labels and the figures are there; the HTML tables are accessible."""

import io
import json
import random
import re

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from gongkai.annualreports import outputs
from gongkai.annualreports.conf import counting_rules
from gongkai.reportschema import get_format, sample_cells


@pytest.fixture(scope="module")
def doc():
    cells = sample_cells("2021", random.Random(7), zero=0.2)
    return outputs.ReportDoc(
        agency_id=1,
        agency_name="青山市教育局",
        uscc="X",
        year=2025,
        fmt="2021",
        cells=cells,
        narrative={
            "一": "<p>总体情况正文。</p>",
            "五": "<p>问题：培训不足。</p>",
            "六": "<p>本年度未收取信息处理费。</p>",
        },
        rules=counting_rules(),
        version=1,
        published_at="2026-01-20T10:00:00+08:00",
        trend=[[2023, 5, 4, 1], [2024, 7, 8, 0], [2025, 9, 9, 2]],
    )


def _labels(fmt="2021"):
    f = get_format(fmt)
    yield from (s.heading for s in f.sections)
    yield "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    yield "3.危及“三安全一稳定”"
    yield "本年收费金额（单位：万元）"
    yield "未经复议直接起诉"


def test_docx_has_labels_figures_merges_and_charts(doc):
    d = Document(io.BytesIO(outputs.to_docx(doc)))
    text = "\n".join(p.text for p in d.paragraphs)
    cells_text = []
    for t in d.tables:
        for row in t.rows:
            cells_text.extend(c.text for c in row.cells)
    alltext = text + "\n".join(cells_text)
    for label in _labels():
        assert label in alltext, label
    assert "培训不足" in text and doc.title in text
    assert d.sections[0].page_width.mm == pytest.approx(210, abs=1)
    t3 = d.tables[1]
    # merged header: 申请人情况 spans the 7 data columns
    first = t3.rows[0].cells
    assert sum(1 for c in first if c.text == "申请人情况") == 7
    # the figures of row 一 in order
    row = next(r for r in t3.rows if r.cells[0].text.startswith("一、本年新收"))
    nums = [c.text for c in row.cells[3:]]
    expected = [
        str(doc.cells[f"applications.new.{c}"])
        for c in (
            "natural",
            "org_commercial",
            "org_research",
            "org_public_welfare",
            "org_legal_service",
            "org_other",
            "total",
        )
    ]
    assert nums == expected
    assert len(d.inline_shapes) == 3  # outcome, applicant and trend charts


def test_xlsx_one_sheet_per_table(doc):
    wb = load_workbook(io.BytesIO(outputs.to_xlsx(doc)))
    assert wb.sheetnames[:3] == ["二、主动公开", "三、依申请公开", "四、复议诉讼"]
    ws = wb["四、复议诉讼"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "行政复议" in values and "复议后起诉" in values
    data_row = [
        c.value for c in list(ws.iter_rows())[5] if c.value is not None
    ]  # title, blank, 3 header rows
    expected = [doc.cells[k] for k in get_format("2021").table("appeals").cell_keys()]
    assert data_row == expected
    assert any(str(r) for r in ws.merged_cells.ranges)
    ws3 = wb["三、依申请公开"]
    found = {c.value for row in ws3.iter_rows() for c in row}
    assert "（七）总计" in found and doc.cells["applications.outcomes_total.total"] in found


def test_xlsx_never_writes_a_formula(doc):
    """Every text cell goes through gongkai.core.spreadsheet.safe_cell: an agency name (the
    sheet titles begin with it) or a note that starts like a formula is written as text."""
    import dataclasses

    evil = dataclasses.replace(doc, agency_name='=HYPERLINK("http://x.example")局')
    wb = load_workbook(io.BytesIO(outputs.to_xlsx(evil)))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert wb.worksheets[0]["A1"].value.startswith("'=HYPERLINK")


def test_pdf_text_has_labels_and_figures(doc):
    pdf = PdfReader(io.BytesIO(outputs.to_pdf(doc)))
    text = "".join(p.extract_text() for p in pdf.pages)
    flat = re.sub(r"\s+", "", text)
    for label in (
        "一、总体情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政规范性文件",
        "结转下年度继续办理",
        "培训不足",
    ):
        assert label in flat, label
    assert str(doc.cells["applications.new.total"]) in text


def test_json_is_open_data_with_cell_keys(doc):
    data = json.loads(outputs.to_json_bytes(doc))
    f = get_format("2021")
    assert set(f.cell_keys()) <= set(data["cells"])
    assert data["cells"]["applications.new.total"] == doc.cells["applications.new.total"]
    assert data["counting_rules"]["multi_outcome"]


def test_html_tables_are_accessible(doc):
    tables = outputs.tables_html(doc)
    html = str(tables["三"])
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html
    ids = set(re.findall(r'id="(t三-h[^"]+)"', html))
    for headers in re.findall(r'headers="([^"]*)"', html):
        refs = headers.split()
        assert len(refs) >= 3 and set(refs) <= ids
