"""Counting rules and deadlines for annual reports: explicit settings, printed in every report.

ANNUAL_REPORT_FORMAT.md §4.4 says the formats leave "what is one application" and "which row
for a reply with several outcomes" open (国办公开办函〔2016〕201号 could not be read), so the
platform states the rules it applies. Override with settings.GONGKAI["ANNUAL_REPORT_RULES"].
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_RULES = {
    "application_unit": (
        "一份申请（一张申请表、一封申请信或一次网上提交）计为一件申请；依照国办函〔2020〕109号"
        "按“一事一申请”拆分仅用于计收信息处理费，不拆分计数。"
    ),
    "multi_outcome": (
        "每件申请只计入一种办理结果：部分公开的只计入“部分公开”，不计其他情形；一份答复含有多种"
        "其他结果的，按登记的主要办理结果计入。"
    ),
    "period": (
        "统计期为当年1月1日至12月31日：按收到申请之日计入“本年新收”，按答复日期计入“本年度办理结果”，"
        "12月31日尚未答复的计入“结转下年度继续办理”。"
    ),
    "applicant": "代理人提出的申请按被代理人的申请人类型统计。",
}


def counting_rules() -> dict[str, str]:
    from gongkai.appeals.selectors import COUNTING_RULE  # the rule lives where it is applied

    return {
        **DEFAULT_RULES,
        "appeals": COUNTING_RULE,
        **settings.GONGKAI.get("ANNUAL_REPORT_RULES", {}),
    }
