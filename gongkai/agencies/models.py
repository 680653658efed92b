"""The agency tree and who works where.

An agency is any organ that discloses information (a government, one of its departments, a
派出机构 or a 法律法规授权组织). Subtree queries use a materialised path so that a
supervisor's view of thousands of subordinate agencies is one indexed ``LIKE 'prefix%'``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from gongkai.rules.uscc import InvalidUSCC, org_code_from_uscc, validate_uscc


class Level(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class Kind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")
    DISPATCHED = "dispatched", _("派出机构")
    AUTHORISED = "authorised", _("法律法规授权组织")


class Role(models.TextChoices):
    CLERK = "clerk", _("信息员")
    REVIEWER = "reviewer", _("审核人")
    HEAD = "head", _("负责人")
    SUPERVISOR = "supervisor", _("公开办（监督）")
    ADMIN = "admin", _("管理员")


def _validate_uscc_field(value: str) -> None:
    try:
        validate_uscc(value)
    except InvalidUSCC as exc:
        raise ValidationError(str(exc), code="invalid_uscc") from exc


class Agency(models.Model):
    name = models.CharField(_("机关全称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[_validate_uscc_field]
    )
    org_code = models.CharField(_("组织机构代码"), max_length=9, editable=False, db_index=True)
    region_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        blank=True,
        help_text=_("用于民族自治地方的地方性节假日"),
    )
    # Art. 12: the guide must give the disclosure office's name and contacts.
    office_name = models.CharField(_("政府信息公开工作机构"), max_length=200, blank=True)
    office_address = models.CharField(_("办公地址"), max_length=300, blank=True)
    office_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    office_phone = models.CharField(_("联系电话"), max_length=60, blank=True)
    office_fax = models.CharField(_("传真"), max_length=60, blank=True)
    office_email = models.EmailField(_("电子邮箱"), blank=True)
    office_postcode = models.CharField(_("邮政编码"), max_length=6, blank=True)
    website = models.URLField(_("网站"), blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("机关")
        verbose_name_plural = _("机关")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def clean(self) -> None:
        super().clean()
        if self.parent_id and self.pk:
            node = self.parent
            while node is not None:
                if node.pk == self.pk:
                    raise ValidationError({"parent": _("上级机关不能是本机关或其下级机关")})
                node = node.parent

    def save(self, *args, **kwargs) -> None:
        self.uscc = validate_uscc(self.uscc)
        self.org_code = org_code_from_uscc(self.uscc)
        old_path = self.path
        with transaction.atomic():
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else "/"
            new_path = f"{parent_path}{self.pk}/"
            if new_path != old_path:
                self.path = new_path
                self.depth = new_path.count("/") - 2
                Agency.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
                if old_path:
                    # Re-root the subtree after a move.
                    for child in Agency.objects.filter(path__startswith=old_path).exclude(
                        pk=self.pk
                    ):
                        child.path = new_path + child.path[len(old_path) :]
                        child.depth = child.path.count("/") - 2
                        Agency.objects.filter(pk=child.pk).update(
                            path=child.path, depth=child.depth
                        )

    def subtree(self, include_self: bool = True) -> models.QuerySet:
        qs = Agency.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestors(self, include_self: bool = False) -> models.QuerySet:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        if not include_self:
            ids = ids[:-1]
        return Agency.objects.filter(pk__in=ids).order_by("depth")

    def is_in_subtree_of(self, other: "Agency") -> bool:
        return self.path.startswith(other.path)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="uniq_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.agency} · {self.get_role_display()}"
