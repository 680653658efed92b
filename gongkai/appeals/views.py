from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gongkai.agencies.permissions import Action, can

from . import services
from .forms import AppealForm
from .models import Appeal, AppealKind
from .selectors import COUNTING_RULE


def _agency(request):
    agency = request.agency
    if agency is None or not can(request.user, Action.VIEW, agency):
        raise PermissionDenied
    return agency


@login_required
def index(request):
    agency = _agency(request)
    qs = Appeal.objects.filter(agency=agency).select_related("info_request")
    year = request.GET.get("year", "")
    kind = request.GET.get("kind", "")
    if year.isdigit():
        qs = qs.filter(filed_on__year=int(year))
    if kind in AppealKind.values:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "appeals/index.html",
        {
            "agency": agency,
            "page": page,
            "kinds": AppealKind.choices,
            "year": year,
            "kind": kind,
            "can_edit": can(request.user, Action.EDIT, agency),
            "counting_rule": COUNTING_RULE,
        },
    )


@login_required
def create(request):
    agency = _agency(request)
    if not can(request.user, Action.EDIT, agency):
        raise PermissionDenied
    form = AppealForm(request.POST or None, agency=agency)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "request_number"}
        services.record_appeal(request.user, agency, **data)
        messages.success(request, _("已登记。"))
        return redirect("appeals:index")
    return render(request, "appeals/form.html", {"form": form, "agency": agency, "appeal": None})


@login_required
def edit(request, pk):
    appeal = get_object_or_404(Appeal, pk=pk)
    if not can(request.user, Action.EDIT, appeal):
        raise PermissionDenied
    form = AppealForm(
        request.POST or None, instance=Appeal.objects.get(pk=pk), agency=appeal.agency
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "request_number"}
        services.update_appeal(request.user, appeal, **data)
        messages.success(request, _("已保存。"))
        return redirect("appeals:index")
    return render(
        request, "appeals/form.html", {"form": form, "agency": appeal.agency, "appeal": appeal}
    )
