"""Open data for published annual reports, mounted at /api/reports/.

- ``GET /api/reports/``: every published report (latest version): agency, year, version, URLs.
- ``GET /api/reports/{agency_id}/{year}``: one report's cells keyed as in GLOSSARY.md (the same
  record as /reports/<agency_id>/<year>.json); ``?version=N`` for an earlier version.
Only published versions are served; nothing personal is in them.
"""

from __future__ import annotations

from django.http import Http404
from ninja import Router

from . import outputs
from .selectors import latest_versions, published_version

router = Router(tags=["annualreports"])


@router.get("/", summary="已发布的年度报告列表")
def list_reports(request, agency_id: int | None = None):
    return [
        {
            "agency_id": v.report.agency_id,
            "agency": v.report.agency.name,
            "year": v.report.year,
            "format": v.report.format,
            "version": v.number,
            "published_at": v.published_at.isoformat(),
            "json_url": f"/reports/{v.report.agency_id}/{v.report.year}.json",
            "page_url": f"/reports/{v.report.agency_id}/{v.report.year}/",
        }
        for v in latest_versions(agency_id)
    ]


@router.get("/{agency_id}/{year}", summary="一份年度报告的各项数字（按单元格键）")
def get_report(request, agency_id: int, year: int, version: int | None = None):
    v = published_version(agency_id, year, version)
    if v is None:
        raise Http404("没有已发布的年度报告")
    return outputs.doc_from_version(v).as_json()
