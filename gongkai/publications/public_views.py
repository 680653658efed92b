"""Portal pages for 主动公开 (Art. 24: the platform must support search, viewing and download).

Only ``selectors.public_publications()`` (published, proactively or redacted-disclosed) ever
reaches these pages, the feeds, the sitemap or the API. Pages carry a short public
Cache-Control so the nginx micro-cache (deploy/nginx/gongkai.conf) can serve them.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from gongkai.agencies.models import Agency

from .models import Column, Publication, PublicationKind, Validity
from .selectors import public_publications, search_agency_groups

PAGE_SIZE = 20
PUBLIC_CACHE = cache_control(public=True, max_age=60)


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 10**12 else None


def year_q(year: int) -> Q:
    """The year a document is filed under: 成文日期, else its publication date (same rule as
    gongkai.search.hooks.publication_year)."""
    return Q(issued_on__year=year) | Q(issued_on__isnull=True, published_at__year=year)


def _column_tree(columns, counts):
    by_parent: dict = {}
    for c in columns:
        by_parent.setdefault(c.parent_id, []).append(c)
    ids = {c.pk for c in columns}

    def build(c):
        kids = [build(k) for k in by_parent.get(c.pk, [])]
        total = counts.get(c.pk, 0) + sum(k["total"] for k in kids)
        return {"column": c, "count": counts.get(c.pk, 0), "total": total, "children": kids}

    return [build(c) for c in columns if c.parent_id is None or c.parent_id not in ids]


def _years(qs) -> list[int]:
    """Years that have documents (same rule as year_q), computed by the database."""
    issued = qs.filter(issued_on__isnull=False).dates("issued_on", "year")
    published = qs.filter(issued_on__isnull=True).datetimes("published_at", "year")
    return sorted({d.year for d in issued} | {d.year for d in published}, reverse=True)


def _filtered(request, qs):
    """Apply the list filters from the query string; returns (qs, chosen filters)."""
    chosen = {
        "column": _int(request.GET.get("column")),
        "year": _int(request.GET.get("year")),
        "kind": request.GET.get("kind") if request.GET.get("kind") in PublicationKind else "",
        "validity": (
            request.GET.get("validity") if request.GET.get("validity") in Validity else ""
        ),
    }
    if chosen["column"]:
        # A column shows its own documents and those of its sub-columns.
        col_ids = [chosen["column"]]
        frontier = col_ids[:]
        while frontier:
            frontier = list(
                Column.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            col_ids += frontier
        qs = qs.filter(column_id__in=col_ids)
    if chosen["year"]:
        qs = qs.filter(year_q(chosen["year"]))
    if chosen["kind"]:
        qs = qs.filter(kind=chosen["kind"])
    if chosen["validity"]:
        qs = qs.filter(validity=chosen["validity"])
    return qs, chosen


@require_GET
@PUBLIC_CACHE
def catalogue(request, agency_id):
    """政府信息公开目录 of one agency (Art. 12): the column tree and the filtered list."""
    agency = get_object_or_404(Agency, pk=agency_id, is_active=True)
    base = public_publications().filter(agency=agency)
    columns = list(Column.objects.filter(agency=agency, is_active=True).order_by("position", "pk"))
    counts = dict(
        base.values_list("column_id").annotate(n=Count("id")).values_list("column_id", "n")
    )
    qs, chosen = _filtered(request, base)
    qs = qs.select_related("column", "publisher").order_by("-published_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    current = next((c for c in columns if c.pk == chosen["column"]), None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publications/portal/catalogue.html",
        {
            "agency": agency,
            "tree": _column_tree(columns, counts),
            "columns": columns,
            "current": current,
            "page": page,
            "chosen": chosen,
            "years": _years(base),
            "kinds": PublicationKind.choices,
            "validities": Validity.choices,
            "query": query.urlencode(),
        },
    )


def _public_or_404(pk) -> Publication:
    return get_object_or_404(
        public_publications().select_related("agency", "column", "publisher", "superseded_by"),
        pk=pk,
    )


# Rendered document pages are kept this long (seconds) in the Django cache. Local-memory
# caches are per process, so a change reaches other processes within this bound (the same
# order as the nginx micro-cache); saves delete the entry at once in a shared cache (Redis).
PAGE_TTL = 10
_CSRF_SLOT = "gongkai-csrf-slot-6f1c0b"


def page_cache_key(pk: int, language: str) -> str:
    return f"publications:portal:document:{pk}:{language}"


def _cached_page(request, key: str, render_page):
    """Serve an anonymous GET from the cache: the page is rendered once with a placeholder
    for the CSRF token (the language form needs one) and the visitor's own token is put in on
    the way out, so the cookie and the form always match."""
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    cacheable = (
        not request.GET and not request.user.is_authenticated and "messages" not in request.COOKIES
    )
    if not cacheable:
        return render_page({})
    html = cache.get(key)
    if html is None:
        resp = render_page({"csrf_token": _CSRF_SLOT})
        if resp.status_code != 200:
            return resp
        html = resp.content.decode()
        cache.set(key, html, PAGE_TTL)
    return HttpResponse(html.replace(_CSRF_SLOT, get_token(request)))


@require_GET
@PUBLIC_CACHE
def document(request, pk):
    from django.utils.translation import get_language

    return _cached_page(
        request, page_cache_key(pk, get_language()), lambda extra: _document(request, pk, extra)
    )


def _document(request, pk, extra):
    pub = _public_or_404(pk)
    public_ids = public_publications()
    interpretations = [
        link.interpretation
        for link in pub.interpretation_links.select_related("interpretation").filter(
            interpretation__in=public_ids
        )
    ]
    explains = [
        link.policy
        for link in pub.explains_links.select_related("policy").filter(policy__in=public_ids)
    ]
    superseded_by = (
        pub.superseded_by
        if pub.superseded_by_id and public_ids.filter(pk=pub.superseded_by_id).exists()
        else None
    )
    return render(
        request,
        "publications/portal/document.html",
        {
            "pub": pub,
            "attachments": list(pub.attachments.all()),
            "interpretations": interpretations,
            "explains": explains,
            "superseded_by": superseded_by,
            "show_validity": pub.kind != PublicationKind.OTHER,
            **extra,
        },
    )


@require_GET
def attachment(request, pk, attachment_pk):
    """Download (Art. 24). The stored file name is never shown; the cleaned original is."""
    pub = _public_or_404(pk)
    att = get_object_or_404(pub.attachments, pk=attachment_pk)
    try:
        fh = att.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("附件文件不存在")) from exc
    resp = FileResponse(fh, as_attachment=True, filename=att.original_name)
    resp["Cache-Control"] = "public, max-age=300"
    return resp


@require_GET
def search(request):
    from gongkai import search as engine

    q = (request.GET.get("q") or "").strip()[:100]
    agency = None
    agency_id = _int(request.GET.get("agency"))
    if agency_id:
        agency = Agency.objects.filter(pk=agency_id, is_active=True).first()
    year = _int(request.GET.get("year"))
    column_id = _int(request.GET.get("column"))
    page_no = _int(request.GET.get("page")) or 1
    results = None
    hits = []
    if q:
        agency_ids = [a.pk for a in agency.subtree()] if agency else None
        offset = (page_no - 1) * 10
        results = engine.query(
            q, agency_ids=agency_ids, column_id=column_id, year=year, limit=10, offset=offset
        )
        # The index holds public documents only; re-check against the database anyway, so a
        # withdrawal is never shown even before its index update runs.
        found = public_publications().filter(pk__in=[h.id for h in results.hits])
        by_id = {p.pk: p for p in found.select_related("agency", "column", "publisher")}
        hits = [(h, by_id[h.id]) for h in results.hits if h.id in by_id]
    query = request.GET.copy()
    query.pop("page", None)
    total = results.total if results else 0
    last_page = max(1, (total + 9) // 10)
    return render(
        request,
        "publications/portal/search.html",
        {
            "q": q,
            "results": results,
            "hits": hits,
            "agency": agency,
            "agency_groups": search_agency_groups(agency),
            "year": year,
            "years": list(range(timezone.localdate().year, 2007, -1)),
            "page_no": page_no,
            "has_prev": page_no > 1,
            "has_next": page_no < last_page,
            "last_page": last_page,
            "query": query.urlencode(),
        },
    )


class ColumnFeed(Feed):
    """Atom feed of a column's newest public documents (sub-columns included)."""

    feed_type = Atom1Feed

    def get_object(self, request, agency_id, column_id):
        return get_object_or_404(
            Column.objects.select_related("agency"),
            pk=column_id,
            agency_id=agency_id,
            is_active=True,
            agency__is_active=True,
        )

    def title(self, obj):
        return f"{obj.agency.name} · {obj.name}"

    def subtitle(self, obj):
        return _("政府信息公开目录更新")

    def link(self, obj):
        return reverse("publications_public:catalogue", args=[obj.agency_id]) + f"?column={obj.pk}"

    def items(self, obj):
        ids = [obj.pk]
        frontier = ids[:]
        while frontier:
            frontier = list(
                Column.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            )
            ids += frontier
        return (
            public_publications()
            .filter(column_id__in=ids)
            .select_related("publisher")
            .order_by("-published_at", "-pk")[:50]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [item.index_number, item.document_number, item.summary]
        return " · ".join(p for p in parts if p)

    def item_link(self, item):
        return reverse("publications_public:document", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.corrected_at or item.published_at

    def item_author_name(self, item):
        return item.publisher.name


column_feed = ColumnFeed()


class PublicationSitemap(Sitemap):
    """Every public document; Django splits it into pages of 50,000 behind the index."""

    changefreq = "monthly"
    limit = 50_000

    def items(self):
        return public_publications().only("pk", "published_at", "corrected_at").order_by("pk")

    def location(self, item):
        return reverse("publications_public:document", args=[item.pk])

    def lastmod(self, item):
        return item.corrected_at or item.published_at


class CatalogueSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Agency.objects.filter(is_active=True).order_by("pk").only("pk")

    def location(self, item):
        return reverse("publications_public:catalogue", args=[item.pk])


SITEMAPS = {"catalogues": CatalogueSitemap, "documents": PublicationSitemap}
