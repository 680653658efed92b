"""reportschema: the formats as data, the identities, the renderers' layout."""

import random
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.reportschema import (
    check_cells,
    format_for_year,
    get_format,
    render_html,
    render_table_html,
    sample_cells,
)

GLOSSARY = Path("/work/shared/domain/GLOSSARY.md")


def test_cell_counts_match_the_official_tables():
    # ANNUAL_REPORT_FORMAT.md: 22 + 161 + 15 (2019), 10 + 175 + 15 (2021)
    f19, f21 = get_format("2019"), get_format("2021")
    assert [len(t.cells) for t in f19.tables.values()] == [22, 161, 15]
    assert [len(t.cells) for t in f21.tables.values()] == [10, 175, 15]
    assert len(set(f21.cell_keys())) == len(f21.cell_keys())


def test_sections_are_the_six_headings():
    f = get_format("2021")
    assert [s.heading for s in f.sections] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]


@pytest.mark.skipif(not GLOSSARY.exists(), reason="shared domain docs not present")
def test_keys_are_glossary_keys():
    text = GLOSSARY.read_text()
    rows = set(re.findall(r"^\| `([a-z_.]+)` \|", text, re.M))
    for fk in ("2019", "2021"):
        f = get_format(fk)
        for r in f.tables["applications"].rows:
            assert r.key in rows
        for k in f.tables["proactive"].cell_keys():
            table, row, col = k.split(".")
            assert row in text and col in text
    assert "proactive.fees.amount_wan_yuan" in get_format("2021").cell_keys()
    assert (
        "applications.withheld.third_party_rights.org_commercial" in get_format("2021").cell_keys()
    )
    assert "applications.other.other.total" in get_format("2019").cell_keys()
    assert "applications.other.no_amendment.total" not in get_format("2019").cell_keys()


@pytest.mark.parametrize("fk", ["2019", "2021"])
def test_grid_spans_fill_the_table_width(fk):
    for t in get_format(fk).tables.values():
        pending = [0] * t.width  # rows still covered by a rowspan from above
        for line in t.grid:
            col = 0
            for g in line:
                while col < t.width and pending[col]:
                    col += 1
                for i in range(col, col + g.colspan):
                    pending[i] = g.rowspan
                col += g.colspan
            assert col <= t.width
            assert all(pending), (t.key, line)
            pending = [p - 1 for p in pending]
        assert not any(pending)


def test_labels_exact():
    f = get_format("2021")
    labels = [r.label for r in f.tables["applications"].rows]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "3.危及“三安全一稳定”" in labels
    t2 = f.tables["proactive"]
    assert t2.blocks[3].columns[0].label == "本年收费金额（单位：万元）"
    html = render_table_html(t2, {"proactive.licensing.decisions": 12})
    assert '<td colspan="3">12</td>' in html


def test_format_for_year():
    assert [format_for_year(y) for y in (2018, 2019, 2020, 2021, 2025)] == [
        "pre2019",
        "2019",
        "2019",
        "2021",
        "2021",
    ]


def test_shanghai_2019_worked_example_passes():
    # ANNUAL_REPORT_FORMAT.md §4.5 worked check (上海市人民政府办公厅 2019), 总计 column
    # left blank on result rows as R5 does: blank 总计 is "not given", not a failure.
    cells = {
        "applications.new.natural": 821,
        "applications.new.total": 859,
        "applications.carried_over.natural": 18,
        "applications.carried_over.total": 18,
        "applications.outcomes_total.natural": 767,
        "applications.outcomes_total.total": 805,
        "applications.carried_forward.natural": 72,
        "applications.carried_forward.total": 72,
        "applications.disclosed.natural": 258,
        "applications.partially_disclosed.natural": 3,
        "applications.withheld.state_secret.natural": 14,
        "applications.withheld.prohibited_by_law.natural": 5,
        "applications.withheld.security_stability.natural": 3,
        "applications.withheld.third_party_rights.natural": 10,
        "applications.unavailable.not_held.natural": 252,
        "applications.unavailable.needs_creation.natural": 44,
        "applications.unavailable.unclear_after_amendment.natural": 25,
        "applications.not_processed.petition.natural": 148,
        "applications.not_processed.repeated.natural": 5,
        "appeals.reconsideration.upheld": 5,
        "appeals.reconsideration.pending": 2,
        "appeals.reconsideration.total": 7,
        "appeals.litigation_direct.upheld": 8,
        "appeals.litigation_direct.pending": 1,
        "appeals.litigation_direct.total": 9,
    }
    codes = {f.code for f in check_cells("2019", cells)}
    # org columns are blank (→ 0) so the row totals of new/outcomes do not add up: T3-3 fires
    # there, but the natural-person column identities hold.
    assert "T3-2" not in codes and "T4-1" not in codes and "T4-2" not in codes
    assert not [f for f in check_cells("2019", cells) if f.code == "T3-1" and "自然人" in f.where]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**9), fk=st.sampled_from(["2019", "2021"]))
def test_consistent_cells_give_zero_findings(seed, fk):
    assert check_cells(fk, sample_cells(fk, random.Random(seed))) == []


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**9), fk=st.sampled_from(["2019", "2021"]), delta=st.integers(1, 9))
def test_any_changed_count_breaks_an_identity(seed, fk, delta):
    rng = random.Random(seed)
    cells = sample_cells(fk, rng)
    key = rng.choice([k for k in cells if k.startswith(("applications.", "appeals."))])
    cells[key] += delta
    findings = check_cells(fk, cells)
    codes = {f.code for f in findings}
    assert codes & {"T3-1", "T3-2", "T3-3", "T4-1", "T4-2", "T4-3"}
    f = next(f for f in findings if f.code.startswith("T"))
    assert f.severity == "error" and f.message and f.where and "≠" in f.evidence


def test_identity_message_has_the_numbers():
    cells = sample_cells("2021", random.Random(1), zero=0)
    cells["appeals.reconsideration.total"] = cells["appeals.reconsideration.total"] + 1
    (f,) = [f for f in check_cells("2021", cells) if f.code == "T4-1"]
    assert str(cells["appeals.reconsideration.total"]) in f.message
    assert "结果维持" in f.message


def test_blank_total_is_not_given():
    cells = sample_cells("2021", random.Random(2))
    cells["applications.disclosed.total"] = None
    assert check_cells("2021", cells) == []
    cells["applications.disclosed.natural"] = None  # blank data cell counts as 0
    assert {f.code for f in check_cells("2021", cells)} <= {"T3-1", "T3-2"}


def test_kinds_negative_and_fraction():
    cells = sample_cells("2019", random.Random(3))
    cells["proactive.licensing.change"] = -5  # signed column: fine
    assert check_cells("2019", cells) == []
    cells["proactive.regulations.made"] = -1
    cells["proactive.penalty.decisions"] = Decimal("1.5")
    codes = [f.code for f in check_cells("2019", cells)]
    assert "NEGATIVE" in codes and "NOT-INTEGER" in codes


def test_unknown_key_but_group_keys_allowed():
    codes = [f.code for f in check_cells("2021", {"applications.withheld.total": 3, "x.y": 1})]
    assert codes == ["UNKNOWN-CELL"]


def test_cross_year_carry_over_and_stock():
    prev = sample_cells("2019", random.Random(4))
    cells = sample_cells("2021", random.Random(5), zero=0)
    for c in ("natural", "total"):
        prev[f"applications.carried_forward.{c}"] = cells[f"applications.carried_over.{c}"]
    codes = [f.code for f in check_cells("2021", cells, previous_year_cells=prev)]
    assert "T3-4" in codes  # the org columns differ
    assert "T2-2" not in codes  # 2019 has no 现行有效件数: no stock check across formats
    prev21 = dict(cells)
    for k in cells:
        if k.startswith("applications.carried_over."):
            prev21[k.replace("carried_over", "carried_forward")] = cells[k]
    prev21["proactive.normative_documents.in_force"] = (
        cells["proactive.normative_documents.in_force"]
        - cells["proactive.normative_documents.issued"]
        + cells["proactive.normative_documents.repealed"]
    )
    prev21["proactive.regulations.in_force"] = prev21["proactive.normative_documents.in_force"]
    found = check_cells("2021", cells, previous_year_cells=prev21)
    assert [f.code for f in found if f.code == "T3-4"] == []
    stock = [f for f in found if f.code == "T2-2"]
    assert all(f.severity == "warning" for f in stock)
    assert not [f for f in stock if "行政规范性文件" in f.where]


def test_render_html_has_all_sections_and_values():
    cells = sample_cells("2019", random.Random(6))
    html = render_html("2019", cells, title="某某2019年政府信息公开工作年度报告")
    for h in ("六、其他需要报告的事项", "第二十条第（九）项", "（六）其他处理", "复议后起诉"):
        assert h in html
    assert html.count("<table") == 3
