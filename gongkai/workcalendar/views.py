from datetime import date

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from gongkai.agencies.permissions import Action, can

from .models import WorkdayOverride
from .services import calendar_for


@login_required
def index(request):
    region = request.agency.region_code if request.agency else ""
    cal = calendar_for(region)
    this_year = date.today().year
    years = [cal.year_summary(y) for y in range(this_year - 1, this_year + 2)]
    year = (
        int(request.GET.get("year", this_year))
        if request.GET.get("year", "").isdigit()
        else this_year
    )
    return render(
        request,
        "workcalendar/index.html",
        {
            "years": years,
            "year": year,
            "days": cal.holidays_and_makeups(year),
            "overrides": WorkdayOverride.objects.all()[:200],
            "can_manage": request.user.is_superuser
            or (request.agency is not None and can(request.user, Action.MANAGE, request.agency)),
        },
    )
