"""The one place that knows the publications app: what is public, how a Publication becomes a
SearchDoc, and the signals that keep the index in step.

Index updates run after the transaction commits (a rolled-back publish never reaches the
index); saves in one transaction are batched into one update, and big batches go to the
``reindex`` background task.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from .types import SearchDoc

log = logging.getLogger(__name__)

# Above this many changed documents in one transaction, index in the background.
INLINE_LIMIT = 200

_local = threading.local()


def publication_model():
    try:
        return apps.get_model("publications", "Publication")
    except LookupError:
        return None


def public_q() -> Q:
    """Publications the public may see: published and proactively disclosed (or redacted);
    the same rule as gongkai.publications.selectors.public_publications."""
    return Q(status="published", disclosure_mode__in=["proactive", "redacted"])


def public_publications():
    from gongkai.publications.selectors import public_publications

    return public_publications()


def publication_year(p) -> int | None:
    """The year a document is filed under: 成文日期, else the (local) publication date."""
    if getattr(p, "issued_on", None):
        return p.issued_on.year
    if p.published_at:
        return timezone.localtime(p.published_at).year
    return None


def to_doc(p) -> SearchDoc:
    published: datetime | None = p.published_at
    return SearchDoc(
        id=p.pk,
        agency_id=p.agency_id,
        column_id=p.column_id,
        year=publication_year(p),
        title=p.title,
        # Attachments are searched too (their text was extracted on upload): the policy itself
        # is often the attached PDF.
        body_text="\n".join(
            x
            for x in (
                p.summary,
                p.keywords,
                p.body_text,
                *(a.extracted_text for a in p.attachments.all()),
            )
            if x
        ),
        index_number=p.index_number or "",
        document_number=p.document_number or "",
        published_at=published,
    )


def sync(ids) -> int:
    """Index the public ones among ``ids``, remove the rest. Returns how many are public."""
    from . import index_documents, remove

    ids = {int(i) for i in ids}
    if not ids:
        return 0
    public = list(public_publications().filter(pk__in=ids).prefetch_related("attachments"))
    index_documents(to_doc(p) for p in public)
    gone = ids - {p.pk for p in public}
    remove(gone)
    return len(public)


def rebuild(batch: int = 2000, queryset=None) -> int:
    """Re-index every public publication (in bulk mode: search.index_documents) and drop
    whatever else the index holds."""
    from . import backend, index_documents, remove

    seen: set[int] = set()
    qs = (public_publications() if queryset is None else queryset).order_by("pk")

    def docs():
        last = 0
        while True:
            page = list(qs.filter(pk__gt=last).prefetch_related("attachments")[:batch])
            if not page:
                return
            for p in page:
                seen.add(p.pk)
                yield to_doc(p)
            last = page[-1].pk

    index_documents(docs(), bulk=True, replace_all=True)
    # What is still indexed but was not read: withdrawn meanwhile, or (SQLite) left from
    # before. A document published while this ran was not read either but is public now:
    # its own update keeps it.
    stale = backend().indexed_ids() - seen
    if stale:
        stale -= set(qs.filter(pk__in=stale).values_list("pk", flat=True))
    remove(stale)
    return len(seen)


def _flush() -> None:
    ids = getattr(_local, "pending", set())
    _local.pending = set()
    if not ids:
        return
    if len(ids) > INLINE_LIMIT:
        from .tasks import reindex

        reindex.enqueue(ids=sorted(ids))
        return
    try:
        sync(ids)
    except Exception:  # the publish itself succeeded; a later reindex repairs the index
        log.exception("search: indexing %d documents failed", len(ids))


def schedule(ids) -> None:
    # Every save registers a callback, the first one to run flushes everything pending: a
    # rolled-back savepoint drops its callback but not its ids (sync reads the database, so
    # indexing a rolled-back id is harmless).
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = set()
    pending.update(int(i) for i in ids)
    transaction.on_commit(_flush)


def _forget_pages(pk) -> None:
    """Drop the portal's cached document page (gongkai.publications.public_views)."""
    from django.conf import settings
    from django.core.cache import cache

    from gongkai.publications.public_views import page_cache_key

    cache.delete_many([page_cache_key(pk, code) for code, _ in settings.LANGUAGES])


def _on_save(sender, instance, **kwargs):
    _forget_pages(instance.pk)
    schedule([instance.pk])


def _on_delete(sender, instance, **kwargs):
    _forget_pages(instance.pk)
    schedule([instance.pk])


def _on_related(sender, instance, **kwargs):
    """Attachments and interpretation links show on the document page."""
    for attr in ("publication_id", "policy_id", "interpretation_id"):
        pk = getattr(instance, attr, None)
        if pk:
            _forget_pages(pk)
    if getattr(instance, "publication_id", None):  # attachment text is indexed
        schedule([instance.publication_id])


def connect() -> None:
    model = publication_model()
    if model is None:
        return
    post_save.connect(_on_save, sender=model, dispatch_uid="search_publication_saved")
    post_delete.connect(_on_delete, sender=model, dispatch_uid="search_publication_deleted")
    for name in ("Attachment", "Interpretation"):
        try:
            related = apps.get_model("publications", name)
        except LookupError:
            continue
        post_save.connect(_on_related, sender=related, dispatch_uid=f"search_{name}_saved")
        post_delete.connect(_on_related, sender=related, dispatch_uid=f"search_{name}_deleted")
