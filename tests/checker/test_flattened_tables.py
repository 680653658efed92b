"""Table 三 flattened with tags removed and no separator (held-out real reports, docs/checker.md
"Held-out accuracy"): a blank <td>&nbsp;</td> leaves one space, adjacent cells run together,
and most outcome rows leave 总计 blank, so no row identity settles their split. Synthetic
excerpts; figures invented."""

from gongkai.checker.tables import ambiguity_findings, read_tables, table_cells
from gongkai.reportschema import get_format

_HEAD = "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
_TAIL = "四、政府信息公开行政复议、行政诉讼情况"

# columns: 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计
ROWS = [
    ("一、本年新收政府信息公开申请数量", "43124  31459"),  # 431|24|·|·|3|1|459
    ("二、上年结转政府信息公开申请数量", "9     9"),
    ("三、本年度办理结果（一）予以公开", "13715  21 "),  # 137|15|·|·|2|1|· (总计 blank)
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "6      "),
    ("（三）不予公开1.属于国家秘密", "       "),
    ("6.属于四类过程性信息", "21     "),  # 2|1
    ("（四）无法提供1.本机关不掌握相关政府信息", "1734  1  "),  # 173|4|·|·|1|·|·
    ("2.没有现成信息需要另行制作", "522     "),  # 52|2
    ("3.补正后申请内容仍不明确", "11      "),
    ("（五）不予处理1.信访举报投诉类申请", "341     "),  # 34|1
    ("2.重复申请", "6      "),
    ("（七）总计", "42123  31448"),  # 421|23|·|·|3|1|448
    ("四、结转下年度继续办理", "191    20"),  # 19|1|·|·|·|·|20
]


def _read(rows):
    text = _HEAD + "".join(label + run for label, run in rows) + _TAIL
    reads = read_tables(text, "2019")
    return table_cells(get_format("2019"), reads), ambiguity_findings(reads)


def _row(cells, row):
    return tuple(
        cells.get(f"applications.{row}.{c}")
        for c in (
            "natural",
            "org_commercial",
            "org_research",
            "org_public_welfare",
            "org_legal_service",
            "org_other",
            "total",
        )
    )


def test_column_totals_settle_glued_rows_with_blank_total():
    cells, findings = _read(ROWS)
    assert _row(cells, "disclosed") == (137, 15, None, None, 2, 1, None)
    assert _row(cells, "unavailable.not_held") == (173, 4, None, None, 1, None, None)
    assert _row(cells, "unavailable.needs_creation") == (52, 2) + (None,) * 5
    assert _row(cells, "not_processed.petition") == (34, 1) + (None,) * 5
    assert _row(cells, "withheld.process_information") == (2, 1) + (None,) * 5
    assert _row(cells, "outcomes_total") == (421, 23, None, None, 3, 1, 448)
    assert _row(cells, "carried_forward") == (19, 1, None, None, None, None, 20)
    # every identity holds for one reading only: nothing to report
    assert [f for f in findings if f.where.startswith("applications")] == []


def test_inconsistent_table_still_read_and_close_calls_reported():
    # the report's own columns do not add up (总计 自然人 off by 100): the joint solve finds
    # no consistent table, the greedy per-row reading is kept and close calls are reported
    rows = [(label, "52123  31548" if "总计" in label else run) for label, run in ROWS]
    cells, findings = _read(rows)
    assert _row(cells, "outcomes_total") == (521, 23, None, None, 3, 1, 548)
    assert cells["applications.new.total"] == 459
    assert any(f.code == "TABLE-AMBIGUOUS" for f in findings)


def test_split_left_open_by_every_identity_is_reported_with_its_readings():
    # every row glued the same way and no 总计 given anywhere: 12|23, 1|223 and 122|3 all
    # satisfy T3-1/T3-2; the checker says so instead of silently picking one
    rows = [
        ("一、本年新收政府信息公开申请数量", "1223     "),
        ("二、上年结转政府信息公开申请数量", "       "),
        ("三、本年度办理结果（一）予以公开", "1223     "),
        ("（七）总计", "1223     "),
        ("四、结转下年度继续办理", "       "),
    ]
    cells, findings = _read(rows)
    amb = [
        f for f in findings if f.code == "TABLE-AMBIGUOUS" and f.where.startswith("applications")
    ]
    assert {f.where for f in amb} == {
        "applications.new",
        "applications.disclosed",
        "applications.outcomes_total",
    }
    readings = {tuple(r[:2]) for r in amb[0].data["readings"]}
    assert readings == {(12, 23), (1, 223), (122, 3)}
    assert "请核对原表" in amb[0].message
    # the rows are read alike (one consistent table), whichever reading the prior prefers
    assert (
        _row(cells, "new")[:2] == _row(cells, "disclosed")[:2] == _row(cells, "outcomes_total")[:2]
    )
