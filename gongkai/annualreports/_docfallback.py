"""Minimal stand-ins for gongkai.documents (DOCX helpers, html_to_pdf), used only while that
package is not installed. Same names and signatures, plainer layout."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT  # noqa: F401
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"


def _font(run, name, size, bold=None):
    run.font.name = name
    run.font.size = size
    if bold is not None:
        run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def new_document(title: str | None = None):
    doc = Document()
    s = doc.sections[0]
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    if title:
        doc.core_properties.title = title
    return doc


def add_title(doc, text: str):
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), TITLE_FONT, Pt(22))
    return p


def add_heading(doc, text: str, level: int = 1):
    p = doc.add_paragraph()
    _font(p.add_run(text), HEADING_FONT, Pt(16))
    return p


def add_paragraph(doc, text: str, indent_first_line: bool = True, bold: bool = False, align=None):
    p = doc.add_paragraph()
    if indent_first_line:
        p.paragraph_format.first_line_indent = Pt(32)
    if align is not None:
        p.alignment = align
    _font(p.add_run(text), BODY_FONT, Pt(16), bold)
    return p


def add_table(doc, header_rows, rows, merges=(), font_size=Pt(10.5), col_widths_mm=None):
    grid = [list(r) for r in header_rows] + [list(r) for r in rows]
    ncols = max(len(r) for r in grid)
    table = doc.add_table(rows=len(grid), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(grid):
        for c in range(ncols):
            v = values[c] if c < len(values) else None
            if v is None or v == "":
                continue
            _font(table.rows[r].cells[c].paragraphs[0].add_run(str(v)), BODY_FONT, font_size)
    for r1, c1, r2, c2 in merges:
        table.cell(r1, c1).merge(table.cell(r2, c2))
    return table


def to_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def html_to_pdf(html: str, base_url: str | None = None, extra_css: str | None = None) -> bytes:
    from weasyprint import CSS, HTML

    css = [
        CSS(
            string='@page { size: A4; margin: 25mm 20mm; } body { font-family: "Noto Serif CJK SC", serif; }'
        )
    ]
    if extra_css:
        css.append(CSS(string=extra_css))
    return HTML(string=html, base_url=base_url).write_pdf(stylesheets=css)
