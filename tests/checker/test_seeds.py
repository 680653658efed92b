"""Every figure and every finding listed in seeds/truth/ is found (one test per seed)."""

import json
import re
from decimal import Decimal

import pytest

from gongkai.checker import check

from .conftest import SEEDS, needs_seeds

pytestmark = needs_seeds


def seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    truth = json.loads((SEEDS / "truth" / (path.stem + ".json")).read_text())
    return check(path).to_dict(), truth


def numbers(obj):
    """All numbers in a truth figure (nested dicts; '200余' → 200)."""
    if isinstance(obj, dict):
        for v in obj.values():
            yield from numbers(v)
    elif isinstance(obj, bool):
        return
    elif isinstance(obj, int | float):
        yield obj
    elif isinstance(obj, str) and re.fullmatch(r"\d+余?", obj):
        yield int(obj.rstrip("余"))


def found_values(rep) -> set:
    vals = set(v for v in rep["cells"].values() if v is not None)
    for k, v in rep["figures"].items():
        if k == "breakdowns":
            for b in v:
                vals.add(b["total"])
                vals.update(b["parts"].values())
        elif k == "stated":
            vals.update(x["value"] for x in v)
        elif isinstance(v, int | float):
            vals.add(v)
    return vals


def codes(rep):
    return [f["code"] for f in rep["findings"]]


def assert_all_truth_figures_found(rep, truth, skip=()):
    vals = found_values(rep)
    missing = []
    for name, fig in truth["figures"].items():
        if name in skip:
            continue
        for n in numbers(fig):
            if n not in vals and Decimal(str(n)) not in vals:
                missing.append((name, n))
    assert not missing, missing


def breakdown(rep, total):
    return [b for b in rep["figures"].get("breakdowns", []) if b["total"] == total]


def test_000_traditional_pre2019_with_empty_table():
    rep, truth = seed("000")
    assert "攀枝花市" in rep["agency"]
    assert (rep["year"], rep["format"], rep["script"]) == (2018, "pre2019", "traditional")
    f = rep["figures"]
    assert f["proactive.total_items"] == truth["figures"]["proactive_total_deduplicated"]
    assert f["proactive.total_items_gross"] == truth["figures"]["proactive_total_gross"]
    assert f["applications.new.total"] == truth["figures"]["applications_total"] == 61
    assert f["appeals.reconsideration.total"] == 2
    assert f["appeals.litigation.total"] == 4
    assert f["fees.amount_yuan"] == truth["figures"]["fees_charged"] == 0
    assert f["applications.closed_on_time"] == 58
    assert_all_truth_figures_found(rep, truth)
    # identities the text implies: categories → 310930; channels and subjects → 61; 复议 → 2
    cats = breakdown(rep, 310930)
    assert cats and set(cats[0]["parts"].values()) == set(
        truth["figures"]["proactive_by_category"].values()
    )
    apps = [sorted(b["parts"].values()) for b in breakdown(rep, 61)]
    assert sorted(truth["figures"]["applications_by_channel"].values()) in apps
    assert sorted(truth["figures"]["applications_by_subject"].values()) in apps
    assert breakdown(rep, 2)[0]["sum"] == 2
    # findings: the statistics table lost its figures; 3 applications unaccounted for
    c = codes(rep)
    assert "TABLE-EMPTY" in c
    (u,) = [x for x in rep["findings"] if x["code"] == "APPLICATIONS-UNACCOUNTED"]
    assert "61" in u["message"] and "58" in u["message"] and "3" in u["message"]
    assert "SUM-MISMATCH" not in c


def test_001_two_levels_no_outcomes():
    rep, truth = seed("001")
    assert rep["agency"] == truth["agency"]
    assert (rep["year"], rep["format"], rep["script"]) == (2013, "pre2019", "simplified")
    f = rep["figures"]
    assert f["proactive.total_items"] == 37583
    assert f["applications.new.total"] == 5031
    assert f["appeals.reconsideration.total"] == 0 and f["appeals.litigation.total"] == 0
    assert f["fees.amount_yuan"] == 0 and f["complaints.total"] == 0
    assert f["gazette.issues"] == 12
    assert_all_truth_figures_found(rep, truth)
    c = codes(rep)
    assert "APPLICATION-OUTCOMES-MISSING" in c
    assert "MIXED-LEVELS" in c
    assert "PERCENT-MISMATCH" not in c  # the stated percentages agree to rounding


def test_002_2019_format_damaged():
    rep, truth = seed("002")
    assert rep["agency"] == truth["agency"]
    assert (rep["year"], rep["format"], rep["published"]) == (2019, "2019", "2020-01-31")
    cells = rep["cells"]
    t = truth["figures"]["proactive_table"]
    keymap = {
        "规章": "regulations",
        "规范性文件": "normative_documents",
        "行政许可": "licensing",
        "其他对外管理服务事项": "other_services",
        "行政处罚": "penalty",
        "行政强制": "coercion",
        "行政事业性收费": "fees",
        "政府集中采购": "procurement",
    }
    colmap = {
        "本年新制作数量": "made",
        "本年新公开数量": "published",
        "对外公开总数量": "total_public",
        "上一年项目数量": "previous",
        "本年增/减": "change",
        "处理决定数量": "decisions",
        "采购项目数量": "projects",
        "采购总金额": "amount",
    }
    for row, cols in t.items():
        for col, v in cols.items():
            assert cells[f"proactive.{keymap[row]}.{colmap[col]}"] == v, (row, col)
    for g, key in (
        ("reconsideration", "reconsideration"),
        ("litigation_direct", "litigation_direct"),
        ("litigation_after_reconsideration", "litigation_after_reconsideration"),
    ):
        for label, r in (
            ("结果维持", "upheld"),
            ("结果纠正", "corrected"),
            ("其他结果", "other"),
            ("尚未审结", "pending"),
            ("总计", "total"),
        ):
            assert cells[f"appeals.{key}.{r}"] == truth["figures"][g][label]
    assert rep["figures"]["applications.new.total"] == 10
    assert rep["figures"]["proactive.total_items"] == 36629
    assert_all_truth_figures_found(rep, truth)
    c = codes(rep)
    # 三 has a heading but no table although the text says 10 applications
    (tm,) = [x for x in rep["findings"] if x["code"] == "TABLE-MISSING"]
    assert "三" in tm["where"] and "10" in tm["message"]
    ev = " ".join(x["evidence"] + x["message"] for x in rep["findings"])
    for damaged in ("201911日", "1231日", "〔201960号", "年共", "是推动学习培训"):
        assert damaged in ev, damaged
    assert {"GARBLED-DATE", "GARBLED-DOCNUM", "GARBLED-YEAR", "GARBLED-NUMBERING"} <= set(c)
    assert "IMPLAUSIBLE-FOR-LEVEL" in c and "SUSPICIOUS-FIGURE" in c
    assert "RUNNING-COUNT" in c
    (empty,) = [x for x in rep["findings"] if x["code"] == "SECTION-EMPTY"]
    assert "六" in empty["where"]
    assert "PUBLISHED-ON-DEADLINE" in c
    # the appeals table is all zeros and consistent: no identity error
    assert not [x for x in c if re.match(r"T\d", x)]


def test_003_not_an_annual_report():
    rep, truth = seed("003")
    assert rep["format"] == "not_annual_report"
    assert rep["year"] == 2018 and rep["published"] == truth["published"]
    assert rep["agency"].startswith("楚雄经开区")
    assert rep["figures"]["index_number"] == truth["figures"]["index_number"]
    assert rep["figures"]["catalogue_column"] == truth["figures"]["catalogue_column"]
    assert_all_truth_figures_found(rep, truth, skip=("index_number", "catalogue_column"))
    c = codes(rep)
    assert "NOT-ANNUAL-REPORT" in c
    assert "DATED-BEFORE-YEAR-END" in c


def test_004_overlapping_channels_and_implied_total():
    rep, truth = seed("004")
    assert rep["agency"] == truth["agency"]
    assert (rep["year"], rep["format"]) == (2018, "pre2019")
    f = rep["figures"]
    assert f["proactive.total_items"] == 1681
    assert f["applications.new.total"] == 1
    assert f["consultations.total"] == 2800 and f["fees.amount_yuan"] == 0
    assert f["appeals.reconsideration.total"] == 0 and f["appeals.litigation.total"] == 0
    assert f["complaints.total"] == 0
    assert_all_truth_figures_found(rep, truth)
    assert breakdown(rep, 2800)[0]["sum"] == 2800
    ch = breakdown(rep, 1681)[0]
    assert ch["sum"] == 3845
    c = codes(rep)
    assert "SUM-OVERLAP" in c and "SUM-MISMATCH" not in c  # allowed: the total is de-duplicated
    assert "APPLICATION-OUTCOMES-MISSING" in c
    (p,) = [x for x in rep["findings"] if x["code"] == "PERCENT-IMPLIED-TOTAL"]
    assert "130" in p["message"] and "135" in p["message"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_findings_are_well_formed(prefix):
    rep, _ = seed(prefix)
    for f in rep["findings"]:
        assert f["severity"] in ("error", "warning", "info")
        assert re.search(r"[\u4e00-\u9fff]", f["message"])
        assert set(f) >= {"code", "severity", "message", "where", "evidence"}
