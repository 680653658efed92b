"""What a search backend does; the SQL lives in one module per database vendor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

# Counting every match of a one-character query over millions of documents costs more than the
# page itself; beyond this many the portal shows "N+" and pages stop there.
COUNT_CAP = 5_000
# Relevance ranking (bm25 / ts_rank with title boost and recency) is computed for result sets
# up to this size. A broader query (a single common character, say) lists documents whose
# title contains the query first, newest first, then the others newest first: ranking every
# one of 100,000 matches would cost seconds and tell the reader nothing.
RANK_CAP = 1_000
# Ranking weights: a match in the title counts this many times a body match (title boost);
# recency multiplies relevance by 1 + RECENCY/(1 + age in years): up to ×1.5 for today's
# documents, ×1.1 for four-year-old ones, so it orders similar matches without burying an
# old document whose title is the query.
RECENCY = 0.5
TITLE_WEIGHT = 10.0
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


def chunks(seq, n=500):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i : i + n]
