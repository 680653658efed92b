"""Administrator rows that override the built-in holiday data (gongkai.rules.workdays).

The State Council publishes next year's schedule each autumn and the ``chinesecalendar``
package may lag behind; ethnic-autonomous areas add their own festivals (CONVENTIONS.md §7.1).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongkai.rules import workdays


class WorkdayOverride(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = workdays.HOLIDAY, _("放假")
        MAKEUP_WORKDAY = workdays.MAKEUP_WORKDAY, _("调休上班")

    day = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.CharField(
        _("适用地区"),
        max_length=6,
        blank=True,
        help_text=_("留空表示全国；填写行政区划代码（6位）表示仅适用于该民族自治地方"),
    )
    note = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("如：春节、国办发明电〔2024〕12号")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["day", "region"], name="uniq_override_day_region")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.region or _('全国')}"

    def as_rule(self) -> workdays.Override:
        return workdays.Override(day=self.day, kind=self.kind, region=self.region, note=self.note)
