"""Check a set of cell values against a format: identities, value kinds, cross-year links.

Blank rule (ANNUAL_REPORT_FORMAT.md §4.5): a blank (None / missing) data cell counts as 0,
except a blank 总计 cell, which means "not given" — identities using it are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .formats import GROUPS, get_format
from .model import CellValue, Finding, Format, Identity

GROUP_ROWS = tuple(GROUPS)  # withheld, unavailable, not_processed, other


def _short(fmt: Format, key: str) -> str:
    """Short Chinese name of a cell for messages: 三（三）1·自然人."""
    if not fmt.has_cell(key):
        return key
    c = fmt.cell(key)
    if c.table == "appeals":
        return f"{c.row_label}·{c.column_label}"
    label = c.row_label
    if c.table == "applications":
        row = next(r for r in fmt.tables["applications"].rows if r.key == c.row)
        if len(row.parents) == 2:
            label = row.parents[1][:3] + label.split(".")[0]
        else:
            label = label.split("（区分")[0]
            if label[:2] in ("一、", "二、", "四、"):
                label = label[0]
    return f"{label}·{c.column_label}"


def _num(v: CellValue) -> Decimal:
    return Decimal(0) if v is None else Decimal(v)


def _fmt_num(v: Decimal) -> str:
    return str(int(v)) if v == v.to_integral_value() else str(v.normalize())


def is_group_key(key: str) -> bool:
    """applications.withheld.total and the like: a group figure stated only in prose."""
    parts = key.split(".")
    return len(parts) == 3 and parts[0] == "applications" and parts[1] in GROUP_ROWS


def group_sum(cells: Mapping[str, CellValue], group: str, column: str = "total") -> int | None:
    """Sum of a group's numbered items in one column; None when all are blank."""
    vals = [
        v
        for k, v in cells.items()
        if k.startswith(f"applications.{group}.") and k.endswith(f".{column}") and k.count(".") == 3
    ]
    vals = [v for v in vals if v is not None]
    return int(sum(vals)) if vals else None


def _eval_identity(fmt: Format, ident: Identity, cells: Mapping[str, CellValue]) -> Finding | None:
    terms = ident.lhs + ident.rhs
    if all(cells.get(k) is None for k in terms):
        return None
    if any(cells.get(k) is None for k in ident.total_keys if k in terms):
        return None  # a blank 总计 is "not given" (§4.5)
    lhs = sum((_num(cells.get(k)) for k in ident.lhs), Decimal(0))
    rhs = sum((_num(cells.get(k)) for k in ident.rhs), Decimal(0))
    ok = lhs == rhs if ident.relation == "eq" else lhs <= rhs
    if ok:
        return None

    def expr(keys: tuple[str, ...]) -> str:
        shown = [k for k in keys if cells.get(k) not in (None, 0)] or list(keys[:1])
        return " + ".join(f"{_short(fmt, k)} {_fmt_num(_num(cells.get(k)))}" for k in shown)

    op = "≠" if ident.relation == "eq" else ">"
    return Finding(
        code=ident.code,
        severity=ident.severity,
        message=f"{ident.description}（{ident.code}）：{expr(ident.lhs)} = {_fmt_num(lhs)} {op} "
        f"{expr(ident.rhs)} = {_fmt_num(rhs)}",
        where=ident.where,
        evidence=f"{_fmt_num(lhs)} {op} {_fmt_num(rhs)}",
        data={
            "lhs": float(lhs) if lhs % 1 else int(lhs),
            "rhs": float(rhs) if rhs % 1 else int(rhs),
            "keys": list(terms),
        },
    )


def check_cells(
    format: Format | str,
    cells: Mapping[str, CellValue],
    previous_year_cells: Mapping[str, CellValue] | None = None,
    previous_format: Format | str | None = None,
) -> list[Finding]:
    """Validate cell values against `format`; a correct report gives no findings.

    `previous_year_cells` (the same agency's report for the year before, in either format)
    enables the cross-year checks (T3-4 carry-over, T2-2 document stock).
    """
    fmt = get_format(format) if isinstance(format, str | int) else format
    findings: list[Finding] = []
    for key, v in cells.items():
        if not fmt.has_cell(key):
            if not is_group_key(key):
                findings.append(
                    Finding("UNKNOWN-CELL", "warning", f"格式中没有此单元格：{key}", key, str(v))
                )
            continue
        if v is None:
            continue
        spec = fmt.cell(key)
        if spec.kind in ("count", "signed") and Decimal(v) != Decimal(v).to_integral_value():
            findings.append(
                Finding("NOT-INTEGER", "error", f"{_short(fmt, key)}应为整数，实为{v}", key, str(v))
            )
        if spec.kind != "signed" and Decimal(v) < 0:
            findings.append(
                Finding("NEGATIVE", "error", f"{_short(fmt, key)}不应为负数，实为{v}", key, str(v))
            )
    empty_tables = set()
    for t in fmt.tables.values():
        if all(cells.get(k) is None for k in t.cell_keys()):
            empty_tables.add(t.key)
    for ident in fmt.identities:
        if ident.lhs[0].split(".")[0] in empty_tables:
            continue
        f = _eval_identity(fmt, ident, cells)
        if f:
            findings.append(f)
    if previous_year_cells:
        findings.extend(_cross_year(fmt, cells, previous_year_cells))
    return findings


def _cross_year(fmt: Format, cells, prev) -> list[Finding]:
    out: list[Finding] = []
    for ci in fmt.cross_year:
        this = cells.get(ci.lhs)
        before = prev.get(ci.rhs)
        if this is None or before is None:
            continue
        if any(cells.get(k) is None for k in ci.plus + ci.minus):
            continue
        expected = _num(before) + sum((_num(cells.get(k)) for k in ci.plus), Decimal(0))
        expected -= sum((_num(cells.get(k)) for k in ci.minus), Decimal(0))
        if _num(this) == expected:
            continue
        detail = f"上一年 {_fmt_num(_num(before))}"
        for k in ci.plus:
            detail += f" + {_short(fmt, k)} {_fmt_num(_num(cells.get(k)))}"
        for k in ci.minus:
            detail += f" − {_short(fmt, k)} {_fmt_num(_num(cells.get(k)))}"
        out.append(
            Finding(
                ci.code,
                ci.severity,
                f"{ci.description}（{ci.code}）：本年 {_fmt_num(_num(this))}，{detail} = {_fmt_num(expected)}",
                ci.where,
                f"{_fmt_num(_num(this))} ≠ {_fmt_num(expected)}",
                {"this_year": int(_num(this)), "expected": int(expected), "key": ci.lhs},
            )
        )
    return out
