"""Supervision (公开办): problem lists and their rectification, and report-checker batches.

RULES.md E2 (Art. 47): the supervising office inspects and may order rectification (整改);
E7 (Arts. 52–53): failures such as stale catalogues are ordered corrected by the organ one
level up. A ``ProblemList`` is such an order, addressed by a supervising agency to one agency
of its subtree; each ``Problem`` is answered by the addressee and accepted (or reopened) by the
supervisor.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ListStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已办结")


class Category(models.TextChoices):
    OVERDUE_APPLICATION = "overdue_application", _("依申请公开逾期答复")
    LATE_PUBLICATION = "late_publication", _("主动公开逾期")
    STALE_COLUMN = "stale_column", _("栏目更新不及时")
    MISSING_REPORT = "missing_report", _("年度报告未按期发布")
    REPORT_FINDING = "report_finding", _("年度报告问题")
    OTHER = "other", _("其他")


class ProblemStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    ANSWERED = "answered", _("已反馈，待验收")
    ACCEPTED = "accepted", _("已验收")


class ProblemList(models.Model):
    """问题清单: issued by ``issuer`` (a supervising agency) to ``agency`` (in its subtree).

    The field is called ``agency`` so that permission checks (``can(user, action, obj)``) and
    list filters treat a list as a record of the agency that must rectify.
    """

    issuer = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("下发机关"),
        on_delete=models.PROTECT,
        related_name="issued_problem_lists",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("整改机关"),
        on_delete=models.PROTECT,
        related_name="problem_lists",
    )
    title = models.CharField(_("标题"), max_length=200)
    issued_on = models.DateField(_("下发日期"))
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ListStatus.choices, default=ListStatus.OPEN
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["agency", "status"], name="sv_list_agency_status"),
            models.Index(fields=["issuer", "status"], name="sv_list_issuer_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.status != ListStatus.CLOSED and self.due_on < timezone.localdate()


class Problem(models.Model):
    problem_list = models.ForeignKey(ProblemList, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("问题类别"), max_length=32, choices=Category.choices)
    description = models.TextField(_("问题描述"))
    evidence_url = models.CharField(_("佐证链接"), max_length=500, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    rectification_note = models.TextField(_("整改情况"), blank=True)
    rectified_on = models.DateField(_("整改日期"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(_("验收意见"), blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    times_reopened = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["problem_list", "position", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def agency(self):
        return self.problem_list.agency


class CheckBatch(models.Model):
    """One upload to the in-platform report checker (年报体检), kept so results can be
    reviewed, exported and turned into problem lists later."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("检查中")
        DONE = "done", _("已完成")

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="check_batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"CheckBatch {self.pk} ({self.total})"


class CheckedReport(models.Model):
    batch = models.ForeignKey(CheckBatch, on_delete=models.CASCADE, related_name="reports")
    position = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    # Raw upload, kept only until a background run has read it.
    source = models.BinaryField(null=True, blank=True)
    # Or a report published on this platform (annualreports.ReportVersion id), rendered when
    # the batch runs, so that a province's ~2,000 reports are not all rendered in the request.
    version_id = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)  # the checker's report dict
    text = models.TextField(blank=True)  # normalised body, for highlighting evidence

    class Meta:
        ordering = ["batch", "position", "pk"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def agency(self):
        return self.batch.agency


class ProblemEvent(models.Model):
    """Append-only history of one problem item: every answer, acceptance and reopening,
    so a re-answered item keeps the earlier rectification notes and review comments."""

    class Kind(models.TextChoices):
        ANSWERED = "answered", _("反馈整改情况")
        ACCEPTED = "accepted", _("验收通过")
        REOPENED = "reopened", _("退回重新整改")

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(blank=True)
    on = models.DateField(null=True, blank=True)  # the rectification date for answers
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["problem", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.kind}"
