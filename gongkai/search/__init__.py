"""Full-text search over published documents (Art. 24: the platform must support search).

One interface, two backends chosen by the database vendor: SQLite FTS5 (default) and
PostgreSQL tsvector + GIN. See text.py for how Chinese text is indexed.

    from gongkai import search
    search.index_documents([SearchDoc(...), ...])
    search.remove([id, ...])
    search.query("义务教育", agency_ids=[1, 2], column_id=None, year=2024, limit=10, offset=0)

Only published documents may be given to ``index_documents``: everything in the index is
public. gongkai/search/hooks.py keeps the index in step with publications.
"""

from __future__ import annotations

from collections.abc import Iterable

from .types import Hit, Results, SearchDoc

__all__ = ["SearchDoc", "Hit", "Results", "index_documents", "remove", "query", "backend"]

BATCH = 500


def backend(using: str = "default"):
    from django.db import connections

    conn = connections[using]
    if conn.vendor == "postgresql":
        from .backends.postgres import PostgresBackend

        return PostgresBackend(conn)
    if conn.vendor == "sqlite":
        from .backends.sqlite import SQLiteBackend

        return SQLiteBackend(conn)
    raise NotImplementedError(f"search: unsupported database {conn.vendor}")


def index_documents(
    docs: Iterable[SearchDoc],
    using: str = "default",
    bulk: bool = False,
    replace_all: bool = False,
) -> int:
    """Add or replace documents (by id). Returns how many were indexed.

    ``bulk=True`` is for loading many documents at once (hooks.rebuild: the search_reindex
    command and the full-rebuild task). PostgreSQL (``bulk_load``): a shadow table filled by
    one process per core and swapped in (searches go on meanwhile, writers wait; an id may
    occur once); SQLite: bulk pragmas, relaxed FTS5 merging and larger
    transactions. Call the backend's ``optimize()`` afterwards. ``replace_all=True`` lets a
    backend that loads a new table drop the documents not given (SQLite keeps them:
    hooks.rebuild removes those itself). Single documents and small batches (publishing) take
    the incremental path, which leaves the indexes in place; outside a transaction, more than
    base.MANY_BATCHES batches of it (an import through the ``reindex`` task) go to worker
    processes (``write_many``: PostgreSQL writes from several connections, SQLite tokenises
    beside its one writer; PostgreSQL takes an id once there, as in a bulk load).
    """
    from itertools import islice

    from .backends.base import many, write_batches

    b = backend(using)
    it = iter(docs)
    batches = iter(lambda: list(islice(it, BATCH)), [])
    if bulk:
        return b.bulk_load(batches, replace_all=replace_all)
    if not b.connection.in_atomic_block:
        batches, more = many(batches)
        if more:
            return b.write_many(batches)
    return write_batches(b, batches)


def remove(ids: Iterable[int], using: str = "default") -> None:
    from django.db import transaction

    ids = [int(i) for i in ids]
    if ids:
        with transaction.atomic(using=using):
            backend(using).remove(ids)


def query(
    q: str,
    agency_ids: Iterable[int] | None = None,
    column_id: int | None = None,
    year: int | None = None,
    limit: int = 10,
    offset: int = 0,
    using: str = "default",
) -> Results:
    """Search. A query equal to a document's 索引号 or 文号 puts that document first."""
    from . import highlight, text
    from .backends.base import Filters

    limit = max(1, min(int(limit), 100))
    offset = max(0, int(offset))
    f = Filters(
        agency_ids=list(agency_ids) if agency_ids is not None else None,
        column_id=column_id,
        year=year,
    )
    if f.agency_ids is not None and not f.agency_ids:
        return Results()
    b = backend(using)
    parsed = text.parse_query(q)
    exact_ids: list[int] = []
    key = text.lookup_key(parsed.raw) if parsed.raw else ""
    # Every 索引号 and 文号 holds Arabic digits (GB/T 9704-2012 7.2.4: year and serial of a
    # 发文字号 in Arabic numerals; 索引号 templates number documents): a query without any
    # is no lookup key, and skipping the lookup spares every word query an index probe.
    if key and any("0" <= ch <= "9" for ch in key):
        exact_ids = b.exact(key, f)
    ranked: list[tuple[int, float]] = []
    total, total_exact = 0, True
    if parsed:
        # Ask for enough rows to fill the page after the exact hits are moved to the front.
        ranked, total, total_exact = b.search(
            parsed.words, f, limit + len(exact_ids), max(0, offset - len(exact_ids))
        )
    # Exact 索引号/文号 hits lead page one; later pages continue the ranking without them.
    exact_set = set(exact_ids)
    ranked = [(i, s) for i, s in ranked if i not in exact_set]
    lead = [(i, float("inf")) for i in exact_ids][offset:]
    order = (lead + ranked)[:limit]
    total = max(total, len(exact_ids))
    rows = b.fetch([i for i, _ in order])
    hits = []
    for i, score in order:
        r = rows.get(i)
        if r is None:
            continue
        hits.append(
            Hit(
                id=r.id,
                score=score,
                title=r.title,
                title_highlight=highlight.highlight(r.title, parsed.words),
                snippet=highlight.snippet(r.body_text, parsed.words),
                agency_id=r.agency_id,
                column_id=r.column_id,
                published_at=r.published_at,
                index_number=r.index_number,
                document_number=r.document_number,
                exact=i in exact_set,
            )
        )
    return Results(
        hits=hits,
        total=total,
        total_exact=total_exact,
        words=parsed.words,
    )
