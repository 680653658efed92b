"""Administrative reconsideration (行政复议) and litigation (行政诉讼) about disclosure work.

One row per case in which this agency is the respondent or defendant (RULES.md E6, G). The
cases feed table 四 of the annual report (ANNUAL_REPORT_FORMAT.md §5); see selectors.py for
the counting rule.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealKind(models.TextChoices):
    # The three column groups of table 四; keys are the GLOSSARY cell-key groups.
    RECONSIDERATION = "reconsideration", _("行政复议")
    LITIGATION_DIRECT = "litigation_direct", _("行政诉讼·未经复议直接起诉")
    LITIGATION_AFTER_RECONSIDERATION = (
        "litigation_after_reconsideration",
        _("行政诉讼·复议后起诉"),
    )


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("结果维持")
    # revoke, change, confirm illegality, order performance (§5 practice)
    CORRECTED = "corrected", _("结果纠正")
    # rejection of the application/claim, withdrawal, termination
    OTHER = "other", _("其他结果")
    PENDING = "pending", _("尚未审结")


class Appeal(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("被申请人/被告机关"),
    )
    info_request = models.ForeignKey(
        "inforequests.InfoRequest",
        verbose_name=_("相关政府信息公开申请"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appeals",
    )
    kind = models.CharField(_("类型"), max_length=40, choices=AppealKind.choices)
    case_number = models.CharField(_("案号"), max_length=100, blank=True)
    body = models.CharField(_("复议机关/受理法院"), max_length=200, blank=True)
    subject = models.CharField(_("案由"), max_length=300)
    filed_on = models.DateField(_("申请/立案日期"), db_index=True)
    decided_on = models.DateField(_("决定/裁判日期"), null=True, blank=True)
    result = models.CharField(
        _("结果"), max_length=16, choices=AppealResult.choices, default=AppealResult.PENDING
    )
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("复议诉讼案件")
        verbose_name_plural = _("复议诉讼案件")
        ordering = ["-filed_on", "-pk"]
        indexes = [models.Index(fields=["agency", "filed_on"])]
        constraints = [
            # a decided case has a result and a date; a pending one has neither
            models.CheckConstraint(
                condition=(
                    models.Q(result="pending", decided_on__isnull=True)
                    | (~models.Q(result="pending") & models.Q(decided_on__isnull=False))
                ),
                name="appeal_result_matches_decision_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number or self.subject}"

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.result == AppealResult.PENDING and self.decided_on:
            errors["decided_on"] = _("尚未审结的案件不应填写决定/裁判日期")
        if self.result != AppealResult.PENDING and not self.decided_on:
            errors["decided_on"] = _("已审结的案件须填写决定/裁判日期")
        if self.decided_on and self.filed_on and self.decided_on < self.filed_on:
            errors["decided_on"] = _("决定/裁判日期不能早于申请/立案日期")
        if errors:
            raise ValidationError(errors)
