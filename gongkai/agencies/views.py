from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import AgencyContactForm, LoginForm
from .middleware import SESSION_KEY
from .models import Agency, Membership
from .permissions import Action, agencies_for, can, roles_on, staff_agencies


class LoginView(auth_views.LoginView):
    template_name = "agencies/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


@login_required
def dashboard(request):
    agency = request.agency
    if agency is None:
        return render(request, "agencies/no_agency.html", status=403)
    widgets = []
    # Each bounded context may contribute a dashboard summary (gongkai.<app>.selectors.dashboard).
    from importlib import import_module

    for app in ("inforequests", "publications", "appeals", "annualreports", "supervision"):
        try:
            mod = import_module(f"gongkai.{app}.selectors")
        except ImportError:
            continue
        fn = getattr(mod, "dashboard_widget", None)
        if fn:
            widget = fn(request.user, agency)
            if widget:
                widgets.append(widget)
    subtree_count = None
    if can(request.user, Action.SUPERVISE, agency):
        subtree_count = agency.subtree(include_self=False).count()
    return render(
        request,
        "agencies/dashboard.html",
        {
            "agency": agency,
            "roles": [
                m.get_role_display()
                for m in Membership.objects.filter(user=request.user, agency=agency)
            ],
            "role_keys": roles_on(request.user, agency),
            "widgets": widgets,
            "subtree_count": subtree_count,
        },
    )


@login_required
@require_POST
def switch_agency(request):
    agency_id = request.POST.get("agency")
    agency = staff_agencies(request.user).filter(pk=agency_id).first() if agency_id else None
    if agency is None:
        messages.error(request, _("您不在该机关任职，无法切换。"))
    else:
        request.session[SESSION_KEY] = agency.pk
        messages.success(request, _("已切换到：%(name)s") % {"name": agency.name})
    nxt = request.POST.get("next") or "/staff/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/staff/"
    return redirect(nxt)


@login_required
def agency_settings(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    if not can(request.user, Action.MANAGE, agency):
        raise PermissionDenied
    form = AgencyContactForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。公开指南已随之更新。"))
        return redirect("agencies:settings", pk=agency.pk)
    return render(request, "agencies/settings.html", {"agency": agency, "form": form})


@login_required
def subtree(request):
    agency = request.agency
    if agency is None or not can(request.user, Action.SUPERVISE, agency):
        raise PermissionDenied
    rows = agencies_for(request.user, Action.VIEW).filter(path__startswith=agency.path)
    return render(request, "agencies/subtree.html", {"agency": agency, "rows": rows})
