from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Appeal


class AppealForm(forms.ModelForm):
    request_number = forms.CharField(
        label=_("相关申请编号"),
        required=False,
        max_length=20,
        help_text=_("如案件涉及本机关受理的某件政府信息公开申请，请填写其申请编号。"),
    )

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        if self.instance.pk and self.instance.info_request_id:
            self.initial["request_number"] = self.instance.info_request.tracking_number

    def clean_request_number(self):
        from gongkai.inforequests.models import InfoRequest

        number = (self.cleaned_data.get("request_number") or "").strip()
        if not number:
            self.cleaned_data["info_request"] = None
            return ""
        req = InfoRequest.objects.filter(agency=self.agency, tracking_number=number).first()
        if req is None:
            raise forms.ValidationError(_("本机关没有编号为“%(n)s”的申请。") % {"n": number})
        self.cleaned_data["info_request"] = req
        return number

    class Meta:
        model = Appeal
        fields = [
            "kind",
            "case_number",
            "body",
            "subject",
            "filed_on",
            "decided_on",
            "result",
            "notes",
        ]
        widgets = {
            "filed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
