"""Staff forms. Each action form only parses input; the service validates the business rules."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Membership, Role

from .models import (
    OUTCOME_CHOICES,
    ApplicantType,
    Channel,
    Delivery,
    FeeNotice,
    FormRequested,
    IdType,
    Status,
    validate_upload,
)
from .services import CONSULTATION_KINDS, OUTCOME_BASIS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)


def _date_field(label, required=True, initial_today=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        initial=timezone.localdate if initial_today else None,
        error_messages={"invalid": _("请输入有效日期（年-月-日）"), "required": _("请填写日期")},
    )


MAX_FILES = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(d, initial) for d in data if d]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传%(n)d个文件") % {"n": MAX_FILES})
        for f in files:
            validate_upload(f)
        return files


def _files(label=_("材料（可多选）")):
    return MultipleFileField(
        label=label,
        help_text=_("PDF、OFD、Word、Excel、图片或ZIP，单个文件不超过20MB"),
    )


class ConfirmReceiptForm(forms.Form):
    on = _date_field(_("确认收到日期"))
    method = forms.ChoiceField(
        label=_("确认方式"),
        choices=[
            ("phone", _("电话确认")),
            ("email", _("电子邮件回执")),
            ("system", _("系统回执")),
            ("fax", _("传真双方确认")),
            ("other", _("其他")),
        ],
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=None, required=True)

    def __init__(self, *args, agency=None, **kw):
        super().__init__(*args, **kw)
        ids = Membership.objects.filter(
            agency=agency, role__in=[Role.CLERK, Role.REVIEWER, Role.HEAD]
        ).values("user_id")
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            pk__in=ids, is_active=True
        )


class AmendmentRequestForm(forms.Form):
    on = _date_field(_("补正通知日期"))
    items = forms.CharField(
        label=_("需要补正的事项（一次性告知）"), widget=forms.Textarea(attrs={"rows": 3})
    )
    respond_by = _date_field(_("补正期限"), required=False, initial_today=False)


class AmendmentReceivedForm(forms.Form):
    on = _date_field(_("收到补正日期"))
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)
    files = _files()


class ConsultationForm(forms.Form):
    on = _date_field(_("发函日期"))
    kind = forms.ChoiceField(label=_("征求对象"), choices=list(CONSULTATION_KINDS.items()))
    party = forms.CharField(label=_("被征求意见方名称"), max_length=200)
    reason = forms.CharField(label=_("征求意见事项"), required=False, max_length=1000)
    delivered_on = _date_field(_("送达日期（如已知）"), required=False, initial_today=False)


class ConsultationAnswerForm(forms.Form):
    on = _date_field(_("收到意见日期"))
    ref = forms.ChoiceField(label=_("征求意见"), required=False)
    opinion = forms.ChoiceField(
        label=_("意见"),
        choices=[("agree", _("同意公开")), ("object", _("不同意公开")), ("none", _("未明确表示"))],
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)
    files = _files()

    def __init__(self, *args, pending=(), **kw):
        super().__init__(*args, **kw)
        self.fields["ref"].choices = [
            (e.payload.get("ref"), f"{e.payload.get('party', '')}（{e.on:%Y-%m-%d}发函）")
            for e in pending
        ]


class ExtensionForm(forms.Form):
    on = _date_field(_("批准并告知日期"))
    workdays = forms.IntegerField(
        label=_("延长工作日数"),
        min_value=1,
        max_value=20,
        initial=20,
        error_messages={
            "max_value": _("延长期限最长不得超过20个工作日"),
            "min_value": _("延长期限至少1个工作日"),
        },
    )
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 2}))


class CustomDueDateForm(forms.Form):
    on = _date_field(_("确定并告知日期"))
    due_on = _date_field(_("另行确定的答复期限"), initial_today=False)
    reason = forms.CharField(
        label=_("理由（第三十五条）"), widget=forms.Textarea(attrs={"rows": 2})
    )


class FeeNoticeForm(forms.Form):
    on = _date_field(_("发出日期"))
    method = forms.ChoiceField(label=_("计收方式"), choices=FeeNotice.Method.choices)
    count = forms.IntegerField(label=_("本申请件数（按件）"), min_value=0, initial=0)
    pages = forms.IntegerField(label=_("页数（按量）"), min_value=0, initial=0)
    delivered_on = _date_field(_("送达日期（如已知）"), required=False, initial_today=False)


class PaymentForm(forms.Form):
    on = _date_field(_("缴费日期"))


def _grouped_outcomes():
    groups: dict[str, list] = {}
    names = {
        "withheld": _("（三）不予公开"),
        "unavailable": _("（四）无法提供"),
        "not_processed": _("（五）不予处理"),
        "other": _("（六）其他处理"),
    }
    flat = []
    for key, label in OUTCOME_CHOICES:
        g = key.split(".")[0]
        if g in names:
            groups.setdefault(names[g], []).append(
                (key, re.split(r"：|: ", str(label), maxsplit=1)[-1])
            )
        else:
            flat.append((key, label))
    return [("", _("— 请选择 —")), *flat, *groups.items()]


class ReplyForm(forms.Form):
    on = _date_field(_("答复日期"))
    outcome = forms.ChoiceField(label=_("办理结果（第三十六条）"), choices=_grouped_outcomes)
    legal_basis = forms.CharField(
        label=_("法律依据"),
        required=False,
        max_length=300,
        help_text=_("留空时按办理结果自动填写条例相应条款"),
    )
    reasons = forms.CharField(
        label=_("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予公开、部分公开、无法提供、不予处理须说明理由"),
    )
    files = _files(_("答复材料（可多选）"))

    basis_map = OUTCOME_BASIS


class CloseForm(forms.Form):
    on = _date_field(_("归档日期"))
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = _files()


class IntakeForm(forms.Form):
    """Staff entry of in-person, postal, fax, e-mail and oral applications (Art. 29)."""

    channel = forms.ChoiceField(
        label=_("申请方式"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE]
    )
    submitted_on = _date_field(_("提交（到达）日期"))
    received_on = _date_field(
        _("签收或确认收到日期"),
        required=False,
        initial_today=False,
    )
    applicant_type = forms.ChoiceField(label=_("申请人类型"), choices=ApplicantType.choices)
    name = forms.CharField(label=_("姓名或名称"), max_length=200)
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=[("", "—"), *IdType.choices], required=False
    )
    id_number = forms.CharField(label=_("证件号码"), max_length=40, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    legal_representative = forms.CharField(
        label=_("法定代表人或负责人"), max_length=100, required=False
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    postcode = forms.CharField(label=_("邮政编码"), max_length=6, required=False)
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者便于查询的其他特征性描述"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    document_number = forms.CharField(label=_("文号（如知道）"), max_length=100, required=False)
    form_requested = forms.ChoiceField(label=_("获取信息的形式"), choices=FormRequested.choices)
    delivery = forms.ChoiceField(label=_("获取信息的方式"), choices=Delivery.choices)
    fee_waiver_requested = forms.BooleanField(label=_("申请减免费用"), required=False)
    note = forms.CharField(label=_("登记说明"), required=False, max_length=1000)
    files = _files(_("申请材料扫描件（可多选）"))

    APPLICANT_FIELDS = (
        "name",
        "id_type",
        "id_number",
        "uscc",
        "legal_representative",
        "contact_name",
        "phone",
        "email",
        "address",
        "postcode",
    )


STATUS_FILTER_CHOICES = [("", _("全部")), *Status.choices, ("overdue", _("已超期"))]


class LedgerFilterForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("机关"), queryset=None, required=False)
    subtree = forms.BooleanField(label=_("含下级机关"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_FILTER_CHOICES, required=False)
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=[("", _("全部")), *OUTCOME_CHOICES], required=False
    )
    channel = forms.ChoiceField(
        label=_("申请方式"), choices=[("", _("全部")), *Channel.choices], required=False
    )
    applicant_type = forms.ChoiceField(
        label=_("申请人类型"), choices=[("", _("全部")), *ApplicantType.choices], required=False
    )
    received_from = _date_field(_("收到日期自"), required=False, initial_today=False)
    received_to = _date_field(_("至"), required=False, initial_today=False)
    replied_from = _date_field(_("答复日期自"), required=False, initial_today=False)
    replied_to = _date_field(_("至"), required=False, initial_today=False)
    q = forms.CharField(label=_("编号或内容"), required=False, max_length=100)

    def __init__(self, *args, agencies=None, **kw):
        super().__init__(*args, **kw)
        self.fields["agency"].queryset = agencies
