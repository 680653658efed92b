"""One report, five outputs: HTML (portal page and print), DOCX (official layout), PDF
(WeasyPrint, Noto CJK), XLSX (one sheet per table) and JSON (GLOSSARY cell keys: open data).

Everything renders from a `ReportDoc`: for a published version it is rebuilt from the frozen
snapshot (so downloads never change after publication), for a draft from the live build.
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from gongkai.documents.docx import (
    add_heading,
    add_paragraph,
    add_table,
    add_title,
    new_document,
    to_bytes,
)
from gongkai.documents.pdf import html_to_pdf
from gongkai.reportschema import get_format

from . import charts, narrative
from .render import matrix, table_html

TABLE_NOTES = {
    "applications": ("application_unit", "multi_outcome", "period", "applicant"),
    "appeals": ("appeals",),
}


@dataclass
class ReportDoc:
    agency_id: int
    agency_name: str
    uscc: str
    year: int
    fmt: str
    cells: dict
    narrative: dict
    rules: dict
    status: str = "draft"
    version: int | None = None
    published_at: str | None = None
    change_note: str = ""
    manual: dict = field(default_factory=dict)
    fees_yuan: str = "0"
    trend: list = field(default_factory=list)
    history: list = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.agency_name}{self.year}年政府信息公开工作年度报告"

    @property
    def format(self):
        return get_format(self.fmt)

    def as_json(self) -> dict:
        """The open-data record: cell values keyed as in GLOSSARY.md. No personal data."""

        def num(v):
            if isinstance(v, Decimal):
                return int(v) if v == v.to_integral_value() else float(v)
            return v

        return {
            "agency": {"id": self.agency_id, "name": self.agency_name, "uscc": self.uscc},
            "year": self.year,
            "format": self.fmt,
            "format_document": self.format.document_number,
            "version": self.version,
            "published_at": self.published_at,
            "change_note": self.change_note,
            "cells": {k: num(v) for k, v in self.cells.items()},
            "manual_figures": self.manual,
            "fees_charged_yuan": self.fees_yuan,
            "counting_rules": self.rules,
            "narrative": {k: narrative.html_paragraphs(v) for k, v in self.narrative.items()},
        }


def typed_cells(fmt: str, raw: Mapping) -> dict:
    f = get_format(fmt)
    out = {}
    for k, v in raw.items():
        if v in (None, ""):
            out[k] = None
            continue
        d = Decimal(str(v))
        out[k] = int(d) if f.cell(k).kind in ("count", "signed") else d
    return out


def doc_from_version(version) -> ReportDoc:
    s = version.snapshot
    history = [
        {"number": v.number, "published_at": v.published_at, "change_note": v.change_note}
        for v in version.report.versions.order_by("number")
    ]
    return ReportDoc(
        agency_id=s["agency"]["id"],
        agency_name=s["agency"]["name"],
        uscc=s["agency"]["uscc"],
        year=s["year"],
        fmt=s["format"],
        cells=typed_cells(s["format"], s["cells"]),
        narrative=s["narrative"],
        rules=s["counting_rules"],
        status="published",
        version=s["version"],
        published_at=s["published_at"],
        change_note=s.get("change_note", ""),
        manual=s.get("manual", {}),
        fees_yuan=s.get("fees_charged_yuan", "0"),
        trend=s.get("trend", []),
        history=history,
    )


def doc_from_report(report, built) -> ReportDoc:
    from .builder import fees_charged_yuan, trend
    from .conf import counting_rules

    return ReportDoc(
        agency_id=report.agency_id,
        agency_name=report.agency.name,
        uscc=report.agency.uscc,
        year=report.year,
        fmt=report.format,
        cells=built.cells,
        narrative={"一": report.section_1, "五": report.section_5, "六": report.section_6},
        rules=counting_rules(),
        status=report.status,
        change_note=report.change_note,
        manual={
            m.cell_key: {"value": str(m.value.normalize()), "source_note": m.source_note}
            for m in report.manual.all()
        },
        fees_yuan=str(fees_charged_yuan([report.agency_id], report.year)),
        trend=trend(report.agency, report.year, built.cells),
    )


# ----------------------------------------------------------------------------- HTML


def tables_html(doc: ReportDoc, link=None, marks=None, prefix: str = "t") -> dict:
    f = doc.format
    return {
        s.number: table_html(
            f.tables[s.table],
            doc.cells,
            caption=f"表{s.number}　{s.title}",
            prefix=f"{prefix}{s.number}",
            link=link,
            marks=marks,
        )
        for s in f.sections
        if s.table
    }


def chart_images(doc: ReportDoc, fmt: str = "svg") -> dict:
    imgs = {
        "outcomes": charts.outcomes_chart(doc.cells, fmt),
        "applicants": charts.applicants_chart(doc.cells, fmt),
    }
    if doc.trend:
        imgs["trend"] = charts.trend_chart(doc.trend, fmt)
    return imgs


CHART_TITLES = {
    "outcomes": "本年度办理结果（按申请人类型）",
    "applicants": "本年新收申请（按申请人类型）",
    "trend": "历年趋势：新收申请、办结申请、复议诉讼",
}


def body_context(doc: ReportDoc, link=None, marks=None, inline_svg: bool = True) -> dict:
    ctx = {
        "doc": doc,
        "sections": doc.format.sections,
        "tables": tables_html(doc, link, marks),
        "narrative": {k: mark_safe(narrative.sanitize(v)) for k, v in doc.narrative.items()},
        "rules": doc.rules,
        "table_notes": {
            k: [doc.rules[r] for r in keys if r in doc.rules] for k, keys in TABLE_NOTES.items()
        },
    }
    if inline_svg:
        ctx["charts"] = [
            (CHART_TITLES[k], mark_safe(_strip_xml_decl(v.decode())))
            for k, v in chart_images(doc, "svg").items()
        ]
    return ctx


def _strip_xml_decl(svg: str) -> str:
    i = svg.find("<svg")
    return svg[i:] if i >= 0 else svg


def to_print_html(doc: ReportDoc) -> str:
    pngs = chart_images(doc, "png")
    ctx = body_context(doc, inline_svg=False)
    ctx["charts_png"] = [
        (CHART_TITLES[k], "data:image/png;base64," + base64.b64encode(v).decode())
        for k, v in pngs.items()
    ]
    return render_to_string("annualreports/print.html", ctx)


def to_pdf(doc: ReportDoc) -> bytes:
    return html_to_pdf(to_print_html(doc), base_url=None)


# ----------------------------------------------------------------------------- DOCX


def to_docx(doc: ReportDoc) -> bytes:
    from docx.shared import Mm, Pt

    d = new_document(doc.title)
    add_title(d, doc.title)
    add_paragraph(
        d,
        f"本报告依据《中华人民共和国政府信息公开条例》第四十九条、第五十条和"
        f"《{doc.format.name}》（{doc.format.document_number}）编制。报告中所列数据的统计期限自"
        f"{doc.year}年1月1日起至{doc.year}年12月31日止。",
    )
    if doc.version and doc.version > 1 and doc.change_note:
        add_paragraph(d, f"更正说明（第{doc.version}版）：{doc.change_note}")
    f = doc.format
    for s in f.sections:
        add_heading(d, s.heading, 1)
        if s.number in doc.narrative:
            for para in narrative.html_paragraphs(doc.narrative[s.number]):
                add_paragraph(d, para)
        if s.table:
            grid, merges, n_head = matrix(f.tables[s.table], doc.cells)
            rows = [[_docx_value(v) for v in row] for row in grid]
            add_table(
                d,
                rows[:n_head],
                rows[n_head:],
                merges,
                font_size=Pt(9 if s.table != "proactive" else 10.5),
            )
    add_heading(d, "附：统计口径说明", 1)
    for i, rule in enumerate(doc.rules.values(), start=1):
        add_paragraph(d, f"{i}.{rule}")
    add_heading(d, "附：图解", 1)
    for key, png in chart_images(doc, "png").items():
        add_paragraph(d, CHART_TITLES[key], indent_first_line=False)
        d.add_picture(io.BytesIO(png), width=Mm(150))
    return to_bytes(d)


def _docx_value(v):
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    return v


# ----------------------------------------------------------------------------- XLSX


SHEET_NAMES = {
    "proactive": "二、主动公开",
    "applications": "三、依申请公开",
    "appeals": "四、复议诉讼",
}


def to_xlsx(doc: ReportDoc) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    from gongkai.core.spreadsheet import safe_cell, safe_row

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    f = doc.format
    for s in f.sections:
        if not s.table:
            continue
        ws = wb.create_sheet(SHEET_NAMES[s.table])
        ws.cell(1, 1, safe_cell(f"{doc.title}　{s.heading}")).font = Font(bold=True, size=12)
        grid, merges, _n_head = matrix(f.tables[s.table], doc.cells)
        off = 2
        for r, row in enumerate(grid):
            for c, v in enumerate(row):
                cell = ws.cell(r + 1 + off, c + 1, safe_cell(_xlsx_value(v)))
                cell.border = border
                cell.alignment = Alignment(wrap_text=True, vertical="center")
        for r1, c1, r2, c2 in merges:
            ws.merge_cells(
                start_row=r1 + 1 + off, start_column=c1 + 1, end_row=r2 + 1 + off, end_column=c2 + 1
            )
        ws.column_dimensions["A"].width = 24
        notes = [doc.rules[r] for r in TABLE_NOTES.get(s.table, ()) if r in doc.rules]
        for i, note in enumerate(notes):
            ws.cell(len(grid) + off + 2 + i, 1, safe_cell("注：" + note))
    ws = wb.create_sheet("说明")
    ws.append(["单元格", "数值", "来源"])
    for k, m in sorted(doc.manual.items()):
        ws.append(safe_row([k, m["value"], "手工填报：" + m["source_note"]]))
    ws.append([])
    ws.append(safe_row(["格式", f"{f.name}（{f.document_number}）"]))
    ws.append(["版本", doc.version or "草稿"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(v):
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def to_json_bytes(doc: ReportDoc) -> bytes:
    return json.dumps(doc.as_json(), ensure_ascii=False, indent=1).encode()
