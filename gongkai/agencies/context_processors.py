from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .permissions import staff_agencies

# The staff navigation: each bounded context's index view, shown once it exists.
STAFF_NAV = [
    ("agencies:dashboard", _("工作台")),
    ("publications:index", _("主动公开")),
    ("inforequests:index", _("依申请公开")),
    ("appeals:index", _("复议诉讼")),
    ("annualreports:index", _("年度报告")),
    ("supervision:checker", _("年报体检")),
    ("supervision:index", _("监督")),
    ("workcalendar:index", _("工作日历")),
]


def _nav(request):
    items = []
    for name, label in STAFF_NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "url": url,
                "label": label,
                "active": request.path.startswith(url)
                and (url != "/staff/" or request.path == url),
            }
        )
    return items


def current_agency(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    if not request.path.startswith("/staff/"):
        return {"current_agency": getattr(request, "agency", None)}
    return {
        "current_agency": request.agency,
        "my_agencies": staff_agencies(request.user),
        "staff_nav": _nav(request),
    }
