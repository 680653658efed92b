"""Checker results as an XLSX workbook: one row per report with one column per cell key,
and a findings sheet. Takes the report dicts of ``gongkai check --json`` (``Report.to_dict()``).
No Django import. The command line's own ``--out`` workbook (gongkai/checker/cli.py) has another
layout (reports / findings / cells / figures sheets); both put every cell through the one
escaping helper, ``gongkai.core.spreadsheet.safe_cell``, since report text comes from other
people's documents and must never run as a formula.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from gongkai.core.spreadsheet import safe_cell

REPORT_HEAD = [
    ("file", "文件"),
    ("agency", "机关"),
    ("year", "年度"),
    ("format", "格式"),
    ("script", "字形"),
    ("published", "发布日期"),
    ("errors", "错误"),
    ("warnings", "警告"),
    ("infos", "提示"),
    ("error", "无法读取的原因"),
]
FINDING_HEAD = [
    ("file", "文件"),
    ("agency", "机关"),
    ("year", "年度"),
    ("code", "代码"),
    ("severity", "级别"),
    ("message", "问题"),
    ("where", "位置"),
    ("evidence", "依据"),
]


def _cell_order() -> list[str]:
    """Official cell order (2021 format, then 2019 extras) so columns read like the tables."""
    try:
        from gongkai.reportschema import get_format
    except ImportError:
        return []
    seen: dict[str, None] = {}
    for fmt in ("2021", "2019"):
        try:
            for k in get_format(fmt).cell_keys():
                seen.setdefault(k, None)
        except (KeyError, ValueError):
            continue
    return list(seen)


def _clean(v):
    """openpyxl refuses control characters; numbers stay numbers; no text runs as a formula."""
    return safe_cell(v)


def _counts(d: dict) -> tuple[int, int, int]:
    c = {"error": 0, "warning": 0, "info": 0}
    for f in d.get("findings") or []:
        c[f.get("severity", "info")] = c.get(f.get("severity", "info"), 0) + 1
    return c["error"], c["warning"], c["info"]


def reports_xlsx(reports: Iterable[dict]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    reports = list(reports)
    order = _cell_order()
    present = {k for d in reports for k in (d.get("cells") or {})}
    cell_keys = [k for k in order if k in present] + sorted(present - set(order))
    figure_keys = sorted(
        {
            k
            for d in reports
            for k, v in (d.get("figures") or {}).items()
            if not isinstance(v, list | dict)
        }
    )

    wb = Workbook()
    ws = wb.active
    ws.title = "报告"
    ws.append([label for _k, label in REPORT_HEAD] + cell_keys + figure_keys)
    for d in reports:
        e, w, i = _counts(d)
        base = [
            d.get("file"),
            d.get("agency"),
            d.get("year"),
            d.get("format"),
            d.get("script"),
            d.get("published"),
            e,
            w,
            i,
            d.get("error") or "",
        ]
        cells = d.get("cells") or {}
        figures = d.get("figures") or {}
        ws.append(
            [_clean(v) for v in base]
            + [_clean(cells.get(k)) for k in cell_keys]
            + [_clean(figures.get(k)) for k in figure_keys]
        )
    for c in ws[1]:
        c.font = Font(bold=True)
    ws.freeze_panes = "C2"

    wf = wb.create_sheet("问题")
    wf.append([label for _k, label in FINDING_HEAD])
    for d in reports:
        if d.get("error"):
            wf.append(
                [_clean(x) for x in (d.get("file"), d.get("agency"), d.get("year"))]
                + ["READ-ERROR", "error", _clean(d["error"]), "", ""]
            )
        for f in d.get("findings") or []:
            wf.append(
                [_clean(x) for x in (d.get("file"), d.get("agency"), d.get("year"))]
                + [_clean(f.get(k)) for k in ("code", "severity", "message", "where", "evidence")]
            )
    for c in wf[1]:
        c.font = Font(bold=True)
    wf.freeze_panes = "A2"

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
