from django import forms
from django.utils.translation import gettext_lazy as _

from gongkai.agencies.models import Level

from .models import Category

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FilterForm(forms.Form):
    level = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("", _("全部层级")), *Level.choices]
    )
    problems = forms.BooleanField(label=_("只看存在问题的机关"), required=False)


class ProblemListForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    due_on = forms.DateField(label=_("整改期限"), widget=DATE)


class ProblemItemForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=Category.choices)
    description = forms.CharField(
        label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_url = forms.CharField(label=_("佐证链接"), required=False, max_length=500)


ProblemItemFormSet = forms.formset_factory(ProblemItemForm, extra=2, max_num=200)


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    rectified_on = forms.DateField(label=_("整改日期"), required=False, widget=DATE)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("验收意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".txt,.html,.htm,.docx,.pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("年度报告文件"), required=False)
