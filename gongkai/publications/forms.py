from django import forms
from django.utils.translation import gettext_lazy as _

from .files import ACCEPT
from .models import (
    Column,
    ColumnKind,
    DisclosureMode,
    IndexNumberSettings,
    Publication,
    Validity,
    WithheldGround,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicationForm(forms.ModelForm):
    """Draft editing. ``index_number`` and ``published_at`` are not fields: the system sets them."""

    class Meta:
        model = Publication
        fields = [
            "column",
            "title",
            "document_number",
            "issued_on",
            "formed_on",
            "kind",
            "validity",
            "validity_changed_on",
            "disclosure_mode",
            "withheld_ground",
            "summary",
            "keywords",
            "topic",
            "genre",
            "body",
        ]
        widgets = {
            "issued_on": DATE,
            "formed_on": DATE,
            "validity_changed_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }
        help_texts = {
            "formed_on": _("自该日起20个工作日内公开（《政府信息公开条例》第二十六条）"),
            "body": _("可使用简单的 HTML 标记（段落、标题、列表、表格、链接），其余标记会被清除"),
            "disclosure_mode": _("拟稿时提出，由审核人在保密审查时确定"),
            "document_number": _("如：青教〔2026〕3号；方括号、圆括号会自动改为六角括号"),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].queryset = Column.objects.filter(agency=agency, is_active=True)
        self.fields["column"].label_from_instance = lambda c: (
            f"— {c.name}" if c.parent_id else c.name
        )
        if "formed_on" in self.fields and self.instance.published_at is not None:
            # Published once (a draft reopened after withdrawal): the original date and its
            # Art. 26 clock are history; the change has its own date (PublicationChange).
            self.fields["formed_on"].disabled = True
            self.fields["formed_on"].help_text = _(
                "首次发布后不能修改；本次变更的日期在“更正后重新发布”时填写"
            )

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in self.Meta.fields}


class CorrectionForm(PublicationForm):
    """Correcting a published record. The original 形成日期 (``formed_on``) is not a field: it is
    locked after first publication; the correction records its own 变更日期 (Art. 26)."""

    changed_on = forms.DateField(
        label=_("变更日期"),
        widget=DATE,
        help_text=_(
            "信息变更之日；更正后的信息应自该日起20个工作日内公开（《政府信息公开条例》第二十六条）"
        ),
    )
    change_note = forms.CharField(
        label=_("更正说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("将在公开页面显示"),
    )

    class Meta(PublicationForm.Meta):
        fields = [
            f for f in PublicationForm.Meta.fields if f not in ("disclosure_mode", "formed_on")
        ]

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["changed_on"].initial = today
        self.fields["changed_on"].widget.attrs["max"] = today.isoformat()


class ReviewForm(forms.Form):
    disclosure_mode = forms.ChoiceField(label=_("公开属性"), choices=DisclosureMode.choices)
    withheld_ground = forms.ChoiceField(
        label=_("不予公开理由"), choices=[("", "—")] + list(WithheldGround.choices), required=False
    )
    secrecy_ok = forms.BooleanField(
        label=_("已进行保密审查，不涉及国家秘密和工作秘密"), required=False
    )
    note = forms.CharField(
        label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label=_("有效性"), choices=Validity.choices)
    changed_on = forms.DateField(label=_("变更日期"), widget=DATE, required=False)
    superseded_by = forms.CharField(
        label=_("替代文件索引号"), required=False, help_text=_("如有新文件替代本文件")
    )
    note = forms.CharField(label=_("说明"), required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("附件"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("PDF、DOCX、XLSX 不超过 20 MB，PNG、JPEG 图片不超过 5 MB"),
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("确认可以公开的理由"), max_length=500)


class InterpretationForm(forms.Form):
    index_number = forms.CharField(label=_("政策文件索引号"), max_length=80)


class ColumnForm(forms.ModelForm):
    class Meta:
        model = Column
        fields = [
            "name",
            "code",
            "parent",
            "update_cycle_days",
            "position",
            "description",
            "is_active",
        ]
        help_texts = {
            "update_cycle_days": _(
                "动态类14天，通知公告和政策文件类183天，规划计划类365天；留空表示不提示"
            ),
            "code": _("本机关内唯一，字母、数字和连字符"),
        }

    def __init__(self, *args, agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        qs = Column.objects.filter(agency=agency)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
            if self.instance.kind != ColumnKind.CUSTOM:
                # Statutory columns keep their code and place; name and cycle may change.
                for f in ("code", "parent"):
                    self.fields[f].disabled = True
        self.fields["parent"].queryset = qs
        self.fields["parent"].required = False

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node = parent
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("上级栏目不能是本栏目或其下级栏目"))
            node = node.parent
        return parent

    def clean_code(self):
        import re

        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-]*", code):
            raise forms.ValidationError(_("栏目代码只能由字母、数字和连字符组成"))
        clash = Column.objects.filter(agency=self.agency, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("本机关已有相同代码的栏目"))
        return code


class IndexNumberSettingsForm(forms.ModelForm):
    class Meta:
        model = IndexNumberSettings
        fields = ["prefix_kind", "custom_prefix", "separator", "year_format", "serial_width"]

    def clean(self):
        from gongkai.rules.index_numbers import IndexNumberError, IndexNumberTemplate

        data = super().clean()
        try:
            IndexNumberTemplate(
                prefix_kind=data.get("prefix_kind"),
                custom_prefix=data.get("custom_prefix") or "",
                separator=data.get("separator"),
                year_format=data.get("year_format"),
                serial_width=data.get("serial_width"),
            )
        except IndexNumberError as e:
            raise forms.ValidationError(e.message) from e
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json"}),
        help_text=_("CSV、XLSX 或 JSON；列名见下方说明"),
    )
