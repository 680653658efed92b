"""Title and agency of pages without <title> or a 标题 field (flattened text, held-out
Shanghai 2019 page: the agency was read as 上海市). Synthetic excerpts."""

import pytest

from gongkai.checker import check

_BODY = "本年度报告根据《中华人民共和国政府信息公开条例》要求编制。一、总体情况2020年，某某县继续推进政务公开。"


@pytest.mark.parametrize(
    "head,title,agency",
    [
        # flattened: the title runs straight into the date line and the body
        (
            "2019年某某市人民政府办公厅政府信息公开工作年度报告\t发布日期：2020-01-31",
            "2019年某某市人民政府办公厅政府信息公开工作年度报告",
            "某某市人民政府办公厅",
        ),
        # title over two lines, broken after the agency
        (
            "某某县人民政府办公室\n2020年政府信息公开工作年度报告\n",
            "某某县人民政府办公室2020年政府信息公开工作年度报告",
            "某某县人民政府办公室",
        ),
        # … or before 政府信息公开
        (
            "2020年某某县交通运输局\n政府信息公开工作年度报告\n",
            "2020年某某县交通运输局政府信息公开工作年度报告",
            "某某县交通运输局",
        ),
        # site chrome in front, glued (tags removed without separators)
        (
            "当前位置：首页>政务公开>年度报告某某区卫生健康委员会2020年度政府信息公开工作年度报告"
            "发布时间：2021-01-25",
            "某某区卫生健康委员会2020年度政府信息公开工作年度报告",
            "某某区卫生健康委员会",
        ),
        # site chrome on its own line before the title
        (
            "当前位置：首页 > 政务公开 > 政府信息公开年报\n某某县人民政府2020年政府信息公开工作年度报告\n",
            "某某县人民政府2020年政府信息公开工作年度报告",
            "某某县人民政府",
        ),
    ],
)
def test_title_and_agency_from_the_text(head, title, agency):
    rep = check(head + _BODY, name="page.txt")
    assert rep.title == title
    assert rep.agency == agency


def test_column_name_above_the_title_is_not_the_title():
    rep = check(
        "政府信息公开年报\n某某县人民政府2020年政府信息公开工作年度报告\n" + _BODY, name="page.txt"
    )
    assert rep.title == "某某县人民政府2020年政府信息公开工作年度报告"
    assert rep.agency == "某某县人民政府"


@pytest.mark.parametrize(
    "agency, level",
    [
        ("上海市人民政府办公厅", "province"),
        ("北京市教育委员会", "province"),
        ("重庆市人民政府", "province"),
        ("上海市浦东新区人民政府", "county"),
        ("天津市河东区人民政府", "county"),
        ("青山市教育局", "prefecture"),
        ("松林县人民政府", "county"),
    ],
)
def test_the_four_municipalities_are_province_level(agency, level):
    from gongkai.checker.meta import agency_level

    assert agency_level(agency, "") == level


def test_districts_and_zones():
    from gongkai.checker.meta import agency_level

    assert agency_level("青山市东城区教育局", "") == "county"
    assert agency_level("平潭综合实验区管委会", "") == "unknown"
