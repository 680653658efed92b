"""Tables in the official layout, for people and for files.

`layout(table)` places reportschema's grid (rows of cells with rowspan/colspan) on a matrix;
the accessible HTML (caption, th scope, id/headers on every figure — GB/T 37668 / WCAG 1.3.1),
the DOCX and the XLSX all use it, so merged header cells look like the official ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from gongkai.reportschema import Table, format_value


@dataclass(frozen=True)
class Placed:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    key: str | None
    header: bool

    def covers_col(self, c: int) -> bool:
        return self.col <= c < self.col + self.colspan

    def covers_row(self, r: int) -> bool:
        return self.row <= r < self.row + self.rowspan


def layout(table: Table) -> list[list[Placed]]:
    """Grid rows → placed cells with their matrix position (HTML table model)."""
    taken: set[tuple[int, int]] = set()
    out: list[list[Placed]] = []
    for r, line in enumerate(table.grid):
        c = 0
        row: list[Placed] = []
        for g in line:
            while (r, c) in taken:
                c += 1
            p = Placed(r, c, g.rowspan, g.colspan, g.text, g.key, g.header and g.key is None)
            row.append(p)
            for dr in range(g.rowspan):
                for dc in range(g.colspan):
                    taken.add((r + dr, c + dc))
            c += g.colspan
        out.append(row)
    return out


def _is_header_row(row: list[Placed]) -> bool:
    return all(p.key is None for p in row)


def _headers_for(rows: list[list[Placed]], cell: Placed) -> list[Placed]:
    """The header cells that describe a figure: its row headers, and the column headers of
    the header rows directly above its block."""
    found: list[Placed] = []
    for line in rows[: cell.row + 1]:
        for p in line:
            if (
                p.header
                and p.covers_row(cell.row)
                and p.col < cell.col
                and not _is_header_row(line)
            ):
                found.append(p)
    collected = False
    for r in range(cell.row - 1, -1, -1):
        if _is_header_row(rows[r]):
            collected = True
            for line in rows[: r + 1]:
                for p in line:
                    if p.header and p.covers_row(r) and p.covers_col(cell.col) and p not in found:
                        if _is_header_row(rows[p.row]):
                            found.append(p)
        elif collected:
            break
    return found


def _id(prefix: str, p: Placed) -> str:
    return f"{prefix}-h{p.row}-{p.col}"


def table_html(
    table: Table,
    cells: Mapping,
    *,
    caption: str,
    prefix: str,
    link: Callable[[str], str | None] | None = None,
    marks: Mapping[str, str] | None = None,
) -> SafeString:
    """Accessible HTML of one official table. `link(key)` → drill-down URL; `marks[key]` adds a
    visible marker (e.g. 手工填报)."""
    rows = layout(table)
    out = [f'<table class="report-table report-{table.key}" id="{prefix}">']
    out.append(f"<caption>{escape(caption)}</caption>")
    in_head = True
    out.append("<thead>")
    for line in rows:
        header_row = _is_header_row(line)
        if in_head and not header_row:
            out.append("</thead><tbody>")
            in_head = False
        out.append("<tr>")
        for p in line:
            span = ""
            if p.rowspan > 1:
                span += f' rowspan="{p.rowspan}"'
            if p.colspan > 1:
                span += f' colspan="{p.colspan}"'
            if p.header:
                if header_row:
                    scope = "colgroup" if p.colspan > 1 else "col"
                else:
                    scope = "rowgroup" if p.rowspan > 1 else "row"
                out.append(f'<th id="{_id(prefix, p)}" scope="{scope}"{span}>{escape(p.text)}</th>')
            else:
                heads = " ".join(_id(prefix, h) for h in _headers_for(rows, p))
                value = format_value(cells.get(p.key)) if p.key else ""
                if p.key and value == "":
                    value = "0"
                inner = escape(value)
                url = link(p.key) if (link and p.key) else None
                if url:
                    inner = f'<a href="{escape(url)}" title="{escape(p.key)}">{inner}</a>'
                if marks and p.key in marks:
                    inner += f'<sup class="mark" title="{escape(marks[p.key])}">*</sup>'
                key_attr = f' data-key="{escape(p.key)}"' if p.key else ""
                out.append(f'<td class="num" headers="{heads}"{key_attr}{span}>{inner}</td>')
        out.append("</tr>")
    out.append("</tbody>" if not in_head else "</thead>")
    out.append("</table>")
    return mark_safe("".join(out))


def matrix(table: Table, cells: Mapping) -> tuple[list[list], list[tuple[int, int, int, int]], int]:
    """(rows of values, merges (r1, c1, r2, c2), number of header rows) for DOCX/XLSX."""
    rows = layout(table)
    grid: list[list] = [[None] * table.width for _ in rows]
    merges = []
    for line in rows:
        for p in line:
            if p.key:
                v = cells.get(p.key)
                grid[p.row][p.col] = 0 if v is None else v
            else:
                grid[p.row][p.col] = p.text
            if p.rowspan > 1 or p.colspan > 1:
                merges.append((p.row, p.col, p.row + p.rowspan - 1, p.col + p.colspan - 1))
    n_head = 0
    for line in rows:
        if not _is_header_row(line):
            break
        n_head += 1
    if table.key == "proactive":
        n_head = 0  # table 二 is a stack of blocks, each with its own caption and header
    return grid, merges, n_head
