"""Open data API for 主动公开 (published, publicly disclosed documents only)."""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema

from .models import PublicationKind, Validity
from .public_views import year_q
from .selectors import public_publications

router = Router(tags=["publications"])

MAX_LIMIT = 100


class PublicationOut(Schema):
    id: int
    title: str
    index_number: str
    document_number: str
    agency_id: int
    agency: str
    publisher: str
    column_id: int
    column: str
    issued_on: date | None
    published_at: datetime | None
    keywords: str
    kind: str
    validity: str
    url: str


class AttachmentOut(Schema):
    name: str
    size: int
    url: str


class PublicationDetailOut(PublicationOut):
    summary: str
    body_html: str
    attachments: list[AttachmentOut]
    interpretations: list[int]


class PageOut(Schema):
    total: int
    items: list[PublicationOut]


class HitOut(Schema):
    id: int
    title: str
    title_highlight: str
    snippet: str
    exact: bool
    url: str


class SearchOut(Schema):
    total: int
    total_exact: bool
    items: list[HitOut]


class ListFilters(Schema):
    agency: int | None = None
    column: int | None = None
    year: int | None = None
    kind: PublicationKind | None = None
    validity: Validity | None = None
    limit: int = 20
    offset: int = 0


def _out(p) -> dict:
    return {
        "id": p.pk,
        "title": p.title,
        "index_number": p.index_number,
        "document_number": p.document_number,
        "agency_id": p.agency_id,
        "agency": p.agency.name,
        "publisher": p.publisher.name,
        "column_id": p.column_id,
        "column": p.column.name,
        "issued_on": p.issued_on,
        "published_at": p.published_at,
        "keywords": p.keywords,
        "kind": p.kind,
        "validity": p.validity,
        "url": reverse("publications_public:document", args=[p.pk]),
    }


def _bounds(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_LIMIT)), max(0, offset)


@router.get("/", response=PageOut, summary="主动公开信息列表")
def list_publications(request, filters: Query[ListFilters]):
    qs = public_publications().select_related("agency", "publisher", "column")
    if filters.agency:
        qs = qs.filter(agency_id=filters.agency)
    if filters.column:
        qs = qs.filter(column_id=filters.column)
    if filters.year:
        qs = qs.filter(year_q(filters.year))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.validity:
        qs = qs.filter(validity=filters.validity)
    limit, offset = _bounds(filters.limit, filters.offset)
    qs = qs.order_by("-published_at", "-pk")
    return {"total": qs.count(), "items": [_out(p) for p in qs[offset : offset + limit]]}


@router.get("/search", response=SearchOut, summary="全文检索")
def search_publications(
    request,
    q: str,
    agency: int | None = None,
    column: int | None = None,
    year: int | None = None,
    limit: int = 10,
    offset: int = 0,
):
    from gongkai import search
    from gongkai.agencies.models import Agency

    limit, offset = _bounds(limit, offset)
    agency_ids = None
    if agency:
        a = Agency.objects.filter(pk=agency, is_active=True).first()
        agency_ids = [x.pk for x in a.subtree()] if a else []
    res = search.query(
        q[:100], agency_ids=agency_ids, column_id=column, year=year, limit=limit, offset=offset
    )
    public = set(
        public_publications().filter(pk__in=[h.id for h in res.hits]).values_list("pk", flat=True)
    )
    return {
        "total": res.total,
        "total_exact": res.total_exact,
        "items": [
            {
                "id": h.id,
                "title": h.title,
                "title_highlight": str(h.title_highlight),
                "snippet": str(h.snippet),
                "exact": h.exact,
                "url": reverse("publications_public:document", args=[h.id]),
            }
            for h in res.hits
            if h.id in public
        ],
    }


@router.get("/{int:pk}", response=PublicationDetailOut, summary="主动公开信息详情")
def publication_detail(request, pk: int):
    p = get_object_or_404(
        public_publications().select_related("agency", "publisher", "column"), pk=pk
    )
    public = public_publications()
    return {
        **_out(p),
        "summary": p.summary,
        "body_html": p.body,
        "attachments": [
            {
                "name": a.original_name,
                "size": a.size,
                "url": reverse("publications_public:attachment", args=[p.pk, a.pk]),
            }
            for a in p.attachments.all()
        ],
        "interpretations": list(
            p.interpretation_links.filter(interpretation__in=public).values_list(
                "interpretation_id", flat=True
            )
        ),
    }
