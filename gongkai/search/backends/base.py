"""What a search backend does; the SQL lives in one module per database vendor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# Counting every match of a one-character query over millions of documents costs more than the
# page itself; beyond this many the portal shows "N+" and pages stop there.
COUNT_CAP = 5_000
# Ranking: documents whose title contains every query word come first (the title boost), then
# the others; newest first within each tier (recency). Up to RANK_CAP matches are sorted by
# publication date; broader queries (a single common character, say) follow the index order
# (document id, i.e. order of entry), which the index streams without sorting.
# Why not bm25: FTS5's bm25() computes each phrase's document frequency by running the phrase
# over the whole index, ~190 ms for a common four-character word at 200,000 documents, on
# every query; character-level tf-idf says little about relevance anyway.
RANK_CAP = 1_000
YEAR_SECONDS = 365 * 86400


@dataclass
class Filters:
    agency_ids: list[int] | None = None
    column_id: int | None = None
    year: int | None = None


@dataclass
class Row:
    id: int
    agency_id: int
    column_id: int | None
    published_at: datetime | None
    title: str
    body_text: str
    index_number: str
    document_number: str


def filter_sql(f: Filters, agency_sql: str, agency_param) -> tuple[str, list]:
    """SQL conditions for the filters on search_entry's columns; ``agency_sql`` with one
    placeholder takes ``agency_param(sorted agency ids)``."""
    sql, params = "TRUE", []
    if f.agency_ids is not None:
        sql += f" AND {agency_sql}"
        params.append(agency_param(sorted({int(a) for a in f.agency_ids})))
    if f.column_id is not None:
        sql += " AND column_id = %s"
        params.append(f.column_id)
    if f.year is not None:
        sql += " AND year = %s"
        params.append(f.year)
    return sql, params


def epoch(dt: datetime | None) -> int | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp())


def from_epoch(v) -> datetime | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        return v
    return datetime.fromtimestamp(int(v), tz=UTC)


def fork_pool(processes: int, initializer=None, initargs=()):
    """A multiprocessing pool of forked workers (they inherit what is already built here, e.g.
    the text tables). Frozen objects stay out of the children's garbage collections, which
    would otherwise touch (and so copy) every page of a large parent (the documents a caller
    holds in memory). The workers must not touch Django's connections."""
    import gc
    import multiprocessing

    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(processes, initializer, initargs)
    finally:
        gc.unfreeze()


def prepared_batches(prepare, batches, processes: int = 0, pool=None):
    """``prepare(batch)`` for each batch, in order, computed ahead of the consumer: in one
    helper thread (the database drivers release the GIL while SQLite/PostgreSQL work), or
    in ``processes`` forked workers, for a bulk load whose writer would otherwise share the
    GIL with tokenising (``prepare`` must be a module-level or static function). ``pool``:
    a fork_pool of that many workers the caller owns (and closes) instead of one made here.
    A few batches are in flight at a time, so memory stays bounded whatever the load."""
    from collections import deque

    owned = pool is None or not processes
    if processes:
        pool = pool or fork_pool(processes)
        submit = lambda batch: pool.apply_async(prepare, (batch,))  # noqa: E731
        result = lambda job: job.get()  # noqa: E731
        close = lambda: (pool.terminate(), pool.join())  # noqa: E731
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1)
        submit = lambda batch: pool.submit(prepare, batch)  # noqa: E731
        result = lambda job: job.result()  # noqa: E731
        close = lambda: pool.shutdown(cancel_futures=True)  # noqa: E731
    ahead = 2 * processes or 1
    pending: deque = deque()
    try:
        for batch in batches:
            pending.append(submit(batch))
            if len(pending) > ahead:
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())
    finally:
        if owned:
            close()


def write_batches(backend, batches, per_tx: int = 1, processes: int = 0) -> int:
    """Prepare and write batches of SearchDoc, ``per_tx`` batches a transaction, each batch
    prepared ahead of its write (prepared_batches)."""
    from contextlib import closing
    from itertools import islice

    from django.db import transaction

    n = 0
    with closing(prepared_batches(backend.prepare, batches, processes)) as stream:
        for first in stream:
            with transaction.atomic(using=backend.connection.alias):
                n += backend.write(first)
                for more in islice(stream, per_tx - 1):
                    n += backend.write(more)
    return n


# A write of more than this many batches (search.BATCH documents each) outside a transaction
# (an import through the reindex task) is spread over worker processes (write_many); smaller
# ones, publishing among them (hooks.INLINE_LIMIT), stay in the calling process.
MANY_BATCHES = 4


def many(batches, n: int = MANY_BATCHES):
    """``(batches, more)``: the same batches, and whether there are more than ``n`` (only
    the first n + 1 are read ahead)."""
    from itertools import chain, islice

    batches = iter(batches)
    head = list(islice(batches, n + 1))
    return chain(head, batches), len(head) > n


def prepare_processes() -> int:
    """Worker processes that tokenise beside a single writer: every core but the writer's
    (none on one core: a helper thread then)."""
    import os

    return max(0, (os.cpu_count() or 1) - 1)


def chunks(seq, n=500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
