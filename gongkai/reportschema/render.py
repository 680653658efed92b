"""Plain renderers for a report in a given format: HTML tables (official layout with merged
cells), and text in three shapes seen on the web — pipe rows, one cell per line, and the
fully flattened form. The annual report generator may reuse these; the checker tests use
them for round trips.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from html import escape

from .formats import get_format
from .model import CellValue, Format, Table


def format_value(v: CellValue) -> str:
    """A cell as printed: blank for None, integers plain, decimals without exponent."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        s = format(v.normalize(), "f")
        return s
    return str(v)


def render_table_html(table: Table, cells: Mapping[str, CellValue]) -> str:
    out = ['<table border="1" cellspacing="0">']
    for line in table.grid:
        out.append("<tr>")
        for g in line:
            attrs = ""
            if g.rowspan > 1:
                attrs += f' rowspan="{g.rowspan}"'
            if g.colspan > 1:
                attrs += f' colspan="{g.colspan}"'
            tag = "th" if g.header else "td"
            text = g.text if g.key is None else format_value(cells.get(g.key))
            out.append(f"<{tag}{attrs}>{escape(text)}</{tag}>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _fmt(fmt: Format | str) -> Format:
    return get_format(fmt) if isinstance(fmt, str | int) else fmt


DEFAULT_NARRATIVE = {
    "一": "本机关认真贯彻落实《中华人民共和国政府信息公开条例》，推进主动公开、依申请公开、政府信息管理、平台建设和监督保障工作。",
    "五": "存在的主要问题是公开内容还需进一步细化。下一步将加强培训，完善制度。",
    "六": "本年度未收取信息处理费。",
}


def render_html(
    fmt: Format | str,
    cells: Mapping[str, CellValue],
    *,
    title: str = "",
    narrative: Mapping[str, str] | None = None,
) -> str:
    """A whole report as an HTML page: title, the six sections, tables in sections 二–四."""
    f = _fmt(fmt)
    narrative = {**DEFAULT_NARRATIVE, **(narrative or {})}
    body = [f"<h1>{escape(title)}</h1>"] if title else []
    for s in f.sections:
        body.append(f"<h2>{escape(s.heading)}</h2>")
        if s.number in narrative:
            body.append(f"<p>{escape(narrative[s.number])}</p>")
        if s.table:
            body.append(render_table_html(f.tables[s.table], cells))
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{''.join(body)}</body></html>"
    )


def table_rows_text(table: Table, cells: Mapping[str, CellValue]) -> list[list[str]]:
    """The table's grid as rows of printed strings (spans not repeated)."""
    return [
        [g.text if g.key is None else format_value(cells.get(g.key)) for g in line]
        for line in table.grid
    ]


def render_text(
    fmt: Format | str,
    cells: Mapping[str, CellValue],
    *,
    style: str = "pipes",
    title: str = "",
    narrative: Mapping[str, str] | None = None,
) -> str:
    """A whole report as text. style: "pipes" (| a | b |), "lines" (one cell per line; blank
    cells vanish, as on scraped pages), "tabs", or "flat" (each table run together with no
    separators at all: `规范性文件898989`)."""
    f = _fmt(fmt)
    narrative = {**DEFAULT_NARRATIVE, **(narrative or {})}
    out = [title] if title else []
    for s in f.sections:
        out.append(s.heading)
        if s.number in narrative:
            out.append(narrative[s.number])
        if not s.table:
            continue
        if style == "flat":
            out.append("")
        for row in table_rows_text(f.tables[s.table], cells):
            if style == "pipes":
                out.append("| " + " | ".join(row) + " |")
            elif style == "tabs":
                out.append("\t".join(row))
            elif style == "lines":
                out.extend(row)
            elif style == "flat":
                # tags stripped without separators, as scraped pages often are
                out[-1] += "".join(row)
            else:
                raise ValueError(f"unknown style {style!r}")
    return "\n".join(out) + "\n"
