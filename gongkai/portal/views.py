"""Public pages. Nothing here may show applicants' personal data."""

from django.shortcuts import get_object_or_404, render

from gongkai.agencies.models import Agency


def _tree(agencies):
    by_parent: dict = {}
    for a in agencies:
        by_parent.setdefault(a.parent_id, []).append(a)
    roots = [
        a for a in agencies if a.parent_id is None or a.parent_id not in {x.pk for x in agencies}
    ]

    def build(node):
        return {"agency": node, "children": [build(c) for c in by_parent.get(node.pk, [])]}

    return [build(r) for r in roots]


HOME_LATEST = 8


def home(request):
    from gongkai.publications.selectors import public_publications

    agencies = list(Agency.objects.filter(is_active=True).order_by("path"))
    latest = (
        public_publications()
        .select_related("publisher")
        .order_by("-published_at", "-pk")[:HOME_LATEST]
    )
    return render(
        request,
        "portal/home.html",
        {"tree": _tree(agencies), "count": len(agencies), "latest": latest},
    )


def agency_list(request):
    agencies = list(Agency.objects.filter(is_active=True).order_by("path"))
    return render(request, "portal/agency_list.html", {"tree": _tree(agencies)})


def agency_detail(request, pk):
    agency = get_object_or_404(Agency, pk=pk, is_active=True)
    return render(request, "portal/agency_detail.html", {"agency": agency})


def guide(request, pk):
    """政府信息公开指南 (Art. 12), generated from the agency's data so it is never stale."""
    agency = get_object_or_404(Agency, pk=pk, is_active=True)
    return render(request, "portal/guide.html", {"agency": agency})
