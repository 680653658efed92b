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


def write_batches(backend, batches, per_tx: int = 1) -> int:
    """Prepare and write batches of SearchDoc, ``per_tx`` batches a transaction. Each batch is
    prepared in a helper thread while the previous one is written: the database driver
    releases the GIL while SQLite/PostgreSQL work, so both cores are used."""
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import closing
    from itertools import islice

    from django.db import transaction

    def prepared():
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = None
            for batch in batches:
                nxt = pool.submit(backend.prepare, batch)
                if pending is not None:
                    yield pending.result()
                pending = nxt
            if pending is not None:
                yield pending.result()

    n = 0
    with closing(prepared()) as stream:
        for first in stream:
            with transaction.atomic(using=backend.connection.alias):
                n += backend.write(first)
                for more in islice(stream, per_tx - 1):
                    n += backend.write(more)
    return n


def chunks(seq, n=500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
