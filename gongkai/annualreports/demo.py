"""Demo: the 2025 report of 青山市教育局, drafted from the data and ready for review
(idempotent: an existing report is left as it is)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from . import builder, services
from .models import AnnualReport, ManualFigure, ReportVersion

# A realistic publication day for the 2024 report: before the 31 January 2025 deadline of a
# 县级以上人民政府部门 (Regulation Art. 49; RULES.md E3). The server clock stamps a version
# when it is published; only the demo backdates it, as if it had been published back then.
PUBLISHED_2024 = dt.datetime(2025, 1, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

FIGURES = {
    "proactive.licensing.decisions": (Decimal(126), "青山市政务服务平台2025年度办件统计"),
    "proactive.penalty.decisions": (Decimal(9), "青山市行政执法监督平台2025年度统计"),
    "proactive.coercion.decisions": (Decimal(0), "青山市行政执法监督平台2025年度统计"),
    "proactive.fees.amount_wan_yuan": (Decimal("0"), "本局财务科：2025年未收取行政事业性收费"),
    "proactive.regulations.issued": (Decimal(0), "本局不具有规章制定权"),
    "proactive.regulations.repealed": (Decimal(0), "本局不具有规章制定权"),
    "proactive.regulations.in_force": (Decimal(0), "本局不具有规章制定权"),
    "proactive.normative_documents.issued": (Decimal(2), "本局发文登记簿"),
    "proactive.normative_documents.repealed": (Decimal(1), "本局发文登记簿"),
    "proactive.normative_documents.in_force": (Decimal(14), "本局规范性文件清理结果"),
}


LAST_YEAR_5 = (
    "<p>（一）存在的主要问题：政策解读形式较为单一，依申请公开答复文书说理不够充分。</p>"
    "<p>（二）改进措施：丰富图解、问答等解读形式；规范答复文书，逐项说明理由和依据。</p>"
)


def _publish_2024(agency) -> None:
    """Last year's report, published, so the 2025 draft shows its section 五 beside."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    if AnnualReport.objects.filter(agency=agency, year=2024).exists():
        return
    head = get_user_model().objects.filter(username="head").first()
    if head is None:
        return
    report = AnnualReport(agency=agency, year=2024, format="2021")
    services.redraft(report)
    report.section_5 = LAST_YEAR_5
    report.save()
    try:
        services.mark_reviewed(head, report)
        version = services.publish(head, report)
    except ValidationError:
        return  # figures entered by another demo do not add up: leave it as a draft
    snap = dict(version.snapshot, published_at=PUBLISHED_2024.isoformat())
    ReportVersion.objects.filter(pk=version.pk).update(published_at=PUBLISHED_2024, snapshot=snap)


def build(agencies) -> None:
    agency = agencies["青山市:教育局"]
    _publish_2024(agency)
    if AnnualReport.objects.filter(agency=agency, year=2025).exists():
        return
    report = AnnualReport.objects.create(agency=agency, year=2025, format="2021")
    allowed = set(builder.manual_keys("2021"))
    for key, (value, note) in FIGURES.items():
        if key in allowed:
            ManualFigure.objects.get_or_create(
                report=report, cell_key=key, defaults={"value": value, "source_note": note}
            )
    services.redraft(report)  # the narrative draft sees the figures entered above
    report.save()
