"""Portal forms (public, anonymous): the application (Art. 29), the tracking lookup and the
applicant's 补正 upload. They parse and check input with Chinese messages; the business rules
stay in ``services``. Bot protection lives here too:

* a signed, one-time form token (django.core.signing) carrying a nonce and an arithmetic
  question — the answer is checked against the signed numbers, the nonce is consumed once
  (``consume_token``) so a double click creates one case;
* a honeypot field hidden from people (``website``), which bots tend to fill.
"""

from __future__ import annotations

import re
import secrets

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongkai.rules.uscc import InvalidUSCC, validate_uscc

from .forms import MultipleFileField
from .models import ApplicantType, Delivery, FormRequested, IdType

TOKEN_SALT = "gongkai.inforequests.portal-form"
TOKEN_MAX_AGE = 2 * 3600  # seconds a form stays usable
MAX_FILES = 5
MAX_TOTAL_BYTES = 30 * 1024 * 1024

PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{5,19}$")
POSTCODE_RE = re.compile(r"^[0-9]{6}$")

# Magic numbers of the upload types whose content we can recognise cheaply; a file whose
# extension says PDF but whose bytes do not is refused (content sniffing by the client is off).
MAGIC = {
    "pdf": (b"%PDF",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "tif": (b"II*\x00", b"MM\x00*"),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}


def new_token(purpose: str, **extra) -> str:
    """A signed token with a fresh nonce and an arithmetic challenge (a + b)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    return signing.dumps(
        {"p": purpose, "n": secrets.token_urlsafe(12), "a": a, "b": b, **extra}, salt=TOKEN_SALT
    )


def read_token(token: str, purpose: str) -> dict | None:
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # includes SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("p") != purpose:
        return None
    return data


def consume_token(data: dict) -> bool:
    """True the first time a token's nonce is used (atomic ``cache.add``), False afterwards."""
    return cache.add(f"ir-token:{data['n']}", "used", TOKEN_MAX_AGE + 60)


def release_token(data: dict) -> None:
    """Give a nonce back when the submission it guarded was rejected (nothing was saved)."""
    cache.delete(f"ir-token:{data['n']}")


def question(data: dict | None) -> str:
    if not data:
        return ""
    return _("%(a)d 加 %(b)d 等于多少？") % {"a": data["a"], "b": data["b"]}


def check_upload_content(f) -> None:
    ext = (f.name.rsplit(".", 1)[-1] if "." in f.name else "").lower()
    sigs = MAGIC.get(ext)
    if not sigs:
        return
    pos = f.tell() if hasattr(f, "tell") else 0
    f.seek(0)
    head = f.read(8)
    f.seek(pos)
    if not any(head.startswith(s) for s in sigs):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名不符"), params={"name": f.name}, code="bad_content"
        )


class ProtectedForm(forms.Form):
    """Token + arithmetic challenge + honeypot."""

    token_purpose = "apply"

    token = forms.CharField(widget=forms.HiddenInput, required=False)
    answer = forms.IntegerField(
        label=_("验证问题"),
        error_messages={"required": _("请回答验证问题"), "invalid": _("请输入数字")},
        widget=forms.NumberInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    website = forms.CharField(
        label=_("请勿填写此项"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.token_data = None
        if not self.is_bound:
            self.fresh_token()

    def fresh_token(self):
        token = new_token(self.token_purpose)
        self.initial["token"] = token
        self.token_data = read_token(token, self.token_purpose)
        self.question = question(self.token_data)
        return token

    def clean(self):
        cleaned = super().clean()
        data = read_token(cleaned.get("token", ""), self.token_purpose)
        self.token_data = data
        if data is None:
            raise ValidationError(_("页面已过期，请重新填写后提交"), code="bad_token")
        if cleaned.get("website"):
            raise ValidationError(_("提交未通过校验，请重新填写"), code="honeypot")
        answer = cleaned.get("answer")
        if answer is not None and answer != data["a"] + data["b"]:
            self.add_error("answer", _("验证问题回答错误"))
        return cleaned


def _id_type_choices():
    return [("", _("请选择"))] + list(IdType.choices)


class ApplicationForm(ProtectedForm):
    """Art. 29¶2: who applies (name, proof of identity, contacts), what is wanted, in what form."""

    applicant_type = forms.ChoiceField(
        label=_("申请人类型"),
        choices=ApplicantType.choices,
        initial="natural",
        error_messages={"required": _("请选择申请人类型"), "invalid_choice": _("请选择申请人类型")},
    )
    name = forms.CharField(
        label=_("姓名或名称"),
        max_length=200,
        error_messages={"required": _("请填写申请人姓名或名称")},
    )
    id_type = forms.ChoiceField(label=_("身份证件类型"), choices=_id_type_choices, required=False)
    id_number = forms.CharField(label=_("身份证件号码"), max_length=40, required=False)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        required=False,
        help_text=_("法人或其他组织填写，18位"),
    )
    legal_representative = forms.CharField(
        label=_("法定代表人或负责人"), max_length=100, required=False
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    email = forms.EmailField(
        label=_("电子邮箱"),
        required=False,
        error_messages={"invalid": _("请输入有效的电子邮箱地址")},
        help_text=_("填写后，申请编号和查询码将同时发送到该邮箱"),
    )
    address = forms.CharField(label=_("通信地址"), max_length=300, required=False)
    postcode = forms.CharField(label=_("邮政编码"), max_length=6, required=False)
    description = forms.CharField(
        label=_("所需政府信息的名称、文号或者便于查询的其他特征性描述"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={
            "required": _("请描述所需的政府信息"),
            "max_length": _("信息描述不得超过%(limit_value)d字"),
        },
    )
    document_number = forms.CharField(label=_("文号（如知道）"), max_length=100, required=False)
    form_requested = forms.ChoiceField(
        label=_("获取信息的形式"),
        choices=FormRequested.choices,
        initial="electronic",
        error_messages={"required": _("请选择获取信息的形式")},
    )
    delivery = forms.ChoiceField(
        label=_("获取信息的方式"),
        choices=Delivery.choices,
        initial="online",
        error_messages={"required": _("请选择获取信息的方式")},
    )
    files = MultipleFileField(
        label=_("身份证明等材料（可多选）"),
        help_text=_("PDF、OFD、Word、Excel、图片或ZIP，单个文件不超过20MB，最多5个"),
    )

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

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE_RE.match(phone):
            raise ValidationError(_("请输入有效的电话号码"))
        return phone

    def clean_postcode(self):
        pc = self.cleaned_data.get("postcode", "").strip()
        if pc and not POSTCODE_RE.match(pc):
            raise ValidationError(_("邮政编码应为6位数字"))
        return pc

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if len(text) < 4:
            raise ValidationError(_("请具体描述所需政府信息（名称、文号或者便于查询的其他特征）"))
        return text

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > MAX_FILES:
            raise ValidationError(_("最多上传%(n)d个文件"), params={"n": MAX_FILES})
        if sum(getattr(f, "size", 0) or 0 for f in files) > MAX_TOTAL_BYTES:
            raise ValidationError(_("文件总大小不得超过30MB"))
        for f in files:
            check_upload_content(f)
        return files

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("applicant_type")
        if kind == "natural":
            if not cleaned.get("id_type"):
                self.add_error("id_type", _("请选择身份证件类型"))
            number = (cleaned.get("id_number") or "").strip().upper()
            if not number:
                self.add_error("id_number", _("请填写身份证件号码"))
            elif cleaned.get("id_type") == IdType.RESIDENT_ID:
                from stdnum.cn import ric

                if not ric.is_valid(number):
                    self.add_error("id_number", _("居民身份证号码无效，请核对"))
                else:
                    number = ric.compact(number)
            cleaned["id_number"] = number
            cleaned["uscc"] = ""
        elif kind:
            try:
                cleaned["uscc"] = validate_uscc(cleaned.get("uscc") or "")
            except InvalidUSCC as e:
                msg = str(e) if (cleaned.get("uscc") or "").strip() else None
                self.add_error("uscc", msg or _("法人或其他组织请填写统一社会信用代码"))
            if not cleaned.get("contact_name") and not cleaned.get("legal_representative"):
                self.add_error("contact_name", _("请填写联系人或法定代表人"))
        if not (cleaned.get("phone") or cleaned.get("email") or cleaned.get("address")):
            self.add_error("phone", _("请至少填写一种联系方式（电话、电子邮箱或通信地址）"))
        if cleaned.get("delivery") == Delivery.EMAIL and not cleaned.get("email"):
            self.add_error("email", _("选择电子邮件方式获取信息时请填写电子邮箱"))
        if cleaned.get("delivery") == Delivery.POST and not cleaned.get("address"):
            self.add_error("address", _("选择邮寄方式获取信息时请填写通信地址"))
        return cleaned

    def applicant_data(self) -> dict:
        d = self.cleaned_data
        data = {k: (d.get(k) or "") for k in self.APPLICANT_FIELDS}
        if d.get("applicant_type") != "natural":
            data["id_type"] = ""
            data["id_number"] = ""
        return data


class TrackForm(ProtectedForm):
    """Lookup by agency + tracking number + access code."""

    token_purpose = "track"

    agency = forms.TypedChoiceField(
        label=_("受理机关"),
        coerce=int,
        choices=(),
        error_messages={"required": _("请选择受理机关"), "invalid_choice": _("请选择受理机关")},
    )
    tracking_number = forms.CharField(
        label=_("申请编号"),
        max_length=20,
        error_messages={"required": _("请填写申请编号")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "2026-000001"}),
    )
    access_code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        error_messages={"required": _("请填写查询码")},
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("请选择"))] + [(a.pk, a.name) for a in agencies]

    def clean_tracking_number(self):
        return self.cleaned_data["tracking_number"].strip()


class AmendmentForm(ProtectedForm):
    """The applicant's 补正 (Art. 30) sent from the tracking page."""

    token_purpose = "amend"

    text = forms.CharField(
        label=_("补正内容"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        error_messages={"max_length": _("补正内容不得超过%(limit_value)d字")},
    )
    files = MultipleFileField(
        label=_("补正材料（可多选）"),
        help_text=_("PDF、OFD、Word、Excel、图片或ZIP，单个文件不超过20MB，最多5个"),
    )

    clean_files = ApplicationForm.clean_files

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text") or "").strip() and not cleaned.get("files"):
            self.add_error("text", _("请填写补正内容或上传补正材料"))
        return cleaned
