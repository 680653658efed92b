"""Applications for disclosure (依申请公开): the case record and its append-only event log.

Truth lives in ``InfoRequestEvent`` rows (who did what, when, with which data). The columns
``received_on``, ``status``, ``due_on``, ``assignee``, ``outcome``, ``legal_basis``, ``reasons``,
``replied_on`` and ``closed_on`` of ``InfoRequest`` are *derived* from the events by
``services.recompute`` and stored only so that lists ("overdue", the ledger, table 三) are indexed
queries. Never write them by hand.

Personal data of the applicant sits in ``Applicant`` (one per case) so that nothing that joins
``InfoRequest`` for public pages or exports can leak it by accident (RULES.md privacy; Art. 15).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from gongkai.reportschema import APPLICANT_COLUMNS, get_format

# ---------------------------------------------------------------------------- choices


class Channel(models.TextChoices):
    # Art. 29 (written, incl. data messages; oral when writing is difficult), Art. 31 receipt rules.
    IN_PERSON = "in_person", _("当面提交")
    POST_SIGNED = "post_signed", _("邮寄（需签收）")
    POST_PLAIN = "post_plain", _("平信邮寄")
    ONLINE = "online", _("网上申请")
    EMAIL = "email", _("电子邮件")
    FAX = "fax", _("传真")
    ORAL = "oral", _("口头申请（代为填写）")


# Art. 31: channels whose receipt day is the day the office and the applicant confirm receipt.
CONFIRMATION_CHANNELS = frozenset({"post_plain", "online", "email", "fax"})
# Channels whose receipt day is known at intake (handed in / signed for / oral at the counter).
IMMEDIATE_CHANNELS = frozenset({"in_person", "post_signed", "oral"})

# Labels of gongkai.reportschema are msgids (gettext_noop there): translated lazily here.
ApplicantType = models.TextChoices(
    "ApplicantType",
    [(c.key, (c.key, _(c.label))) for c in APPLICANT_COLUMNS if c.key != "total"],
)

_RESULT_GROUP = {
    "withheld": gettext_noop("不予公开"),
    "unavailable": gettext_noop("无法提供"),
    "not_processed": gettext_noop("不予处理"),
    "other": gettext_noop("其他处理"),
}
# The result rows (一)(二) under their short names (the row label adds a counting rule).
_PLAIN_OUTCOMES = {
    "disclosed": gettext_noop("予以公开"),
    "partially_disclosed": gettext_noop("部分公开"),
}
_SUMMARY_ROWS = ("new", "carried_over", "outcomes_total", "carried_forward")
_NUMBERING = re.compile(r"^\d+\.\s*")  # "1.属于国家秘密", "1. State secret"


def _outcome_text(key: str, row_label: str) -> str:
    """The outcome in the active language: 予以公开, 不予公开：属于国家秘密, …"""
    group = key.split(".")[0]
    if group in _RESULT_GROUP:
        return gettext("%(group)s：%(item)s") % {
            "group": gettext(_RESULT_GROUP[group]),
            "item": _NUMBERING.sub("", gettext(row_label)),
        }
    return gettext(_PLAIN_OUTCOMES[key])


_outcome_lazy = lazy(_outcome_text, str)


def _outcome_choices() -> list[tuple[str, str]]:
    # The result rows of table 三 (2021 format) — the one list of outcome keys (GLOSSARY).
    return [
        (r.key, _outcome_lazy(r.key, r.label))
        for r in get_format("2021").table("applications").rows
        if r.key not in _SUMMARY_ROWS
    ]


OUTCOME_CHOICES = _outcome_choices()
OUTCOME_KEYS = tuple(k for k, _l in OUTCOME_CHOICES)
OUTCOME_LABELS = dict(OUTCOME_CHOICES)


class Status(models.TextChoices):
    TO_CONFIRM = "to_confirm", _("待确认收到")
    IN_PROGRESS = "in_progress", _("办理中")
    AWAITING_AMENDMENT = "awaiting_amendment", _("等待补正")
    CONSULTATION = "consultation", _("征求意见中")
    AWAITING_FEE = "awaiting_fee", _("等待缴费")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已归档")


OPEN_STATUSES = (
    Status.TO_CONFIRM,
    Status.IN_PROGRESS,
    Status.AWAITING_AMENDMENT,
    Status.CONSULTATION,
    Status.AWAITING_FEE,
)
PAUSED_STATUSES = (Status.AWAITING_AMENDMENT, Status.CONSULTATION, Status.AWAITING_FEE)
# Open cases whose clock runs (overdue = one of these with due_on < today).
CLOCK_STATUSES = (Status.IN_PROGRESS, Status.CONSULTATION, Status.AWAITING_FEE)


class FormRequested(models.TextChoices):
    # Art. 29¶2(3), Art. 40: the form in which the information is wanted.
    PAPER = "paper", _("纸质文本")
    ELECTRONIC = "electronic", _("电子文件")
    EMAIL = "email", _("电子邮件")
    ON_SITE = "on_site", _("当场查阅、抄录")


class Delivery(models.TextChoices):
    POST = "post", _("邮寄")
    PICK_UP = "pick_up", _("自行领取")
    EMAIL = "email", _("电子邮件")
    ONLINE = "online", _("网上获取")
    FAX = "fax", _("传真")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")
    OTHER = "other", _("其他")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交申请")
    RECEIVED = "received", _("确认收到申请")
    ASSIGNED = "assigned", _("分办")
    AMENDMENT_REQUESTED = "amendment_requested", _("补正告知")
    AMENDMENT_RECEIVED = "amendment_received", _("收到补正")
    CONSULTATION_STARTED = "consultation_started", _("征求意见")
    CONSULTATION_ANSWERED = "consultation_answered", _("收到意见")
    EXTENSION_GRANTED = "extension_granted", _("批准延期并告知")
    CUSTOM_DUE_DATE = "custom_due_date", _("另行确定答复期限（第三十五条）")
    FEE_NOTICE_SENT = "fee_notice_sent", _("发出收费通知")
    FEE_PAID = "fee_paid", _("缴费")
    REPLIED = "replied", _("答复")
    CLOSED = "closed", _("归档")
    NOTE = "note", _("备注")
    FILE_ADDED = "file_added", _("添加材料")


# Event kinds the legal clock (gongkai.rules.deadlines) understands, same names.
CLOCK_EVENT_KINDS = frozenset(
    {
        "amendment_requested",
        "amendment_received",
        "extension_granted",
        "consultation_started",
        "consultation_answered",
        "fee_notice_sent",
        "fee_paid",
        "custom_due_date",
        "replied",
    }
)
# Events that need a written notice to the applicant or a third party (letters hook).
LETTER_EVENT_KINDS = frozenset(
    {
        "received",
        "amendment_requested",
        "extension_granted",
        "custom_due_date",
        "consultation_started",
        "fee_notice_sent",
        "replied",
    }
)


# ---------------------------------------------------------------------------- models


class TrackingCounter(models.Model):
    """Last tracking number issued per agency and year; locked with select_for_update."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="uniq_tracking_counter")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}:{self.year}:{self.last}"


class InfoRequest(models.Model):
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("受理机关"),
        on_delete=models.PROTECT,
        related_name="info_requests",
    )
    tracking_number = models.CharField(_("申请编号"), max_length=20)
    access_code_hash = models.CharField(max_length=64, editable=False)
    channel = models.CharField(_("申请方式"), max_length=16, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("提交时间"))
    applicant_type = models.CharField(
        _("申请人类型"), max_length=24, choices=ApplicantType.choices, db_index=True
    )
    # Art. 29¶2: the information asked for.
    description = models.TextField(_("所需政府信息的名称、文号或者便于查询的其他特征性描述"))
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    form_requested = models.CharField(
        _("获取信息的形式"), max_length=16, choices=FormRequested.choices
    )
    delivery = models.CharField(_("获取信息的方式"), max_length=16, choices=Delivery.choices)
    fee_waiver_requested = models.BooleanField(_("申请减免费用"), default=False)

    # ---- derived from events (services.recompute) ----
    received_on = models.DateField(_("收到申请之日"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.TO_CONFIRM, db_index=True
    )
    due_on = models.DateField(_("答复期限"), null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_info_requests",
    )
    outcome = models.CharField(
        _("办理结果"), max_length=40, choices=OUTCOME_CHOICES, null=True, blank=True
    )
    legal_basis = models.CharField(_("法律依据"), max_length=300, blank=True)
    reasons = models.TextField(_("理由"), blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True, db_index=True)
    closed_on = models.DateField(_("归档日期"), null=True, blank=True)
    clock_warnings = models.JSONField(default=list, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政府信息公开申请")
        verbose_name_plural = _("政府信息公开申请")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "tracking_number"], name="uniq_request_tracking_number"
            ),
            models.CheckConstraint(
                condition=models.Q(replied_on__isnull=True) | models.Q(outcome__isnull=False),
                name="replied_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_on"], name="ir_agency_status_due"),
            models.Index(fields=["agency", "received_on"], name="ir_agency_received"),
        ]

    def __str__(self) -> str:
        # Never the applicant's name: this string ends up in logs and admin histories.
        return f"{self.tracking_number}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status in PAUSED_STATUSES

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome or "", ""))

    @property
    def year(self) -> int:
        return int(self.tracking_number.split("-")[0])


class Applicant(models.Model):
    """The applicant's personal data — private: never on public pages, in logs or public exports."""

    request = models.OneToOneField(InfoRequest, on_delete=models.CASCADE, related_name="applicant")
    name = models.CharField(_("姓名或名称"), max_length=200)
    id_type = models.CharField(
        _("证件类型"), max_length=16, choices=IdType.choices, blank=True, default=""
    )
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人或负责人"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通信地址"), max_length=300, blank=True)
    postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("申请人")
        verbose_name_plural = _("申请人")

    def __str__(self) -> str:
        return f"申请人#{self.pk}"

    def __repr__(self) -> str:
        return f"<Applicant #{self.pk}>"


class AppendOnlyError(Exception):
    pass


class InfoRequestEvent(models.Model):
    """One action on a case. Append-only: rows are never changed or deleted."""

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices, db_index=True)
    on = models.DateField(_("日期"))  # the legal date of the act (may differ from created_at)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}:{self.on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("办理记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("办理记录只能追加，不能删除")

    @property
    def label(self) -> str:
        return self.get_kind_display()

    @property
    def amendment_items(self) -> str:
        """What a 补正 notice asks for (payload["items"]), "" for every other event.

        Read from the dict here: in a template ``payload.items`` falls back to ``dict.items``
        when the key is absent and prints "dict_items([...])"."""
        items = (self.payload or {}).get("items")
        return items if isinstance(items, str) else ""

    @property
    def outcome_label(self) -> str:
        """The outcome a reply recorded (payload["outcome"]), in the request's language."""
        return str(OUTCOME_LABELS.get((self.payload or {}).get("outcome") or "", ""))


# ---------------------------------------------------------------------------- files

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_EXTENSIONS = (
    "pdf",
    "ofd",
    "doc",
    "docx",
    "wps",
    "xls",
    "xlsx",
    "txt",
    "jpg",
    "jpeg",
    "png",
    "tif",
    "tiff",
    "zip",
)


def validate_upload(f) -> None:
    name = getattr(f, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”，允许：%(allowed)s"),
            params={"ext": ext or "无扩展名", "allowed": "、".join(ALLOWED_EXTENSIONS)},
            code="bad_file_type",
        )
    size = getattr(f, "size", 0) or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("文件过大（%(mb).1f MB），单个文件不得超过 %(max)d MB"),
            params={"mb": size / 1048576, "max": MAX_UPLOAD_BYTES // 1048576},
            code="file_too_large",
        )
    if size == 0:
        raise ValidationError(_("文件为空"), code="empty_file")


def _upload_to(instance, filename):
    return f"inforequests/{instance.request.agency_id}/{instance.request_id}/{filename}"


class Attachment(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("收到的材料")
        OUT = "out", _("发出的材料")

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        InfoRequestEvent, null=True, blank=True, on_delete=models.RESTRICT, related_name="files"
    )
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    file = models.FileField(_("文件"), upload_to=_upload_to, validators=[validate_upload])
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("材料")
        verbose_name_plural = _("材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


def _letter_upload_to(instance, filename):
    return f"inforequests/{instance.request.agency_id}/{instance.request_id}/letters/{filename}"


class LetterStatus(models.TextChoices):
    PENDING = "pending", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class Letter(models.Model):
    """A written notice or reply (告知书/答复书) generated for an event (filled by the letters code)."""

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="letters")
    event = models.ForeignKey(
        InfoRequestEvent, null=True, blank=True, on_delete=models.RESTRICT, related_name="letters"
    )
    kind = models.CharField(_("文书类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    number = models.CharField(_("文书编号"), max_length=60, blank=True)
    docx = models.FileField(_("DOCX"), upload_to=_letter_upload_to, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_letter_upload_to, blank=True)
    public = models.BooleanField(_("申请人可在查询页查看"), default=False)
    # The row is written with the action; the DOCX/PDF are rendered after the action's commit
    # (letters.py), so a slow or failing render never holds or undoes the recorded action.
    status = models.CharField(
        _("生成状态"), max_length=8, choices=LetterStatus.choices, default=LetterStatus.READY
    )
    error = models.CharField(_("生成失败原因"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("生成次数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.kind

    @property
    def stuck(self) -> bool:
        """Pending for longer than the worker should take (see letters.STUCK_AFTER)."""
        from .letters import is_stuck

        return is_stuck(self)

    @property
    def display_title(self) -> str:
        """The title in the request's language when it is the standard one of its kind (the
        document itself stays Chinese); a title set by hand is shown as written."""
        from .letters import KIND_TITLES

        if self.title and self.title == KIND_TITLES.get(self.kind):
            return gettext(self.title)
        return self.title or self.kind


class FeeNotice(models.Model):
    """信息处理费 notice (国办函〔2020〕109号; RULES.md F2–F7)."""

    class Method(models.TextChoices):
        PER_ITEM = "per_item", _("按件计收")
        PER_PAGE = "per_page", _("按量计收")

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="fee_notices")
    event = models.OneToOneField(
        InfoRequestEvent,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="fee_notice",
    )
    method = models.CharField(_("计收方式"), max_length=10, choices=Method.choices)
    count = models.PositiveIntegerField(_("件数"), default=0)
    count_in_month_before = models.PositiveIntegerField(_("本月此前已计件数"), default=0)
    pages = models.PositiveIntegerField(_("页数"), default=0)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    lines = models.JSONField(_("计算过程"), default=list, blank=True)
    sent_on = models.DateField(_("发出日期"))
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    payment_due_on = models.DateField(_("缴费期限"), null=True, blank=True)
    paid_on = models.DateField(_("缴费日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("收费通知")
        verbose_name_plural = _("收费通知")
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.amount}"


class Reminder(models.Model):
    """A reminder e-mail already sent; the unique constraint makes sending idempotent."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        OVERDUE = "overdue", _("已超期")

    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "kind", "due_on"], name="uniq_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}:{self.kind}:{self.due_on}"


class RateLimitCounter(models.Model):
    """Hits of one client in one fixed window of a portal/API rate limit
    (``public_services.rate_limited``). Kept in the database so the limit holds across all
    server processes and machines; ``key`` is a keyed hash, never the IP address itself."""

    scope = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    window_start = models.BigIntegerField()  # Unix seconds, a multiple of the window length
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="uniq_rate_limit_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.window_start}:{self.count}"
