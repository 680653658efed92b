"""Build every cell of tables 二, 三 and 四 from the records, with aggregation queries.

- Table 三: gongkai.inforequests.selectors (table3_counts for one agency or a roll-up,
  table3_counts_by_agency for many: one GROUP BY agency query), the one place its counting
  rules live; here only laid out in the report's format (2019 has one （六） row).
- Table 四: gongkai.appeals.selectors (GROUP BY agency, kind).
- Table 二: regulations and normative documents from gongkai.publications.selectors.table2_counts
  where that exists; every other figure (licensing, penalties, coercion, fees collected — kept
  in other systems) is a ManualFigure entered by staff with its source.

`build_many(agency_ids, year)` builds all agencies' reports with one query per table; a
roll-up is the same build over a subtree's ids summed together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db.models import Sum

from gongkai.reportschema import (
    APPLICANT_TYPES,
    Finding,
    check_cells,
    format_for_year,
    get_format,
)

from . import cells as C

T3_COLUMNS = (*APPLICANT_TYPES, "total")


def _ids(agency_ids) -> list[int] | None:
    return None if agency_ids is None else [int(a) for a in agency_ids]


# ----------------------------------------------------------------------------- table 三


@cache
def _zero_table3(fmt: str) -> tuple[str, ...]:
    rows = (*C.SUMMARY_ROWS, *C.result_rows(fmt))
    return tuple(f"applications.{r}.{c}" for r in rows for c in T3_COLUMNS)


def zero_table3(fmt: str) -> dict[str, int]:
    return dict.fromkeys(_zero_table3(fmt), 0)


def table3_by_agency(agency_ids: Iterable[int] | None, year: int, fmt: str = "2021"):
    """{agency_id: table 三 cells in `fmt`} for many agencies, from
    gongkai.inforequests.selectors.table3_counts_by_agency (one grouped query)."""
    from gongkai.inforequests.selectors import table3_counts_by_agency

    by = table3_counts_by_agency(_ids(agency_ids), year)
    if fmt == "2021":  # the selector's own layout
        return by
    return {a: to_format(cells, fmt) for a, cells in by.items()}


def to_format(t3: Mapping[str, int], fmt: str) -> dict[str, int]:
    """2021-keyed table 三 cells → the layout of `fmt` (2019 has one （六） row, §4.3)."""
    cells = zero_table3(fmt)
    for k, v in t3.items():
        row, col = ".".join(k.split(".")[1:-1]), k.split(".")[-1]
        key = f"applications.{C.outcome_row(row, fmt)}.{col}"
        if key in cells:
            cells[key] += v
    return cells


def table3(agency_ids: Iterable[int], year: int, fmt: str = "2021") -> dict[str, int]:
    """Table 三 for agencies together (one agency, or a subtree roll-up), from
    gongkai.inforequests.selectors.table3_counts — the one source of these figures."""
    from gongkai.inforequests.selectors import table3_counts

    return to_format(table3_counts(list(agency_ids), year), fmt)


# ----------------------------------------------------------------------------- table 二


def _table2_selector():
    try:
        from gongkai.publications.selectors import table2_counts
    except ImportError:  # publications not built yet: every table 二 figure is entered by hand
        return None
    return table2_counts


def table2_auto(agency_ids: Iterable[int], year: int, fmt: str) -> dict:
    """Figures of table 二 computed from the publications (2021 keys only)."""
    fn = _table2_selector()
    if fn is None or fmt != "2021":
        return {}
    f = get_format(fmt)
    return {k: v for k, v in fn(list(agency_ids), year).items() if f.has_cell(k)}


@cache
def auto_table2_keys(fmt: str) -> frozenset[str]:
    fn = _table2_selector()
    if fn is None or fmt != "2021":
        return frozenset()
    return frozenset(
        f"proactive.{r}.{c}"
        for r in ("regulations", "normative_documents")
        for c in ("issued", "repealed", "in_force")
    )


@cache
def manual_keys(fmt: str) -> tuple[str, ...]:
    """Table 二 cells staff enter by hand for this format."""
    auto = auto_table2_keys(fmt)
    return tuple(k for k in get_format(fmt).table("proactive").cell_keys() if k not in auto)


# ----------------------------------------------------------------------------- fees


def fees_charged_yuan(agency_ids: Iterable[int], year: int) -> Decimal:
    """信息处理费 actually paid in the year (section 六), in 元."""
    from gongkai.inforequests.models import FeeNotice

    total = FeeNotice.objects.filter(
        request__agency_id__in=list(agency_ids), paid_on__year=year
    ).aggregate(s=Sum("amount"))["s"]
    return total or Decimal(0)


# ----------------------------------------------------------------------------- whole report


def _typed(fmt: str, key: str, value) -> int | Decimal:
    spec = get_format(fmt).cell(key)
    v = Decimal(value)
    if spec.kind in ("count", "signed"):
        return int(v)
    return v.normalize() if v == v.to_integral_value() else v


def manual_figures(agency_ids: Iterable[int], year: int) -> dict[str, Decimal]:
    """Hand-entered figures of the agencies' reports for `year`, summed per cell."""
    from .models import ManualFigure

    rows = (
        ManualFigure.objects.filter(report__agency_id__in=list(agency_ids), report__year=year)
        .values("cell_key")
        .annotate(v=Sum("value"))
        .order_by()
    )
    return {r["cell_key"]: r["v"] for r in rows}


def assemble(fmt: str, t2_auto: Mapping, manual: Mapping, t3: Mapping, t4: Mapping) -> dict:
    f = get_format(fmt)
    cells: dict = {}
    mkeys = set(manual_keys(fmt))
    auto = auto_table2_keys(fmt)
    for key in f.table("proactive").cell_keys():
        if key in auto:
            cells[key] = _typed(fmt, key, t2_auto.get(key, 0))
        elif key in mkeys:
            cells[key] = _typed(fmt, key, manual.get(key, 0))
    cells.update(t3)
    cells.update(t4)
    return cells


def build_cells(agency_ids: Iterable[int], year: int, fmt: str = "2021") -> dict:
    """Every cell for the agencies together (an agency's report or a subtree roll-up)."""
    from gongkai.appeals.selectors import table4_counts

    ids = list(agency_ids)
    return assemble(
        fmt,
        table2_auto(ids, year, fmt),
        manual_figures(ids, year),
        table3(ids, year, fmt),
        table4_counts(ids, year),
    )


def build_many(agency_ids: Iterable[int] | None, year: int, fmt: str = "2021") -> dict[int, dict]:
    """Every agency's cells with one grouped query per table, distributed in Python.
    `agency_ids=None`: all agencies."""
    from gongkai.agencies.models import Agency
    from gongkai.appeals.selectors import table4_counts_by_agency, zero_cells

    from .models import ManualFigure

    ids = _ids(agency_ids)
    if ids is None:
        ids = list(Agency.objects.values_list("pk", flat=True))
        filter_ids = None
    else:
        filter_ids = ids
    t3 = table3_by_agency(filter_ids, year, fmt)
    t4 = table4_counts_by_agency(filter_ids, year)
    manual: dict[int, dict] = defaultdict(dict)
    mq = ManualFigure.objects.filter(report__year=year)
    if filter_ids is not None:
        mq = mq.filter(report__agency_id__in=filter_ids)
    for aid, key, v in mq.values_list("report__agency_id", "cell_key", "value"):
        manual[aid][key] = v
    t2 = _table2_many(filter_ids, year, fmt)
    zero3 = zero_table3(fmt)
    zero4 = zero_cells()
    # most agencies have no figures of their own: share the proactive part for them
    blank = assemble(fmt, {}, {}, {}, {})
    out = {}
    for a in ids:
        if a in t2 or a in manual:
            cells = assemble(fmt, t2.get(a, {}), manual.get(a, {}), {}, {})
        else:
            cells = blank.copy()
        cells.update(t3.get(a, zero3))
        cells.update(t4.get(a, zero4))
        out[a] = cells
    return out


def _table2_many(agency_ids: list[int] | None, year: int, fmt: str) -> dict[int, dict]:
    """Table 二 figures from publications for many agencies: the grouped selector when
    publications offers one; otherwise its per-set selector, only for agencies that have
    regulations or normative documents at all (most agencies have none)."""
    fn = _table2_selector()
    if fn is None or fmt != "2021":
        return {}
    from gongkai.publications import selectors as pub

    by_agency = getattr(pub, "table2_counts_by_agency", None)
    if by_agency is not None:
        return by_agency(agency_ids, year)
    from gongkai.publications.models import Publication

    qs = Publication.objects.filter(kind__in=list(pub._ROWS))
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=agency_ids)
    with_docs = qs.values_list("agency_id", flat=True).distinct().order_by()
    return {a: table2_auto([a], year, fmt) for a in with_docs}


def rollups(many: Mapping[int, Mapping], parents: Mapping[int, int | None]) -> dict[int, dict]:
    """Subtree sums from `build_many`'s cells for every agency that has subordinates (an
    agency without any is its own roll-up): each agency's vector is added to its parent's,
    deepest first, so every cell is added once per level (numpy)."""
    import numpy as np

    if not many:
        return {}
    first = next(iter(many.values()))
    keys = list(first)
    ids = list(many)
    index = {a: i for i, a in enumerate(ids)}
    # all cell dicts share one key order (assemble); money cells are decimals → float64,
    # exact for counts below 2**53
    mat = np.array([list(many[a].values()) for a in ids], dtype=np.float64)
    depth: dict[int, int] = {}

    def depth_of(a):
        d = depth.get(a)
        if d is None:
            p = parents.get(a)
            d = depth[a] = 0 if p is None else depth_of(p) + 1
        return d

    has_children = {p for p in parents.values() if p is not None}
    for a in sorted(ids, key=depth_of, reverse=True):
        p = parents.get(a)
        if p is not None and p in index:
            mat[index[p]] += mat[index[a]]
    ints = [not isinstance(first[k], Decimal) for k in keys]
    out = {}
    for a in has_children & set(ids):
        row = mat[index[a]].tolist()
        out[a] = {
            k: int(v) if is_int else Decimal(str(round(v, 6)))
            for k, v, is_int in zip(keys, row, ints, strict=True)
        }
    return out


def sum_cells(many: Iterable[Mapping]) -> dict:
    out: dict = {}
    for cells in many:
        for k, v in cells.items():
            out[k] = out.get(k, 0) + v
    return out


# ----------------------------------------------------------------------------- checks


def format_for(year: int) -> str:
    """Report format for a year (§1); years before 2019 are built in the 2019 layout."""
    f = format_for_year(year)
    return "2019" if f == "pre2019" else f


@dataclass
class Built:
    fmt: str
    year: int
    cells: dict
    findings: list[Finding] = field(default_factory=list)
    previous: dict | None = None
    manual_missing: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Finding]:
        """Findings that stop review and publication: the errors (identity violations, values
        of the wrong kind). Warnings are heuristics (ANNUAL_REPORT_FORMAT.md §4.5: flag, do
        not fail): they stop publication only until the head acknowledges each with a reason
        (services.acknowledge_warning)."""
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


def previous_cells(agency, year: int) -> dict | None:
    """Last year's cells for the cross-year checks: its published snapshot if any (what the
    public saw), else what the records give for that year."""
    from .models import ReportVersion

    v = (
        ReportVersion.objects.filter(report__agency=agency, report__year=year - 1)
        .order_by("-number")
        .first()
    )
    if v is not None:
        return snapshot_cells(v.snapshot)
    if year - 1 < 2019:
        return None
    return build_cells([agency.pk], year - 1, format_for(year - 1))


def snapshot_cells(snapshot: Mapping) -> dict:
    fmt = snapshot["format"]
    return {k: _typed(fmt, k, v) for k, v in snapshot["cells"].items()}


def build_report(report) -> Built:
    cells = build_cells([report.agency_id], report.year, report.format)
    prev = previous_cells(report.agency, report.year)
    prev_fmt = format_for(report.year - 1) if report.year > 2019 else None
    findings = check_cells(report.format, cells, previous_year_cells=prev, previous_format=prev_fmt)
    entered = set(report.manual.values_list("cell_key", flat=True)) if report.pk else set()
    missing = [k for k in manual_keys(report.format) if k not in entered]
    return Built(report.format, report.year, cells, findings, prev, missing)


def _trend_point(year: int, cells: Mapping) -> list[int]:
    appeals = sum(
        int(cells.get(f"appeals.{g}.total") or 0)
        for g in ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
    )
    return [
        year,
        int(cells.get("applications.new.total") or 0),
        int(cells.get("applications.outcomes_total.total") or 0),
        appeals,
    ]


def trend(agency, year: int, cells: Mapping, years: int = 5) -> list[list[int]]:
    """[year, new, finished, appeals] for the last `years` years: published figures where a
    report was published, otherwise what the records give."""
    from gongkai.appeals.selectors import table4_counts

    from .models import ReportVersion

    published = {}
    for v in ReportVersion.objects.filter(
        report__agency=agency, report__year__gte=year - years + 1, report__year__lt=year
    ).order_by("number"):
        published[v.report.year] = v.snapshot["cells"]
    out = []
    for y in range(max(2019, year - years + 1), year):
        if y in published:
            out.append(_trend_point(y, published[y]))
        else:
            c = dict(table3([agency.pk], y, format_for(y)))
            c.update(table4_counts([agency.pk], y))
            out.append(_trend_point(y, c))
    out.append(_trend_point(year, cells))
    return out
