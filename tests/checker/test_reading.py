"""Reading the mess: numbers, encodings, glued cells, merged HTML cells, prose figures."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.checker import check
from gongkai.checker.loader import decode
from gongkai.checker.normalize import detect_script, normalize, parse_number
from gongkai.checker.tables import candidates


@pytest.mark.parametrize(
    "token,value",
    [
        ("1,234", 1234),
        ("３５", 35),
        ("3.5万", 35000),
        ("1.2亿", 120000000),
        ("二十三", 23),
        ("一百零五", 105),
        ("12.50", Decimal("12.50")),
        ("-2", -2),
        ("+16", 16),
        ("x", None),
    ],
)
def test_parse_number(token, value):
    assert parse_number(token) == value


def test_decode_gbk_big5_utf8():
    s = "政府信息公开工作年度报告：本年新收政府信息公开申请数量"
    assert decode(s.encode("gbk")) == (s, "gb18030")
    t = "政府資訊公開工作年度報告：本年新收政府資訊公開申請數量"
    assert decode(t.encode("big5")) == (t, "big5")
    assert decode(s.encode("utf-8")) == (s, "utf-8")
    assert decode(b"\xef\xbb\xbf" + s.encode())[0] == s


def test_script_and_fullwidth():
    assert detect_script("本年新收政府資訊公開申請數量，予以公開，不予公開") == "traditional"
    assert detect_script("本年新收政府信息公开申请数量") == "simplified"
    text, script = normalize("（七）總計　２３", "traditional")
    assert (text, script) == ("(七)总计 23", "traditional")


def test_glued_cells_are_split_by_the_row_identity():
    best = candidates("230 000023", ["count"] * 7, lambda v: sum(v[:6]) == v[6])[0][1]
    assert best == (23, 0, 0, 0, 0, 0, 23)
    best = candidates("21710000218", ["count"] * 7, lambda v: sum(v[:6]) == v[6])[0][1]
    assert best == (217, 1, 0, 0, 0, 0, 218)
    # without an identity the prior prefers zeros and short numbers: 396 | 0 | 181
    assert candidates("3960181", ["count", "signed", "count"])[0][1] == (396, 0, 181)
    # blanks between pipes are "not given"
    assert candidates("| 5 |  | 0 |", ["count"] * 3)[0][1] == (5, None, 0)


def test_html_table_with_rowspan_and_colspan():
    html = """<html><head><title>某县人民政府2021年政府信息公开工作年度报告</title></head><body>
    <div class="content"><p>某县人民政府2021年政府信息公开工作年度报告</p>
    <p>一、总体情况</p><p>本县深入推进政务公开，全年主动公开政府信息1200条。</p>
    <p>二、主动公开政府信息情况</p>
    <table><tr><td colspan="4">第二十条第（一）项</td></tr>
    <tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
    <tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>
    <tr><td>行政规范性文件</td><td>5</td><td>1</td><td>40</td></tr>
    <tr><td colspan="4">第二十条第（五）项</td></tr>
    <tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>
    <tr><td>行政许可</td><td colspan="3">1,024</td></tr></table>
    <p>四、政府信息公开行政复议、行政诉讼情况</p>
    <table><tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
    <tr><td rowspan="2">结果维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>
    <td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td>
    <td colspan="5">复议后起诉</td></tr>
    <tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
    <td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
    <tr><td>1</td><td>1</td><td>0</td><td>0</td><td>2</td><td>0</td><td>0</td><td>0</td><td>1</td>
    <td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr></table>
    <p>五、存在的主要问题及改进情况</p><p>问题与措施。</p></div></body></html>"""
    rep = check(html.encode("gbk").replace(b"<html>", b'<html><meta charset="gbk">'), name="r.html")
    assert (rep.format, rep.year) == ("2021", 2021)
    c = rep.cells
    assert c["proactive.normative_documents.in_force"] == 40
    assert c["proactive.licensing.decisions"] == 1024
    assert c["appeals.reconsideration.total"] == 2 and c["appeals.litigation_direct.pending"] == 1
    assert rep.figures["proactive.total_items"] == 1200
    assert [
        f for f in rep.findings if f.code == "SECTION-MISSING" and "三" in f.where
    ]  # 三 is missing


def test_pre2019_statistics_table_and_group_figures():
    text = """某县人民政府2017年政府信息公开工作年度报告
一、概述 本县不断加强政府信息公开工作。
二、依申请公开情况 全年收到政府信息公开申请21件，不予公开4件。
三、政府信息公开统计表
| （一）主动公开政府信息数 （不同渠道和方式公开相同信息计1条） | 条 | 1,234 |
| （一）收到申请数 | 件 | 21 |
| 2.同意公开答复数 | 件 | 15 |
| 4.不同意公开答复数 | 件 | 4 |
| 四、行政复议数量 | 件 | 1 |
| 五、行政诉讼数量 | 件 | 0 |
| 七、依申请公开信息收取的费用 | 万元 | 0 |
四、存在的主要问题 收费 问题"""
    rep = check(text)
    assert rep.format == "pre2019"
    f = rep.figures
    assert (f["proactive.total_items"], f["applications.new.total"]) == (1234, 21)
    assert (
        f["appeals.reconsideration.total"],
        f["appeals.litigation.total"],
        f["fees.amount_yuan"],
    ) == (1, 0, 0)
    assert rep.cells["applications.withheld.total"] == 4
    assert rep.cells["applications.disclosed.total"] == 15
    assert rep.cells["applications.new.total"] == 21


def test_percentages_that_do_not_match():
    text = (
        "某市2012年政府信息公开工作年度报告\n一、概述\n本市认真贯彻《条例》，依申请公开工作规范，"
        "全年未发生行政复议和行政诉讼。\n二、主动公开政府信息情况\n"
        "主动公开政府信息1000条，其中网上公开600条，占80%。"
    )
    rep = check(text)
    (p,) = [x for x in rep.findings if x.code == "PERCENT-MISMATCH"]
    assert "600" in p.message and "80" in p.message
    ok = check(text.replace("占80%", "约占60%"))
    assert not [x for x in ok.findings if x.code == "PERCENT-MISMATCH"]


def test_late_publication():
    text = "发布时间: 2022-02-15\n某县教育局2021年政府信息公开工作年度报告\n一、总体情况\n本局……\n二、主动公开政府信息情况"
    rep = check(text)
    late = [x for x in rep.findings if x.code == "PUBLISHED-LATE"]
    assert late and "2022-01-31" in late[0].message
    gov = check(text.replace("某县教育局", "某县人民政府"))
    assert not [x for x in gov.findings if x.code == "PUBLISHED-LATE"]  # governments: 31 March


def test_empty_paragraph_cells_stay_blank():
    html = (
        "<html><body><div class='content'><p>某县人民政府2021年政府信息公开工作年度报告</p>"
        "<p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td colspan=3><p>一、本年新收政府信息公开申请数量</p></td><td><p>3</p></td><td><p></p></td>"
        "<td><p>0</p></td><td><p>0</p></td><td><p>0</p></td><td><p>1</p></td><td><p>4</p></td></tr>"
        "<tr><td colspan=3>二、上年结转政府信息公开申请数量</td><td>0</td><td>0</td><td>0</td><td>0</td>"
        "<td>0</td><td>0</td><td>0</td></tr></table>"
        "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>主动公开 依申请公开 行政复议 行政诉讼 说明文字较长。</p>"
        "</div></body></html>"
    )
    rep = check(html.encode(), name="r.html")
    c = rep.cells
    assert [
        c.get(f"applications.new.{k}") for k in ("natural", "org_commercial", "org_other", "total")
    ] == [3, None, 1, 4]


def test_near_copy_of_previous_year():
    from gongkai.checker import check as chk

    body = "本机关认真贯彻落实《条例》，持续推进主动公开、依申请公开、政府信息管理和平台建设。" * 20
    prev = chk(
        f"某县教育局2020年政府信息公开工作年度报告\n一、总体情况\n{body}\n依申请公开 行政复议 诉讼",
        name="2020.txt",
    )
    this = chk(
        f"某县教育局2021年政府信息公开工作年度报告\n一、总体情况\n{body}\n依申请公开 行政复议 诉讼",
        name="2021.txt",
        previous=prev,
    )
    (f,) = [x for x in this.findings if x.code == "NEAR-COPY-PREVIOUS-YEAR"]
    assert "2020.txt" in f.message and f.data["similarity"] > 0.9


def test_markdown_tables():
    import random

    from gongkai.reportschema import render_text, sample_cells

    cells = sample_cells("2021", random.Random(5))
    lines = []
    for ln in render_text(
        "2021", cells, style="pipes", title="某市2022年政府信息公开工作年度报告"
    ).splitlines():
        lines.append(ln)
        if ln.startswith("| 信息内容") or ln.startswith(
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持"
        ):
            lines.append("|" + "---|" * ln.count("|"))
    rep = check("\n".join(lines))
    assert {k: v for k, v in rep.cells.items()} == cells


def test_section_six_saying_none_is_not_empty():
    import random

    from gongkai.reportschema import render_text, sample_cells

    cells = sample_cells("2021", random.Random(8))
    text = render_text(
        "2021", cells, title="某区人民政府2022年政府信息公开工作年度报告", narrative={"六": "无。"}
    )
    assert not [f for f in check(text).findings if f.code == "SECTION-EMPTY"]
    text = render_text(
        "2021", cells, title="某区人民政府2022年政府信息公开工作年度报告", narrative={"六": ""}
    )
    (f,) = [f for f in check(text).findings if f.code == "SECTION-EMPTY"]
    assert "六" in f.where


@pytest.mark.parametrize(
    "sentence,key,value",
    [
        ("本年度新收政府信息公开申请46件。", "applications.new.total", 46),
        ("二是依申请公开方面。2021年度共收到申请12件，均按时答复。", "applications.new.total", 12),
        (
            "建立窗口服务大厅，开设窗口24个，共受理申请136437件。全区未收到有关政府信息公开申请。",
            "applications.new.total",
            0,
        ),
        ("全年未发生因政府信息公开申请引起的行政复议。", "appeals.reconsideration.total", 0),
        ("全年未被行政复议纠错，收到行政复议2件。", "appeals.reconsideration.total", 2),
        ("主动公开各类政府信息1.2万余条。", "proactive.total_items", 12000),
        ("收取信息处理费共计450元。", "fees.amount_yuan", 450),
        ("本年度未收取信息处理费。", "fees.amount_yuan", 0),
        ("全年共接受群众咨询1200余人次，其中电话咨询800人次。", "consultations.total", 1200),
    ],
)
def test_prose_figures(sentence, key, value):
    from gongkai.checker.prose import stated_figures

    assert stated_figures(sentence)[key].value == value


_PAD = "一、概述\n本机关认真贯彻《条例》，依申请公开工作规范，全年未发生行政复议和行政诉讼案件，未收取任何费用。\n二、主动公开政府信息情况\n"


@settings(max_examples=40, deadline=None)
@given(
    parts=st.lists(st.integers(1, 5000), min_size=2, max_size=5),
    off=st.sampled_from([0, 0, 1, -3, 17]),
    pct_off=st.sampled_from([0, 0, 3, -5]),
)
def test_breakdown_and_percentage_findings(parts, off, pct_off):
    total = sum(parts) + off
    labels = ["工作动态", "政策文件", "人事信息", "财政信息", "其他信息"]
    items = "、".join(
        f"{labels[i] if i < len(parts) - 1 else '其他信息'}{v}条" for i, v in enumerate(parts)
    )
    pct = round(parts[0] * 100 / sum(parts)) + pct_off
    text = (
        f"某县人民政府2016年政府信息公开工作年度报告\n{_PAD}"
        f"全年共主动公开政府信息{sum(parts)}条，其中网站公开{parts[0]}条，占{pct}%。\n"
        f"按类别统计，全年共主动公开政府信息{total}条，其中{items}。\n"
    )
    rep = check(text)
    codes = [f.code for f in rep.findings]
    assert ("SUM-MISMATCH" in codes) == (off != 0)
    assert ("PERCENT-MISMATCH" in codes) == (pct_off != 0)


# --- blank cells in scraped text (held-out real reports, docs/checker.md) ---------------------
def _t33_row(v):
    from gongkai.checker.tables import _t33

    return _t33(v)


def test_one_cell_per_line_keeps_blank_cells_in_place():
    # <td>&nbsp;</td> scraped one cell per line: the nbsp line is a blank cell, not a gap
    run = "821\n35\n\xa0\n\xa0\n2\n1\n859\n".replace("\xa0", " ")
    best = candidates(run, ["count"] * 7, _t33_row)[0][1]
    assert best == (821, 35, None, None, 2, 1, 859)
    # a blank 总计 stays blank, the row is not split into seven digits
    run = "258\n12\n \n \n1\n1\n \n"
    assert candidates(run, ["count"] * 7, _t33_row)[0][1] == (258, 12, None, None, 1, 1, None)


def test_flattened_nbsp_of_blank_cells_is_read_as_blank():
    # tags removed with no separator: 821|35|&nbsp;|&nbsp;|2|1|859 → "82135  21859"
    best = candidates("82135  21859", ["count"] * 7, _t33_row)[0][1]
    assert best == (821, 35, None, None, 2, 1, 859)
    # trailing blanks before the next label: 3 | | | | | |
    assert candidates("3      ", ["count"] * 7, _t33_row)[0][1] == (3,) + (None,) * 6
    # a space that is not a blank cell still reads as before
    assert candidates("230 000023", ["count"] * 7, _t33_row)[0][1] == (23, 0, 0, 0, 0, 0, 23)


def test_blank_data_cells_count_as_zero_in_the_row_total():
    from gongkai.checker.tables import _t33

    assert _t33((3, None, None, None, None, None, 3)) is True
    assert _t33((3, None, None, None, None, None, 4)) is False
    assert _t33((3, 1, None, None, None, None, None)) is None  # blank 总计: not given


def test_procurement_count_and_amount_glued_with_unit():
    # 2019 table 二 flattened: 政府集中采购 | 6 | 251000元 → "6251000元"
    from gongkai.checker.tables import _procurement_check

    best = candidates("6251000元", ["count", "money"], _procurement_check)[0][1]
    assert best == (6, 251000)
