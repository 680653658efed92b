"""The official annual report formats as data, and the checks every report must pass.

Pure Python (no Django). Used by the annual report generator (render, then check the
generated cells: a correct report gives zero findings) and by the report checker (fill the
cells from a published report's text, then check them)::

    from gongkai.reportschema import get_format, check_cells
    fmt = get_format("2021")
    fmt.sections, fmt.tables["applications"].grid, fmt.cell_keys()
    findings = check_cells(fmt, cells, previous_year_cells=last_year)
"""

from .check import check_cells, group_sum, is_group_key
from .formats import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPLICANT_COLUMNS,
    APPLICANT_TYPES,
    FORMAT_KEYS,
    SECTIONS,
    format_for_year,
    get_format,
)
from .model import (
    SEVERITIES,
    Block,
    CellSpec,
    CellValue,
    Column,
    CrossYearIdentity,
    Finding,
    Format,
    GridCell,
    Identity,
    Row,
    Section,
    Table,
)
from .render import format_value, render_html, render_table_html, render_text, table_rows_text
from .samples import sample_cells

__all__ = [
    "APPEAL_GROUPS",
    "APPEAL_RESULTS",
    "APPLICANT_COLUMNS",
    "APPLICANT_TYPES",
    "FORMAT_KEYS",
    "SECTIONS",
    "SEVERITIES",
    "Block",
    "CellSpec",
    "CellValue",
    "Column",
    "CrossYearIdentity",
    "Finding",
    "Format",
    "GridCell",
    "Identity",
    "Row",
    "Section",
    "Table",
    "check_cells",
    "format_for_year",
    "format_value",
    "get_format",
    "group_sum",
    "is_group_key",
    "render_html",
    "render_table_html",
    "render_text",
    "sample_cells",
    "table_rows_text",
]
