"""主动公开: the catalogue (columns), publications and their review trail.

Field names follow GLOSSARY.md and are a contract with the portal/search code; do not rename.

- A ``Catalogue`` (政府信息公开目录) is an agency's ``Column`` tree (RULES C2–C4, CONVENTIONS §4).
- A ``Publication`` (主动公开信息) carries the K1/CONVENTIONS §3 metadata; its ``index_number``
  never changes once issued (CONVENTIONS §1.1) and its ``published_at`` cannot be edited after
  publishing (a forged publication date is a single-veto item, CONVENTIONS §6.2).
- Writes go through ``services.py``; this module only guards the invariants that must hold
  whatever code path saves a row.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Agency


class ColumnKind(models.TextChoices):
    STATUTORY_ART20 = "statutory_art20", _("法定主动公开内容（第二十条）")
    STATUTORY_ART21 = "statutory_art21", _("法定主动公开内容（第二十一条）")
    GUIDE = "guide", _("政府信息公开指南")
    RULES = "rules", _("政府信息公开制度")
    ANNUAL_REPORT = "annual_report", _("政府信息公开年报")
    ON_REQUEST = "on_request", _("依申请公开")
    CUSTOM = "custom", _("自设栏目")


class Column(models.Model):
    """One column (栏目) of an agency's catalogue; ``parent`` builds the tree."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("机关"), on_delete=models.CASCADE, related_name="columns"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级栏目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("栏目名称"), max_length=100)
    # Stable per-agency key (statutory columns: "art20-01", "art21-03", "guide"…), used by
    # imports and by the portal's URLs.
    code = models.CharField(_("栏目代码"), max_length=40)
    kind = models.CharField(_("栏目类型"), max_length=20, choices=ColumnKind.choices)
    # Art. 20 item (1–15) or Art. 21 item (1–8) the column implements; null for others.
    item_number = models.PositiveSmallIntegerField(_("条款项号"), null=True, blank=True)
    # Expected update cycle (CONVENTIONS §6.2): 14 news, 183 notices/policy documents,
    # 365 plans; null = updated only when something changes (no staleness warning).
    update_cycle_days = models.PositiveIntegerField(_("更新周期（天）"), null=True, blank=True)
    position = models.PositiveIntegerField(_("排序"), default=0)
    description = models.TextField(_("栏目说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["agency_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "code"], name="uniq_column_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_statutory(self) -> bool:
        return self.kind != ColumnKind.CUSTOM

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.parent.agency_id != self.agency_id:
            raise ValidationError({"parent": _("上级栏目必须属于同一机关")})
        if self.kind == ColumnKind.STATUTORY_ART20 and self.item_number is not None:
            if not 1 <= self.item_number <= 15:
                raise ValidationError({"item_number": _("第二十条的项号应为1至15")})


class PrefixKind(models.TextChoices):
    ORG_CODE = "org_code", _("组织机构代码")
    USCC = "uscc", _("统一社会信用代码")
    CUSTOM = "custom", _("自定义前段码")


class IndexNumberSettings(models.Model):
    """An agency's 索引号 template (CONVENTIONS §1.3 platform rule); absent = national default
    ``组织机构代码/YYYY-NNNNN``."""

    agency = models.OneToOneField(
        Agency, on_delete=models.CASCADE, related_name="index_number_settings"
    )
    prefix_kind = models.CharField(
        _("前段码"), max_length=10, choices=PrefixKind.choices, default=PrefixKind.ORG_CODE
    )
    custom_prefix = models.CharField(_("自定义前段码"), max_length=40, blank=True)
    separator = models.CharField(
        _("分隔符"), max_length=1, choices=[("/", "/"), ("-", "-")], default="/"
    )
    year_format = models.CharField(
        _("年度格式"),
        max_length=6,
        choices=[("YYYY", "YYYY"), ("YYYYMM", "YYYYMM")],
        default="YYYY",
    )
    serial_width = models.PositiveSmallIntegerField(_("流水号位数"), default=5)

    class Meta:
        verbose_name = _("索引号规则")
        verbose_name_plural = _("索引号规则")

    def __str__(self) -> str:
        return f"{self.agency} · {self.prefix_kind}{self.separator}{self.year_format}"

    def template(self):
        from gongkai.rules.index_numbers import IndexNumberTemplate

        return IndexNumberTemplate(
            prefix_kind=self.prefix_kind,
            custom_prefix=self.custom_prefix,
            separator=self.separator,
            year_format=self.year_format,
            serial_width=self.serial_width,
        )


class IndexNumberCounter(models.Model):
    """Last serial issued per scope (``000014349/2018-``): a row locked with
    ``select_for_update`` so concurrent publishers never get the same number."""

    scope = models.CharField(max_length=80, unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.scope}{self.last_serial}"


class DisclosureMode(models.TextChoices):
    PROACTIVE = "proactive", _("主动公开")
    ON_REQUEST = "on_request", _("依申请公开")
    WITHHELD = "withheld", _("不予公开")
    REDACTED = "redacted", _("删减后公开")


class WithheldGround(models.TextChoices):
    """Arts. 14/15/16 (RULES B1–B7); keys match the report rows ``applications.withheld.*``."""

    STATE_SECRET = "state_secret", _("属于国家秘密（第十四条）")
    PROHIBITED_BY_LAW = "prohibited_by_law", _("其他法律行政法规禁止公开（第十四条）")
    SECURITY_STABILITY = "security_stability", _("危及“三安全一稳定”（第十四条）")
    THIRD_PARTY_RIGHTS = "third_party_rights", _("保护第三方合法权益（第十五条）")
    INTERNAL_AFFAIRS = "internal_affairs", _("属于三类内部事务信息（第十六条）")
    PROCESS_INFORMATION = "process_information", _("属于四类过程性信息（第十六条）")
    ENFORCEMENT_FILES = "enforcement_files", _("属于行政执法案卷（第十六条）")


class PublicationKind(models.TextChoices):
    REGULATION = "regulation", _("规章")
    NORMATIVE_DOCUMENT = "normative_document", _("行政规范性文件")
    OTHER = "other", _("其他")


class Validity(models.TextChoices):
    IN_FORCE = "in_force", _("现行有效")
    EXPIRED = "expired", _("失效")
    REPEALED = "repealed", _("废止")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    REVIEWED = "reviewed", _("已审核")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PublishedDateLocked(ValidationError):
    """Raised when anything tries to change ``published_at`` of a published record."""


class FormedDateLocked(ValidationError):
    """Raised when anything tries to change ``formed_on`` of a record published once: its Art. 26
    clock and late flag are history; a later change gets its own clock (``PublicationChange``)."""


def _formed_locked():
    return FormedDateLocked(
        _("首次发布后形成日期不能修改；信息变更请在更正时填写变更日期"), code="formed_on_locked"
    )


class PublicationQuerySet(models.QuerySet):
    """Refuses ``update()`` (and so ``bulk_update()``, which calls it) of ``published_at`` on
    rows that already have one: a forged publication date is a single-veto item (CONVENTIONS
    §6.2). Setting it on rows never published is allowed (that is publishing). Raw SQL and any
    other path are stopped by the database trigger of migration 0003 (``dblock.py``)."""

    def update(self, **kwargs):
        if "published_at" in kwargs and self.filter(published_at__isnull=False).exists():
            raise PublishedDateLocked(_("发布日期在发布后不能修改"), code="published_at_locked")
        if "formed_on" in kwargs and self.filter(published_at__isnull=False).exists():
            raise _formed_locked()
        return super().update(**kwargs)

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        # Checked before Django opens its transaction, so the refusal leaves the caller's
        # transaction usable (update() above would refuse as well, inside it).
        objs = list(objs)
        if "published_at" in fields or "formed_on" in fields:
            pks = [o.pk for o in objs if o.pk is not None]
            if self.model._default_manager.filter(pk__in=pks, published_at__isnull=False).exists():
                if "published_at" in fields:
                    raise PublishedDateLocked(
                        _("发布日期在发布后不能修改"), code="published_at_locked"
                    )
                raise _formed_locked()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    bulk_update.alters_data = True


class Publication(models.Model):
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("目录所属机关"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    column = models.ForeignKey(
        Column, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="publications"
    )
    publisher = models.ForeignKey(
        Agency,
        verbose_name=_("发布机构"),
        on_delete=models.PROTECT,
        related_name="published_publications",
    )
    title = models.CharField(_("名称"), max_length=300)
    # Unique, never changed (CONVENTIONS §1.1); issued at creation, imported numbers verbatim.
    index_number = models.CharField(_("索引号"), max_length=80, unique=True, editable=False)
    document_number = models.CharField(_("文号"), max_length=100, blank=True, db_index=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    # Art. 26: the 20-WD publication clock runs from the day the record is formed or changed.
    # Locked once the record is published (FormedDateLocked, dblock.py): a correction or a
    # republication is a change with its own clock, recorded as a ``PublicationChange``.
    formed_on = models.DateField(_("形成或者变更日期"))
    published_at = models.DateTimeField(_("发布日期"), null=True, blank=True, editable=False)
    summary = models.TextField(_("内容概述"), blank=True)
    keywords = models.CharField(_("主题词"), max_length=200, blank=True)
    topic = models.CharField(_("主题分类"), max_length=60, blank=True)
    genre = models.CharField(_("体裁"), max_length=30, blank=True)
    disclosure_mode = models.CharField(
        _("公开属性"),
        max_length=12,
        choices=DisclosureMode.choices,
        default=DisclosureMode.PROACTIVE,
    )
    withheld_ground = models.CharField(
        _("不予公开理由"), max_length=24, choices=WithheldGround.choices, blank=True
    )
    kind = models.CharField(
        _("文件类型"), max_length=20, choices=PublicationKind.choices, default="other"
    )
    validity = models.CharField(
        _("有效性"), max_length=10, choices=Validity.choices, default=Validity.IN_FORCE
    )
    validity_changed_on = models.DateField(_("有效性变更日期"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("被何文件替代"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    body = models.TextField(_("正文"), blank=True)  # sanitised HTML (nh3)
    body_text = models.TextField(blank=True, editable=False)  # plain text for search/privacy
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publication_due_on = models.DateField(_("应公开日期"), null=True, blank=True, db_index=True)
    is_late = models.BooleanField(_("逾期公开"), default=False, db_index=True)
    imported = models.BooleanField(_("历史导入"), default=False)
    change_note = models.TextField(_("最近更正说明"), blank=True)
    corrected_at = models.DateTimeField(_("最近更正时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回理由"), blank=True)
    # Set when a withdrawn record is published again after correction (``services.reopen``):
    # ``published_at`` keeps the first publication date, this one says when it came back.
    republished_at = models.DateTimeField(_("重新发布时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("主动公开信息")
        verbose_name_plural = _("主动公开信息")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status", "-published_at"], name="pub_agency_status"),
            models.Index(fields=["column", "status", "-published_at"], name="pub_column_status"),
            models.Index(fields=["kind", "validity"], name="pub_kind_validity"),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def from_db(cls, db, field_names, values):
        obj = super().from_db(db, field_names, values)
        # Remember the stored values the model itself must keep stable.
        # (__dict__, not getattr: a deferred field must not cost a query per row.)
        obj._loaded_published_at = obj.__dict__.get("published_at")
        obj._loaded_index_number = obj.__dict__.get("index_number")
        obj._loaded_formed_on = obj.__dict__.get("formed_on")
        return obj

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._loaded_published_at = self.__dict__.get("published_at")
        self._loaded_index_number = self.__dict__.get("index_number")
        self._loaded_formed_on = self.__dict__.get("formed_on")

    def save(self, *args, **kwargs) -> None:
        loaded = getattr(self, "_loaded_published_at", None)
        if loaded is not None and self.published_at != loaded:
            raise PublishedDateLocked(_("发布日期在发布后不能修改"), code="published_at_locked")
        loaded_formed = getattr(self, "_loaded_formed_on", None)  # None: deferred, not loaded
        if loaded is not None and loaded_formed is not None and self.formed_on != loaded_formed:
            raise _formed_locked()
        old_index = getattr(self, "_loaded_index_number", None)
        if old_index and self.index_number != old_index:
            raise ValidationError(_("索引号一经生成不能修改"), code="index_number_locked")
        super().save(*args, **kwargs)
        self._loaded_published_at = self.published_at
        self._loaded_index_number = self.index_number
        self._loaded_formed_on = self.formed_on

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        """Shown on the portal: published and proactively (or redacted-) disclosed."""
        return self.status == Status.PUBLISHED and self.disclosure_mode in (
            DisclosureMode.PROACTIVE,
            DisclosureMode.REDACTED,
        )


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is not the uploaded one: uploaded names may carry personal data.
    import uuid

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"publications/{instance.publication.agency_id}/{uuid.uuid4().hex}.{ext}"


class Attachment(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小"), default=0)
    content_type = models.CharField(_("类型"), max_length=100)
    extracted_text = models.TextField(blank=True, editable=False)
    # Set when the text could not be read (scanned image, encrypted PDF): a person must check it.
    extraction_error = models.CharField(max_length=300, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["publication_id", "position", "id"]

    def __str__(self) -> str:
        return self.original_name


class Interpretation(models.Model):
    """政策解读: ``interpretation`` explains ``policy`` (both are publications)."""

    policy = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="interpretation_links"
    )
    interpretation = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="explains_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("政策解读关联")
        verbose_name_plural = _("政策解读关联")
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "interpretation"], name="uniq_interpretation_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(policy=models.F("interpretation")),
                name="interpretation_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.interpretation_id} → {self.policy_id}"


class PublicationVersion(models.Model):
    """A snapshot of a publication's metadata and body after each change (version history)."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()  # metadata snapshot
    body = models.TextField(blank=True)
    change_note = models.TextField(_("变更说明"), blank=True)
    # True for corrections after publishing: their note is shown on the portal page.
    is_public_note = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["publication_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "number"], name="uniq_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.publication_id} v{self.number}"

    @property
    def display_note(self) -> str:
        """The change note in the request's language when the system wrote it (VERSION_NOTES);
        a note typed by staff (a correction's explanation) is shown as written."""
        return display_system_note(self.change_note)


# Change notes the system writes on a version (Chinese in the database; msgids for display).
VERSION_NOTES = {
    "create": gettext_noop("创建草稿"),
    "edit": gettext_noop("修改草稿"),
    "publish": gettext_noop("发布"),
    "withdraw": gettext_noop("撤回：%(reason)s"),
    "replace": gettext_noop("替换附件：%(name)s"),
    "mask": gettext_noop("遮盖个人信息（%(masked)s）"),
    # 有效性 changes (services.change_validity); the most specific first, the patterns are
    # tried in this order. %(validity)s is the Chinese label of Validity, translated on display.
    "validity_on_note": gettext_noop("有效性变更为“%(validity)s”（%(changed_on)s）：%(note)s"),
    "validity_note": gettext_noop("有效性变更为“%(validity)s”：%(note)s"),
    "validity_on": gettext_noop("有效性变更为“%(validity)s”（%(changed_on)s）"),
    "validity": gettext_noop("有效性变更为“%(validity)s”"),
}
# The same notes as shown in the history, with their own context: as a note "发布" reads
# "Published" and "修改草稿" "Draft edited", not the buttons' "Publish" and "Edit draft".
VERSION_NOTE_DISPLAY = {
    "create": pgettext_lazy("version note", "创建草稿"),
    "edit": pgettext_lazy("version note", "修改草稿"),
    "publish": pgettext_lazy("version note", "发布"),
    "withdraw": pgettext_lazy("version note", "撤回：%(reason)s"),
    "replace": pgettext_lazy("version note", "替换附件：%(name)s"),
    "mask": pgettext_lazy("version note", "遮盖个人信息（%(masked)s）"),
    "validity_on_note": pgettext_lazy(
        "version note", "有效性变更为“%(validity)s”（%(changed_on)s）：%(note)s"
    ),
    "validity_note": pgettext_lazy("version note", "有效性变更为“%(validity)s”：%(note)s"),
    "validity_on": pgettext_lazy("version note", "有效性变更为“%(validity)s”（%(changed_on)s）"),
    "validity": pgettext_lazy("version note", "有效性变更为“%(validity)s”"),
}
# Parts of a note that are labels (Chinese msgids) rather than text typed by staff.
_NOTE_LABEL_PARTS = {"validity"}
_VERSION_NOTE_PATTERNS = [
    (
        key,
        re.compile(
            "".join(
                (
                    f"(?P<{part[2:-2]}>[^“”（）：]*)"
                    if part[2:-2] in _NOTE_LABEL_PARTS
                    else f"(?P<{part[2:-2]}>.*?)"
                )
                if part.startswith("%(")
                else re.escape(part)
                for part in re.split(r"(%\(\w+\)s)", msgid)
                if part
            ),
            re.S,
        ),
    )
    for key, msgid in VERSION_NOTES.items()
]


def display_system_note(note: str) -> str:
    """A note the system wrote (VERSION_NOTES) in the request's language; others as written."""
    for key, pattern in _VERSION_NOTE_PATTERNS:
        m = pattern.fullmatch(note or "")
        if m:
            parts = {
                k: gettext(v) if k in _NOTE_LABEL_PARTS else v for k, v in m.groupdict().items()
            }
            return str(VERSION_NOTE_DISPLAY[key]) % parts
    return note


class ChangeKind(models.TextChoices):
    CORRECTION = "correction", _("更正")
    REPUBLICATION = "republication", _("撤回后更正重新发布")


class PublicationChange(models.Model):
    """A 变更 of information already published (Art. 26, RULES C8: publish within 20 working days
    of the day it was formed **or changed**): a correction, or a republication after withdrawal.

    Each change has its own clock: ``changed_on`` (the day the information changed, given by the
    head, not later than the day it is recorded) → ``due_on`` (+20 WD) → ``published_at`` (when
    the corrected version went public: at once for a correction, at republication for a
    withdrawn record). ``is_late`` is set like ``Publication.is_late`` (and refreshed by
    ``services.refresh_change_clock``). The original ``formed_on`` and its late flag stay as
    they were.
    """

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("变更类型"), max_length=16, choices=ChangeKind.choices)
    changed_on = models.DateField(_("变更日期"))
    due_on = models.DateField(_("应公开日期"), db_index=True)
    published_at = models.DateTimeField(_("变更后发布时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期公开"), default=False, db_index=True)
    change_note = models.TextField(_("变更说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["publication_id", "-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.kind} {self.changed_on}"


class ReviewStep(models.TextChoices):
    SUBMIT = "submit", _("提交审核")
    SECRECY_REVIEW = "secrecy_review", _("公开属性与保密审查")
    APPROVE = "approve", _("负责人批准")
    PUBLISH = "publish", _("发布")
    RETURN = "return", _("退回修改")
    WITHDRAW = "withdraw", _("撤回")
    CORRECT = "correct", _("更正")
    REOPEN = "reopen", _("撤回后更正重新发布")
    VALIDITY = "validity", _("有效性变更")


class Decision(models.TextChoices):
    PASS = "pass", _("通过")
    RETURN = "return", _("退回")
    DONE = "done", _("完成")


class ReviewRecord(models.Model):
    """The audit trail of the review mechanism (Art. 17, RULES A6)."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="review_records"
    )
    step = models.CharField(_("环节"), max_length=16, choices=ReviewStep.choices)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_on = models.DateField(_("日期"))
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices)
    disclosure_mode = models.CharField(
        _("公开属性"), max_length=12, choices=DisclosureMode.choices, blank=True
    )
    note = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["publication_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.publication_id} {self.step} {self.decision}"

    @property
    def display_note(self) -> str:
        """The note in the request's language where the system wrote it (a 有效性 change);
        reviewers' own words are shown as written."""
        return display_system_note(self.note)


class FindingState(models.TextChoices):
    OPEN = "open", _("待处理")
    MASKED = "masked", _("已遮盖")
    WAIVED = "waived", _("确认可公开")


class PrivacyFinding(models.Model):
    """Personal data found by ``gongkai.rules.privacy.scan`` (Art. 15) in the body or an
    attachment; publishing is blocked while any is ``open``."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="privacy_findings"
    )
    attachment = models.ForeignKey(
        Attachment, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    kind = models.CharField(_("类型"), max_length=16)  # privacy.Finding.kind or "unreadable"
    start = models.PositiveIntegerField(default=0)  # span in body_text / extracted_text
    end = models.PositiveIntegerField(default=0)
    # Only the masked form and a short masked context are stored: the finding list itself
    # must not become a second copy of the personal data.
    masked = models.CharField(_("遮盖后"), max_length=100, blank=True)
    context = models.CharField(_("上下文"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    confidence = models.CharField(max_length=4, default="high")
    state = models.CharField(
        _("处理状态"), max_length=8, choices=FindingState.choices, default=FindingState.OPEN
    )
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("理由"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐私检查发现")
        verbose_name_plural = _("隐私检查发现")
        ordering = ["publication_id", "attachment_id", "start", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.masked}"

    @property
    def is_open(self) -> bool:
        return self.state == FindingState.OPEN

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


class ImportBatch(models.Model):
    """One run of ``import_publications`` (command or upload page) and its per-row errors."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    filename = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{"row": n, "message": "..."}]
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.imported}/{self.total})"
