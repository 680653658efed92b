from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import Agency


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意区分大小写。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")


class AgencyContactForm(forms.ModelForm):
    """The disclosure office's contacts shown in the guide (Art. 12)."""

    website = forms.URLField(label=_("网站"), required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = [
            "short_name",
            "office_name",
            "office_address",
            "office_hours",
            "office_phone",
            "office_fax",
            "office_email",
            "office_postcode",
            "website",
        ]

    def clean_office_postcode(self):
        value = self.cleaned_data["office_postcode"].strip()
        if value and (len(value) != 6 or not value.isdigit()):
            raise forms.ValidationError(_("邮政编码应为6位数字。"))
        return value
