"""When each agency's report is due (Regulation Art. 49; RULES.md E3).

* 县级以上人民政府部门 (a department at county level or above): publish by 31 January.
* 县级以上地方人民政府 (the 本级政府's own report, published by its supervising office): by 31 March.
* Township governments, departments below county level, 派出机构 and 法律法规授权组织 (Art. 54):
  the Regulation sets no date. By default they show "无法定期限" and are never "逾期"; a local
  notice's date may be configured as settings.GONGKAI["ANNUAL_REPORT_LOCAL_DEADLINE"] =
  (month, day). Passing a local date is a warning (超过本地要求日期), not a breach of Art. 49.

All are calendar dates. Whether a report was on time depends on its FIRST publication (any
version): a report published on time and later reopened for correction stays public in its
first version (Art. 49 is met), so it shows "已按时发布（更正中）", never "逾期未发布".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

DEPARTMENT = gettext_lazy("《条例》第四十九条：县级以上人民政府部门于每年1月31日前公布")
GOVERNMENT = gettext_lazy("《条例》第四十九条：县级以上地方人民政府年度报告于每年3月31日前公布")
LOCAL = gettext_lazy("《条例》未规定，按本地要求")
NO_DEADLINE = gettext_lazy("《条例》未规定发布期限")

ABOVE_TOWNSHIP = ("province", "city", "county")


def is_statutory(agency) -> bool:
    """True when Art. 49 sets the date: a 县级以上 department or government."""
    return agency.level in ABOVE_TOWNSHIP and agency.kind in ("department", "government")


def deadline_for(agency, year: int) -> tuple[dt.date | None, str]:
    """(date by which the report for `year` must be published, basis); date None = no date."""
    if agency.level in ABOVE_TOWNSHIP:
        if agency.kind == "department":
            return dt.date(year + 1, 1, 31), DEPARTMENT
        if agency.kind == "government":
            return dt.date(year + 1, 3, 31), GOVERNMENT
    local = settings.GONGKAI.get("ANNUAL_REPORT_LOCAL_DEADLINE")
    if local:
        month, day = local
        return dt.date(year + 1, month, day), LOCAL
    return None, NO_DEADLINE


def _first_published(report) -> dt.date | None:
    if report is None:
        return None
    if hasattr(report, "first_published"):
        first = report.first_published
    else:
        v = report.versions.order_by("published_at").first() if report.pk else None
        first = v.published_at if v else None
    return timezone.localtime(first).date() if first else None


def status_for(agency, year: int, report, today: dt.date) -> dict:
    """Dashboard row: level ok / warn / late / none, with a text in the active language.

    `report` should carry `first_published` (selectors.reports_with_first_publication) and
    `n_versions`; without them they are read from the database."""
    due, basis = deadline_for(agency, year)
    statutory = is_statutory(agency)
    published_on = _first_published(report)
    correction = ""
    if published_on:
        n = getattr(report, "n_versions", None)
        if n is None:
            n = report.versions.count()
        if report.status != "published":
            correction = gettext("更正中")
        elif n > 1:
            correction = gettext("已更正")
    if published_on:
        if due is None or published_on <= due:
            level = "ok"
            text = gettext("已按时发布") if due else gettext("已发布")
        elif statutory:
            level, text = "late", gettext("已发布（逾期）")
        else:
            level, text = "warn", gettext("已发布（晚于本地要求日期）")
        if correction:
            text = gettext("%(state)s（%(correction)s）") % {
                "state": text,
                "correction": correction,
            }
    elif due is not None and today > due:
        if statutory:
            level, text = "late", gettext("逾期未发布")
        else:
            level, text = "warn", gettext("已过本地要求日期，尚未发布")
    elif due is not None and (today.month == 1 or (due - today).days <= 31):
        # RULES.md E3: warn in January (departments are due on 31 January)
        days = (due - today).days
        level = "warn"
        text = ngettext("距截止还有%(n)d天", "距截止还有%(n)d天", days) % {"n": days}
    else:
        level = "ok" if report else "none"
        text = gettext("编制中") if report else gettext("尚未开始")
        if due is None:
            text = gettext("%(state)s（无法定期限）") % {"state": text}
    return {
        "due": due,
        "basis": basis,
        "level": level,
        "text": text,
        "published_on": published_on,
        "correction": correction,
    }
