"""Data classes describing an official annual report format (no Django, no I/O).

A `Format` is a tree: sections → tables → blocks → rows × columns → cells. Every value
cell has a GLOSSARY cell key (`table.row.column`). Each table also carries a `grid`: the
header and body laid out as HTML-like rows with rowspan/colspan, so a renderer can print
an official-looking table without knowing the format (ANNUAL_REPORT_FORMAT.md §3–§5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

CellKind = Literal["count", "signed", "money"]
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # official header text of the leaf column
    group: str = ""  # spanning header above it ("法人或其他组织", "行政诉讼·复议后起诉")


@dataclass(frozen=True)
class Row:
    key: str
    label: str  # official label, exactly as printed (full-width brackets)
    parents: tuple[str, ...] = ()  # labels of the merged cells to its left, outermost first
    aliases: tuple[str, ...] = ()  # normalised variants seen in published reports (§4.6)


@dataclass(frozen=True)
class CellSpec:
    key: str  # GLOSSARY key, e.g. applications.withheld.state_secret.natural
    table: str
    row: str
    column: str
    row_label: str
    column_label: str
    kind: CellKind = "count"
    unit: str = ""  # "件", "万元", "元"; "" when the format prints none


@dataclass(frozen=True)
class GridCell:
    """One printed cell: a label (text) or a value slot (key), with its spans."""

    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


@dataclass(frozen=True)
class Block:
    """A run of rows sharing one header (table 二 is a stack of five/four blocks)."""

    caption: str  # spanning caption row, e.g. 第二十条第（一）项; "" when none
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    header_label: str = ""  # text of the top-left header cell (信息内容 / the T3 identity note)


@dataclass(frozen=True)
class Table:
    key: str  # "proactive", "applications", "appeals"
    section: str  # "二", "三", "四"
    title: str
    blocks: tuple[Block, ...]
    cells: tuple[CellSpec, ...]
    grid: tuple[tuple[GridCell, ...], ...]
    width: int  # number of grid columns

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(r for b in self.blocks for r in b.rows)

    @property
    def columns(self) -> tuple[Column, ...]:
        """Distinct columns in order of first appearance."""
        seen: dict[str, Column] = {}
        for b in self.blocks:
            for c in b.columns:
                seen.setdefault(c.key, c)
        return tuple(seen.values())

    def row_cells(self, row_key: str) -> tuple[CellSpec, ...]:
        return tuple(c for c in self.cells if c.row == row_key)

    def cell_keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.cells)


@dataclass(frozen=True)
class Section:
    number: str  # 一 … 六
    title: str  # official heading without the number, e.g. 总体情况
    table: str | None = None  # key of the table printed in this section
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


@dataclass(frozen=True)
class Identity:
    """lhs terms sum == (or <=) rhs terms sum. Keys refer to cells of one report.

    `total_keys` are terms that mean "not given" when blank (a blank 总计 is not 0, §4.5).
    """

    code: str  # T3-1, T3-2, T3-3, T4-1 …
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    description: str  # Chinese, shown in findings
    where: str
    relation: Literal["eq", "le"] = "eq"
    severity: Severity = "error"
    total_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrossYearIdentity:
    """this_year[lhs] == previous_year[rhs] (+ this_year[plus] − this_year[minus])."""

    code: str
    lhs: str
    rhs: str
    description: str
    where: str
    plus: tuple[str, ...] = ()
    minus: tuple[str, ...] = ()
    severity: Severity = "error"


@dataclass(frozen=True)
class Format:
    key: str  # "2019" or "2021"
    name: str
    document_number: str
    sections: tuple[Section, ...]
    tables: dict[str, Table]
    identities: tuple[Identity, ...]
    cross_year: tuple[CrossYearIdentity, ...]
    first_report_year: int
    last_report_year: int | None

    def table(self, key: str) -> Table:
        return self.tables[key]

    def cell_keys(self) -> tuple[str, ...]:
        return tuple(k for t in self.tables.values() for k in t.cell_keys())

    def cells(self) -> tuple[CellSpec, ...]:
        return tuple(c for t in self.tables.values() for c in t.cells)

    def cell(self, key: str) -> CellSpec:
        return self._cell_index()[key]

    def _cell_index(self) -> dict[str, CellSpec]:
        idx = self.__dict__.get("_idx")
        if idx is None:
            idx = {c.key: c for c in self.cells()}
            object.__setattr__(self, "_idx", idx)
        return idx

    def has_cell(self, key: str) -> bool:
        return key in self._cell_index()


CellValue = int | Decimal | None


@dataclass
class Finding:
    """One problem found in a report. `message` is Chinese; `where` names the place
    (section, table row, cell key or text position); `evidence` is the numbers or text."""

    code: str
    severity: Severity
    message: str
    where: str = ""
    evidence: str = ""
    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "evidence": self.evidence,
        }
        if self.data:
            d["data"] = self.data
        return d
