"""Portal pages and open data for published annual reports. Only published versions are
served; every download renders from the version's frozen snapshot."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from gongkai.agencies.models import Agency

from . import outputs
from .selectors import latest_versions, published_version
from .views import DOWNLOADS, _download


@require_GET
def index(request):
    page = Paginator(latest_versions(), 50).get_page(request.GET.get("page"))
    return render(request, "annualreports/public_index.html", {"page": page})


@require_GET
def agency(request, agency_id):
    a = get_object_or_404(Agency, pk=agency_id, is_active=True)
    return render(
        request,
        "annualreports/public_agency.html",
        {"agency": a, "versions": latest_versions(a.pk)},
    )


def _version(request, agency_id, year):
    number = request.GET.get("version")
    v = published_version(agency_id, year, int(number) if number and number.isdigit() else None)
    if v is None:
        raise Http404
    return v


@require_GET
def report(request, agency_id, year):
    v = _version(request, agency_id, year)
    doc = outputs.doc_from_version(v)
    ctx = outputs.body_context(doc)
    latest = published_version(agency_id, year)
    return render(
        request,
        "annualreports/public_report.html",
        {**ctx, "version": v, "is_latest": latest.pk == v.pk, "latest": latest},
    )


@require_GET
def download(request, agency_id, year, ext):
    if ext not in DOWNLOADS:
        raise Http404
    v = _version(request, agency_id, year)
    resp = _download(outputs.doc_from_version(v), ext, f"{agency_id}-{year}-v{v.number}")
    resp["Cache-Control"] = "public, max-age=300"
    if ext == "json":
        resp["Access-Control-Allow-Origin"] = "*"  # open data
    return resp
