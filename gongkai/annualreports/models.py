"""Annual reports (政府信息公开工作年度报告, Regulation Arts. 49–50; RULES.md E3/E4).

A report belongs to one agency and one year. Its tables are never stored while it is a
draft: they are derived from the records (applications, appeals, publications) every time,
plus `ManualFigure`s for figures kept in other systems. Publishing freezes everything into
an immutable `ReportVersion` (the JSON snapshot the portal and the open data serve);
a correction publishes a new version with a visible change note.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")


class AnnualReport(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("报告年度"))
    format = models.CharField(_("年报格式"), max_length=8, default="2021")
    status = models.CharField(
        _("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Narrative sections 一、五、六 as sanitised HTML (nh3); 二–四 are tables.
    section_1 = models.TextField(_("一、总体情况"), blank=True)
    section_5 = models.TextField(_("五、存在的主要问题及改进情况"), blank=True)
    section_6 = models.TextField(_("六、其他需要报告的事项"), blank=True)
    change_note = models.TextField(_("更正说明"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year", "agency__path"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="uniq_report_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency.name} {self.year}年政府信息公开工作年度报告"

    @property
    def title(self) -> str:
        return f"{self.agency.name}{self.year}年政府信息公开工作年度报告"

    def latest_version(self):
        return self.versions.order_by("-number").first()


class ManualFigure(models.Model):
    """A figure kept in another system (licensing, penalties, coercion, fees collected…),
    entered by hand with its source. Printed as entered by hand in the staff view."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="manual")
    cell_key = models.CharField(_("单元格"), max_length=120)
    value = models.DecimalField(_("数值"), max_digits=16, decimal_places=4)
    source_note = models.CharField(_("数据来源"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("手工填报数")
        verbose_name_plural = _("手工填报数")
        constraints = [
            models.UniqueConstraint(fields=["report", "cell_key"], name="uniq_manual_cell")
        ]

    def __str__(self) -> str:
        return f"{self.cell_key}={self.value}"


class ReportVersion(models.Model):
    """One published version: the rendered cells and narrative, frozen. Never changed."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    change_note = models.TextField(blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()
    # The warnings the head published despite, each with the written reason (staff only: the
    # public pages and downloads render `snapshot`, never this). [{code, where, message,
    # reason, by, by_id, at}]
    acknowledged_warnings = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("已发布版本")
        verbose_name_plural = _("已发布版本")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="uniq_report_version")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("已发布的版本不可修改，请发布更正版本。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("已发布的版本不可删除。"))


class WarningAcknowledgement(models.Model):
    """The head's written reason for publishing despite one warning.

    Warnings are heuristics (table 二's T2-1/T2-2, ANNUAL_REPORT_FORMAT.md §4.5: "flag, do not
    fail"): a lawful report can trip them (a document issued in December and published in
    January, documents expiring without a repeal act). They do not stop review; publication
    needs each one acknowledged here. An acknowledgement is for the finding as shown — code,
    place and message, so its figures — and lapses when the figures change. Staff only."""

    report = models.ForeignKey(
        AnnualReport, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    fingerprint = models.CharField(max_length=64)
    code = models.CharField(max_length=32)
    where = models.CharField(max_length=300, blank=True)
    message = models.TextField()
    reason = models.TextField(_("理由"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("警告确认")
        verbose_name_plural = _("警告确认")
        constraints = [
            models.UniqueConstraint(fields=["report", "fingerprint"], name="uniq_warning_ack")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.code}"
