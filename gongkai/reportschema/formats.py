"""The 2019 trial format (国办公开办函〔2019〕60号) and the 2021 format (国办公开办函〔2021〕30号)
as data. Labels are exactly those of ANNUAL_REPORT_FORMAT.md §2–§5; keys are GLOSSARY.md's.
"""

from __future__ import annotations

from functools import cache

from gongkai.rules.i18n import gettext_noop

from .model import (
    Block,
    CellSpec,
    Column,
    CrossYearIdentity,
    Format,
    GridCell,
    Identity,
    Row,
    Section,
    Table,
)

# --- §2 sections (identical headings in both formats) -------------------------------------
SECTIONS = (
    Section("一", "总体情况"),
    Section("二", "主动公开政府信息情况", table="proactive"),
    Section("三", "收到和处理政府信息公开申请情况", table="applications"),
    Section(
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        table="appeals",
        aliases=(
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "被申请行政复议、提起行政诉讼情况",
        ),
    ),
    Section(
        "五", "存在的主要问题及改进情况", aliases=("政府信息公开工作存在的主要问题及改进情况",)
    ),
    Section("六", "其他需要报告的事项"),
)

# --- §3 table 二 -------------------------------------------------------------------------
ART20 = "第二十条第（{}）项"


def _proactive_2019() -> tuple[Block, ...]:
    made = (
        Column("made", gettext_noop("本年新制作数量")),
        Column("published", gettext_noop("本年新公开数量")),
        Column("total_public", gettext_noop("对外公开总数量")),
    )
    items = (
        Column("previous", gettext_noop("上一年项目数量")),
        Column("change", gettext_noop("本年增/减")),
        Column("decisions", gettext_noop("处理决定数量")),
    )
    return (
        Block(
            ART20.format("一"),
            (
                Row("regulations", gettext_noop("规章")),
                Row("normative_documents", gettext_noop("规范性文件")),
            ),
            made,
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("五"),
            (
                Row("licensing", gettext_noop("行政许可")),
                Row("other_services", gettext_noop("其他对外管理服务事项")),
            ),
            items,
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("六"),
            (Row("penalty", gettext_noop("行政处罚")), Row("coercion", gettext_noop("行政强制"))),
            items,
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("八"),
            (Row("fees", gettext_noop("行政事业性收费")),),
            items[:2],
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("九"),
            (Row("procurement", gettext_noop("政府集中采购")),),
            (
                Column("projects", gettext_noop("采购项目数量")),
                Column("amount", gettext_noop("采购总金额")),
            ),
            gettext_noop("信息内容"),
        ),
    )


def _proactive_2021() -> tuple[Block, ...]:
    docs = (
        Column("issued", gettext_noop("本年制发件数")),
        Column("repealed", gettext_noop("本年废止件数")),
        Column("in_force", gettext_noop("现行有效件数")),
    )
    dec = (Column("decisions", gettext_noop("本年处理决定数量")),)
    return (
        Block(
            ART20.format("一"),
            (
                Row("regulations", gettext_noop("规章")),
                Row("normative_documents", "行政规范性文件", aliases=("规范性文件",)),
            ),
            docs,
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("五"),
            (Row("licensing", gettext_noop("行政许可")),),
            dec,
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("六"),
            (Row("penalty", gettext_noop("行政处罚")), Row("coercion", gettext_noop("行政强制"))),
            dec,
            gettext_noop("信息内容"),
        ),
        Block(
            ART20.format("八"),
            (Row("fees", gettext_noop("行政事业性收费")),),
            (Column("amount_wan_yuan", gettext_noop("本年收费金额（单位：万元）")),),
            gettext_noop("信息内容"),
        ),
    )


def _proactive_kind(row: str, col: str) -> tuple[str, str]:
    if col == "change":
        return "signed", ""
    if col == "amount":
        return "money", gettext_noop("元")
    if col == "amount_wan_yuan":
        return "money", gettext_noop("万元")
    return "count", ""


def _proactive_table(blocks: tuple[Block, ...]) -> Table:
    cells: list[CellSpec] = []
    grid: list[tuple[GridCell, ...]] = []
    width = 4
    for b in blocks:
        grid.append((GridCell(b.caption, colspan=width, header=True),))
        span_last = width - len(b.columns)  # 1 value column → colspan 3, 2 → last spans 2
        head = [GridCell(b.header_label, header=True)]
        for i, c in enumerate(b.columns):
            last = i == len(b.columns) - 1
            head.append(GridCell(c.label, colspan=span_last if last else 1, header=True))
        grid.append(tuple(head))
        for r in b.rows:
            line = [GridCell(r.label, header=True)]
            for i, c in enumerate(b.columns):
                key = f"proactive.{r.key}.{c.key}"
                kind, unit = _proactive_kind(r.key, c.key)
                cells.append(CellSpec(key, "proactive", r.key, c.key, r.label, c.label, kind, unit))  # type: ignore[arg-type]
                last = i == len(b.columns) - 1
                line.append(GridCell(key=key, colspan=span_last if last else 1))
            grid.append(tuple(line))
    return Table("proactive", "二", SECTIONS[1].title, blocks, tuple(cells), tuple(grid), width)


# --- §4 table 三 -------------------------------------------------------------------------
APPLICANT_COLUMNS = (
    Column("natural", gettext_noop("自然人")),
    Column("org_commercial", gettext_noop("商业企业"), gettext_noop("法人或其他组织")),
    Column("org_research", gettext_noop("科研机构"), gettext_noop("法人或其他组织")),
    Column("org_public_welfare", gettext_noop("社会公益组织"), gettext_noop("法人或其他组织")),
    Column("org_legal_service", gettext_noop("法律服务机构"), gettext_noop("法人或其他组织")),
    Column("org_other", gettext_noop("其他"), gettext_noop("法人或其他组织")),
    Column("total", gettext_noop("总计")),
)
APPLICANT_TYPES = tuple(c.key for c in APPLICANT_COLUMNS[:-1])
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
RESULTS = gettext_noop("三、本年度办理结果")

WITHHELD = (
    ("state_secret", gettext_noop("1.属于国家秘密")),
    ("prohibited_by_law", gettext_noop("2.其他法律行政法规禁止公开")),
    ("security_stability", gettext_noop("3.危及“三安全一稳定”")),
    ("third_party_rights", gettext_noop("4.保护第三方合法权益")),
    ("internal_affairs", gettext_noop("5.属于三类内部事务信息")),
    ("process_information", gettext_noop("6.属于四类过程性信息")),
    ("enforcement_files", gettext_noop("7.属于行政执法案卷")),
    ("query_regime", gettext_noop("8.属于行政查询事项")),
)
UNAVAILABLE = (
    ("not_held", gettext_noop("1.本机关不掌握相关政府信息")),
    ("needs_creation", gettext_noop("2.没有现成信息需要另行制作")),
    ("unclear_after_amendment", gettext_noop("3.补正后申请内容仍不明确")),
)
NOT_PROCESSED = (
    ("petition", gettext_noop("1.信访举报投诉类申请")),
    ("repeated", gettext_noop("2.重复申请")),
    ("publication", gettext_noop("3.要求提供公开出版物")),
    ("excessive", gettext_noop("4.无正当理由大量反复申请")),
    ("confirmation", gettext_noop("5.要求行政机关确认或重新出具已获取信息")),
)
OTHER_2021 = (
    (
        "no_amendment",
        gettext_noop("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ),
    (
        "fee_unpaid",
        gettext_noop("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ),
    ("other", gettext_noop("3.其他")),
)
GROUPS = {
    "withheld": gettext_noop("（三）不予公开"),
    "unavailable": gettext_noop("（四）无法提供"),
    "not_processed": gettext_noop("（五）不予处理"),
    "other": gettext_noop("（六）其他处理"),
}


def _application_rows(fmt: str) -> tuple[Row, ...]:
    rows = [
        Row("new", gettext_noop("一、本年新收政府信息公开申请数量")),
        Row("carried_over", gettext_noop("二、上年结转政府信息公开申请数量")),
        Row("disclosed", gettext_noop("（一）予以公开"), (RESULTS,)),
        Row(
            "partially_disclosed",
            gettext_noop("（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            (RESULTS,),
            aliases=("（二）部分公开（区分处理的，只计这一情况，不计其他情形）",),
        ),
    ]
    for group, items in (
        ("withheld", WITHHELD),
        ("unavailable", UNAVAILABLE),
        ("not_processed", NOT_PROCESSED),
    ):
        for k, label in items:
            aliases = ("5.属于三类内容事务信息",) if k == "internal_affairs" else ()
            rows.append(Row(f"{group}.{k}", label, (RESULTS, GROUPS[group]), aliases))
    if fmt == "2021":
        for k, label in OTHER_2021:
            rows.append(Row(f"other.{k}", label, (RESULTS, GROUPS["other"])))
    else:
        rows.append(Row("other.other", GROUPS["other"], (RESULTS,)))
    rows.append(Row("outcomes_total", gettext_noop("（七）总计"), (RESULTS,)))
    rows.append(Row("carried_forward", gettext_noop("四、结转下年度继续办理")))
    return tuple(rows)


def _applications_table(fmt: str) -> Table:
    rows = _application_rows(fmt)
    block = Block("", rows, APPLICANT_COLUMNS, T3_NOTE)
    cells = tuple(
        CellSpec(f"applications.{r.key}.{c.key}", "applications", r.key, c.key, r.label, c.label)
        for r in rows
        for c in APPLICANT_COLUMNS
    )
    width = 3 + len(APPLICANT_COLUMNS)
    grid: list[tuple[GridCell, ...]] = [
        (
            GridCell(T3_NOTE, rowspan=3, colspan=3, header=True),
            GridCell("申请人情况", colspan=7, header=True),
        ),
        (
            GridCell("自然人", rowspan=2, header=True),
            GridCell("法人或其他组织", colspan=5, header=True),
            GridCell("总计", rowspan=2, header=True),
        ),
        tuple(GridCell(c.label, header=True) for c in APPLICANT_COLUMNS[1:6]),
    ]
    n_results = sum(1 for r in rows if r.parents[:1] == (RESULTS,))
    seen_parents: set[str] = set()
    for r in rows:
        line: list[GridCell] = []
        if not r.parents:
            line.append(GridCell(r.label, colspan=3, header=True))
        else:
            if RESULTS not in seen_parents:
                seen_parents.add(RESULTS)
                line.append(GridCell(RESULTS, rowspan=n_results, header=True))
            if len(r.parents) == 2:
                g = r.parents[1]
                if g not in seen_parents:
                    seen_parents.add(g)
                    span = sum(1 for x in rows if x.parents[1:] == (g,))
                    line.append(GridCell(g, rowspan=span, header=True))
                line.append(GridCell(r.label, header=True))
            else:
                line.append(GridCell(r.label, colspan=2, header=True))
        line.extend(GridCell(key=f"applications.{r.key}.{c.key}") for c in APPLICANT_COLUMNS)
        grid.append(tuple(line))
    return Table("applications", "三", SECTIONS[2].title, (block,), cells, tuple(grid), width)


# --- §5 table 四 -------------------------------------------------------------------------
APPEAL_RESULTS = (
    ("upheld", gettext_noop("结果维持")),
    ("corrected", gettext_noop("结果纠正")),
    ("other", gettext_noop("其他结果")),
    ("pending", gettext_noop("尚未审结")),
    ("total", gettext_noop("总计")),
)
APPEAL_GROUPS = (
    ("reconsideration", gettext_noop("行政复议")),
    ("litigation_direct", gettext_noop("行政诉讼·未经复议直接起诉")),
    ("litigation_after_reconsideration", gettext_noop("行政诉讼·复议后起诉")),
)


def _appeals_table() -> Table:
    columns = tuple(
        Column(f"{g}.{r}", label, glabel)
        for g, glabel in APPEAL_GROUPS
        for r, label in APPEAL_RESULTS
    )
    row = Row("appeals", "")
    block = Block("", (row,), columns, "")
    cells = tuple(
        CellSpec(
            f"appeals.{c.key}",
            "appeals",
            c.key.split(".")[0],
            c.key.split(".")[1],
            c.group,
            c.label,
        )
        for c in columns
    )
    grid = (
        (
            GridCell("行政复议", colspan=5, header=True),
            GridCell("行政诉讼", colspan=10, header=True),
        ),
        tuple(GridCell(label, rowspan=2, header=True) for _, label in APPEAL_RESULTS)
        + (
            GridCell("未经复议直接起诉", colspan=5, header=True),
            GridCell("复议后起诉", colspan=5, header=True),
        ),
        tuple(GridCell(label, header=True) for _ in range(2) for _, label in APPEAL_RESULTS),
        tuple(GridCell(key=c.key) for c in cells),
    )
    return Table("appeals", "四", SECTIONS[3].title, (block,), cells, grid, 15)


# --- identities (§4.5, §5) ---------------------------------------------------------------
def _identities(fmt: str, apps: Table) -> tuple[Identity, ...]:
    ids: list[Identity] = []
    rows = [r.key for r in apps.rows]
    results = [
        r for r in rows if r not in ("new", "carried_over", "outcomes_total", "carried_forward")
    ]
    colnames = {c.key: c.label for c in APPLICANT_COLUMNS}
    for c, clabel in colnames.items():
        tk = tuple(f"applications.{r}.total" for r in rows) if c == "total" else ()
        ids.append(
            Identity(
                "T3-1",
                (f"applications.new.{c}", f"applications.carried_over.{c}"),
                (f"applications.outcomes_total.{c}", f"applications.carried_forward.{c}"),
                "第一项加第二项之和应等于第三项加第四项之和",
                f"三、{clabel}列",
                total_keys=tk,
            )
        )
        ids.append(
            Identity(
                "T3-2",
                (f"applications.outcomes_total.{c}",),
                tuple(f"applications.{r}.{c}" for r in results),
                "（七）总计应等于各项办理结果之和",
                f"三、{clabel}列",
                total_keys=tk,
            )
        )
    for r in apps.rows:
        ids.append(
            Identity(
                "T3-3",
                (f"applications.{r.key}.total",),
                tuple(f"applications.{r.key}.{c}" for c in APPLICANT_TYPES),
                "总计应等于各类申请人之和",
                f"三、{r.label}",
                total_keys=(f"applications.{r.key}.total",),
            )
        )
    for i, (g, glabel) in enumerate(APPEAL_GROUPS):
        ids.append(
            Identity(
                f"T4-{i + 1}",
                (f"appeals.{g}.total",),
                tuple(f"appeals.{g}.{r}" for r, _ in APPEAL_RESULTS[:4]),
                "总计应等于结果维持、结果纠正、其他结果、尚未审结之和",
                f"四、{glabel}",
                total_keys=(f"appeals.{g}.total",),
            )
        )
    if fmt == "2019":
        # §4.5 table 二 heuristics (flag, do not fail)
        for r, label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
            ids.append(
                Identity(
                    "T2-1",
                    (f"proactive.{r}.published",),
                    (f"proactive.{r}.total_public",),
                    "本年新公开数量不应大于对外公开总数量",
                    f"二、{label}",
                    relation="le",
                    severity="warning",
                )
            )
    return tuple(ids)


def _cross_year(fmt: str) -> tuple[CrossYearIdentity, ...]:
    out = [
        CrossYearIdentity(
            "T3-4",
            f"applications.carried_over.{c.key}",
            f"applications.carried_forward.{c.key}",
            "本年“上年结转”应等于上一年报告的“结转下年度继续办理”",
            f"三、二、上年结转（{c.label}）",
        )
        for c in APPLICANT_COLUMNS
    ]
    if fmt == "2021":
        for r, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
            out.append(
                CrossYearIdentity(
                    "T2-2",
                    f"proactive.{r}.in_force",
                    f"proactive.{r}.in_force",
                    "现行有效件数与上一年现行有效件数加本年制发、减本年废止不一致",
                    f"二、{label}",
                    plus=(f"proactive.{r}.issued",),
                    minus=(f"proactive.{r}.repealed",),
                    severity="warning",
                )
            )
    return tuple(out)


@cache
def get_format(key: str | int) -> Format:
    """`get_format("2021")` / `get_format("2019")`. Raises KeyError for other keys."""
    key = str(key)
    if key not in ("2019", "2021"):
        raise KeyError(f"unknown report format {key!r} (known: 2019, 2021)")
    proactive = _proactive_table(_proactive_2019() if key == "2019" else _proactive_2021())
    apps = _applications_table(key)
    appeals = _appeals_table()
    return Format(
        key=key,
        name="中华人民共和国政府信息公开工作年度报告格式" + ("（试行）" if key == "2019" else ""),
        document_number="国办公开办函〔2019〕60号" if key == "2019" else "国办公开办函〔2021〕30号",
        sections=SECTIONS,
        tables={"proactive": proactive, "applications": apps, "appeals": appeals},
        identities=_identities(key, apps),
        cross_year=_cross_year(key),
        first_report_year=2019 if key == "2019" else 2021,
        last_report_year=2020 if key == "2019" else None,
    )


def format_for_year(year: int) -> str:
    """Format key for a report year (§1): ≤2018 pre2019, 2019–2020 '2019', then '2021'."""
    if year <= 2018:
        return "pre2019"
    return "2019" if year <= 2020 else "2021"


FORMAT_KEYS = ("2019", "2021")
