"""Pre-2019 prose reports: the figures read by hand from the 平潭 series (2011–2014 page.txt,
the sentence each comes from quoted) and short synthetic excerpts of the same phrasings."""

import pytest

from gongkai.checker import check
from gongkai.checker.prose import breakdowns, provincial_table, stated_figures

from .conftest import PINGTAN, needs_pingtan

# folder: {figure: (value, the sentence or table row it was read from)}; None = not stated
TRUTH = {
    "201204_80678": {
        "proactive.total_items": (425, "其中主动公开政府信息425条"),
        "applications.new.total": (0, "2011年全区未收到有关政府信息公开的申请"),
        "appeals.reconsideration.total": (0, "未收到有关政府信息公开行政复议申请"),
        "appeals.litigation.total": (0, "统计表：行政诉讼数 条 0 0"),
        "fees.amount_yuan": (None, ""),
        "consultations.total": (None, ""),
        "breakdown": (
            (1873, [425, 46, 1402]),
            "获取政府信息总数1873条，其中主动公开政府信息425条，作为依申请公开信息数46条，"
            "不予公开信息数1402。",
        ),
    },
    "201301_80725": {
        "proactive.total_items": (2026, "其中主动公开政府信息2026条"),
        "applications.new.total": (21, "2012年全县共收到有关政府信息公开的申请21条"),
        "appeals.reconsideration.total": (0, "未收到有关政府信息公开行政复议申请"),
        "appeals.litigation.total": (0, "统计表：行政诉讼数条00（本年度 0 | 历年累计 0）"),
        "fees.amount_yuan": (None, ""),
        "consultations.total": (None, ""),
        "breakdown": (
            (21, [17, 2, 2]),
            "对依申请公开的答复总数21条，其中同意公开答复数17条，…2条，…2条",
        ),
    },
    "201401_80754": {
        "proactive.total_items": (1853, "其中主动公开政府信息1853条"),
        "applications.new.total": (7, "2013年全县共收到有关政府信息公开的申请7条"),
        "appeals.reconsideration.total": (0, "未收到有关政府信息公开行政复议申请"),
        "appeals.litigation.total": (0, "统计表：行政诉讼数条00"),
        "fees.amount_yuan": (None, ""),
        "consultations.total": (None, ""),
        "breakdown": (
            (3618, [1853, 107, 1658]),
            "获取政府信息总数3618条，其中…1853条，…107条，…1658条",
        ),
    },
    "201402_80774": {
        "proactive.total_items": (45, "2013年新增主动公开政府信息45条"),
        "applications.new.total": (0, "期间我局办公室未收到政府信息公开申请"),
        "appeals.reconsideration.total": (0, "我局收到以有关政府信息公开行政复议0件"),
        "appeals.litigation.total": (None, ""),
        "fees.amount_yuan": (None, ""),  # 政府信息公开费用1万元 is spending, not fees charged
        "consultations.total": (4900, "2013年有约4900人次通过各种方式向我局各部门、基层所咨询"),
        "breakdown": (
            (4900, [1600, 3200, 100]),
            "其中现场咨询1600人次，占32.65%；电话咨询3200人次，占65.31%，网上咨询100人次",
        ),
    },
    "201403_80759": {
        # the prose says 4970, the statistics table 72804: the prose statement is kept
        "proactive.total_items": (4970, "2013年主动公开政府信息4970条"),
        "applications.new.total": (0, "2013年全区未收到有关政府信息公开的申请"),
        "appeals.reconsideration.total": (1, "收到1份有关政府信息公开行政复议申请已及时处理"),
        "appeals.litigation.total": (0, "统计表：行政诉讼数 件 0 0"),
        "fees.amount_yuan": (None, ""),
        "consultations.total": (None, ""),
        "breakdown": (
            (4970, [3933, 1037]),
            "其中，区直、县直各单位主动公开政府信息3933条，占79%。各乡镇主动公开政府信息1037条",
        ),
    },
    "201501_80791": {
        "proactive.total_items": (2543, "2014年主动公开政府信息 2543条"),
        "applications.new.total": (1, "2014年全区收到有关政府信息公开的信函申请1条"),
        "appeals.reconsideration.total": (0, "未收到有关政府信息公开行政复议的申请"),
        "appeals.litigation.total": (0, "统计表：行政诉讼数 件 0 0"),
        "fees.amount_yuan": (0, "2014年我区各级工作部门依申请提供政府信息暂不收费"),
        "consultations.total": (None, ""),
        "breakdown": (
            (2543, [1687, 856]),
            "其中，区管委会及区直各部门…1687条，占66%。各乡镇…856条",
        ),
    },
}


@needs_pingtan
@pytest.mark.parametrize("folder", sorted(TRUTH))
def test_pingtan_pre2019_figures_read_by_hand(folder):
    rep = check(PINGTAN / folder / "page.txt")
    assert rep.format == "pre2019"
    for key, (value, _sentence) in TRUTH[folder].items():
        if key == "breakdown":
            (total, parts) = value
            got = [
                (b["total"], sorted(b["parts"].values())) for b in rep.figures.get("breakdowns", [])
            ]
            assert (total, sorted(parts)) in got, folder
        else:
            assert rep.figures.get(key) == value, (folder, key)


@needs_pingtan
def test_pingtan_table_outcomes_not_taken_from_proactive_classification():
    # 不予公开信息数1854条 classifies information items, it is no application outcome;
    # the table row 否决公开答复数条22 (本年度 2 | 历年累计 2) is
    c = check(PINGTAN / "201301_80725" / "page.txt").cells
    assert c["applications.withheld.total"] == 2
    assert c["applications.partially_disclosed.total"] == 2


def test_consultations_counted_before_the_word():
    f = stated_figures("2013年有约4900人次通过各种方式咨询有关事务，其中现场咨询1600人次。")
    assert f["consultations.total"].value == 4900


def test_reconsideration_count_before_the_word():
    f = stated_figures(
        "全区未收到政府信息公开申请，收到1份有关政府信息公开行政复议申请已及时处理。"
    )
    assert f["appeals.reconsideration.total"].value == 1


def test_provincial_table_year_and_running_total_run_together():
    text = (
        "指标名称计量单位2013年度历年累计受理依申请公开信息总数条728其中：1.当面申请数条00"
        "2.同意部分公开答复数条133.否决公开答复数条02行政复议数条00行政诉讼数条2121行政申诉数条00"
    )
    got = {k: s.value for k, s in provincial_table(text, {}).items()}
    assert got["applications.new.total"] == 7  # 7 | 28 (72 | 8 would exceed the running total)
    assert got["applications.partially_disclosed.total"] == 1  # 1 | 3, then the ordinal "3."
    assert got["applications.withheld.total"] == 0
    assert got["appeals.reconsideration.total"] == 0
    assert "appeals.litigation.total" not in got  # 2 | 121 or 21 | 21: left out
    said = {
        "appeals.litigation.total": stated_figures("行政诉讼21件。")["appeals.litigation.total"]
    }
    assert provincial_table(text, said)["appeals.litigation.total"].value == 21


@pytest.mark.parametrize(
    "text,total,parts",
    [
        (
            "获取政府信息总数1873条，其中主动公开425条，依申请公开信息数46条，不予公开信息数1402。",
            1873,
            [425, 46, 1402],
        ),
        (
            "共咨询4900人次，其中现场咨询1600人次，占32.65%；电话咨询3200人次，占65.31%，网上咨询100人次。",
            4900,
            [1600, 3200, 100],
        ),
        (
            "主动公开政府信息4970条。其中，各部门公开3933条，占79%。各乡镇公开1037条，占21%。",
            4970,
            [3933, 1037],
        ),
    ],
)
def test_breakdown_parts_outside_the_first_clause(text, total, parts):
    (b,) = breakdowns(text)
    assert (b.total, [v for _, v in b.parts]) == (total, parts)


def test_parts_that_do_not_make_the_total_are_not_pulled_in():
    # 1397 + 534 = 1931 ≠ 1913 (201302): the next sentence is not taken as part of the list
    assert (
        breakdowns("主动公开政府信息1913条。其中，各部门公开1397条，占73%。各乡镇公开534条。") == []
    )
