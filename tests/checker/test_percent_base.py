"""PERCENT-MISMATCH uses the base the report's percentages are of (held-out Shanghai 2019: the
shares are of the 805 applications answered, not the 859 received). Synthetic excerpts."""

from gongkai.checker import check

_HEAD = (
    "某县人民政府2016年政府信息公开工作年度报告\n一、概述\n本县认真贯彻《条例》，"
    "全年未发生行政复议和行政诉讼。\n二、依申请公开情况\n"
)


def _pct(text):
    return [f for f in check(_HEAD + text).findings if f.code == "PERCENT-MISMATCH"]


def test_shares_of_applications_answered_are_not_flagged():
    text = (
        "全县共受理政府信息公开申请120件，答复100件（另有20件结转下年度答复）。"
        "予以公开50件，占50%；不予公开10件，占10%；无法提供40件，占40%。\n"
    )
    assert _pct(text) == []


def test_mismatch_names_the_base_the_other_percentages_use():
    text = (
        "全县共受理政府信息公开申请120件，答复100件（另有20件结转下年度答复）。"
        "予以公开50件，占45%；不予公开10件，占10%；无法提供40件，占40%。\n"
    )
    (f,) = _pct(text)
    assert "50/100 = 50.0%" in f.message
    assert "答复申请数（100）" in f.message and "45%" in f.message
    assert f.data["base"] == "100" and f.data["base_label"] == "答复申请数"
    assert set(f.data["bases_tried"]) >= {"100", "120"}


def test_shares_of_applications_received_still_pass():
    text = "全县共受理政府信息公开申请120件，予以公开60件，占50%；不予公开12件，占10%。\n"
    assert _pct(text) == []


def test_truncated_percentage_is_not_a_mismatch():
    # 534/1913 = 27.9 % printed as 27 % (cut off so that the shares add up to 100 %)
    text = "主动公开政府信息1913条。其中，各部门公开1379条，占72%；各乡镇公开534条，占27%。\n"
    assert _pct(text) == []


def test_negative_percentage_is_not_read_as_positive():
    # 5/167 = 2.99 %: "占-2%" is no cut-off 2 %
    text = "主动公开政府信息167条，其中网站公开5条，占-2%。\n"
    assert len(_pct(text)) == 1
