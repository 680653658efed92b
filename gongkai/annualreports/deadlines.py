"""When each agency's report is due (Regulation Art. 49; RULES.md E3).

县级以上人民政府部门: publish by 31 January; a 县级以上地方人民政府's own report: by 31 March
(calendar dates). The Regulation sets no date for township governments, 派出机构 or 授权组织;
local notices do — settings.GONGKAI["ANNUAL_REPORT_LOCAL_DEADLINE"] = (month, day), default 31 March.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy, ngettext

DEPARTMENT = gettext_lazy("《条例》第四十九条：县级以上人民政府部门于每年1月31日前公布")
GOVERNMENT = gettext_lazy("《条例》第四十九条：县级以上地方人民政府年度报告于每年3月31日前公布")
LOCAL = gettext_lazy("《条例》未规定，按本地要求")


def deadline_for(agency, year: int) -> tuple[dt.date, str]:
    """(date by which the report for `year` must be published, basis)."""
    if agency.kind == "department":
        return dt.date(year + 1, 1, 31), DEPARTMENT
    if agency.kind == "government" and agency.level != "township":
        return dt.date(year + 1, 3, 31), GOVERNMENT
    month, day = settings.GONGKAI.get("ANNUAL_REPORT_LOCAL_DEADLINE", (3, 31))
    return dt.date(year + 1, month, day), LOCAL


def status_for(agency, year: int, report, today: dt.date) -> dict:
    """Dashboard row: level ok / warn / late, with a text in the active language."""
    due, basis = deadline_for(agency, year)
    published_on = None
    if report is not None and report.status == "published":
        from django.utils import timezone

        first = getattr(report, "first_published", None)
        published_on = timezone.localtime(first).date() if first else None
    if published_on:
        level = "ok" if published_on <= due else "late"
        text = gettext("已按时发布") if level == "ok" else gettext("已发布（逾期）")
    elif today > due:
        level, text = "late", gettext("逾期未发布")
    elif today.month == 1 or (due - today).days <= 31:
        # RULES.md E3: warn in January (departments are due on 31 January)
        days = (due - today).days
        level = "warn"
        text = ngettext("距截止还有%(n)d天", "距截止还有%(n)d天", days) % {"n": days}
    else:
        level = "ok" if report else "none"
        text = gettext("编制中") if report else gettext("尚未开始")
    return {"due": due, "basis": basis, "level": level, "text": text, "published_on": published_on}
