"""PostgreSQL backend: one table with ``tsvector`` columns (GIN indexes) and normalised text.

``tsv`` holds each distinct character and bigram of title and body, ``ttsv`` those of the
title alone (title tier of broad queries), both without positions: PostgreSQL keeps at most
256 positions per lexeme and none past 16,383, so phrase operators would silently miss
matches in long documents. The GIN index finds the documents holding every character/bigram;
``strpos`` on the normalised text then confirms words of three or more characters (a bigram
or a character lexeme is already exact), so recall stays exact. ``norm`` is lz4-compressed
(migration 0006): strpos decompresses it for every candidate.

Writes delete the ids and COPY the rows in PostgreSQL's binary format: the tsvector columns
are built in Python as the binary wire form of distinct tokens (tsvector_binary, numpy), which
the server takes ~3× faster than parsing the text form (measured with 10,000 documents, no GIN
index: 1,869 rows/s from token text, 5,046 rows/s binary). Incremental writes then spend most
server time on GIN insertion (~300 µs a document, fastupdate). ``bulk()`` (full rebuilds) drops
the two GIN indexes for the load and builds them again at the end, inside one transaction
(bench/README.md has the figures).
"""

from __future__ import annotations

import struct
from contextlib import contextmanager
from datetime import UTC
from functools import lru_cache

from psycopg.adapt import Dumper
from psycopg.pq import Format

from .. import text
from .base import RANK_CAP, Filters, Row, chunks

# Each counted row costs a detoast of the text (~30 µs): PostgreSQL counts only as far as it
# must to choose between relevance ranking and the broad-query order; beyond that the portal
# says "more than 1,000".
COUNT_CAP = RANK_CAP

CREATE = [
    """CREATE TABLE IF NOT EXISTS search_entry (
        id bigint PRIMARY KEY,
        agency_id bigint NOT NULL,
        column_id bigint,
        year integer,
        published_at timestamptz,
        title text NOT NULL,
        body_text text NOT NULL,
        index_number text NOT NULL DEFAULT '',
        document_number text NOT NULL DEFAULT '',
        index_key text NOT NULL DEFAULT '',
        docno_key text NOT NULL DEFAULT '',
        title_norm text NOT NULL DEFAULT '',
        norm text NOT NULL,
        ttsv tsvector NOT NULL,
        tsv tsvector NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_entry_ttsv ON search_entry USING gin (ttsv)",
    # Matches the ORDER BY of broad queries, so "newest first" stops after one page.
    "CREATE INDEX IF NOT EXISTS search_entry_recent"
    " ON search_entry (published_at DESC NULLS LAST, id DESC)",
    "CREATE INDEX IF NOT EXISTS search_entry_index_key ON search_entry (index_key)",
    "CREATE INDEX IF NOT EXISTS search_entry_docno_key ON search_entry (docno_key)",
    "CREATE INDEX IF NOT EXISTS search_entry_agency ON search_entry (agency_id)",
    "CREATE INDEX IF NOT EXISTS search_entry_column_year ON search_entry (column_id, year)",
]
DROP = ["DROP TABLE IF EXISTS search_entry"]


def tune_storage(connection, compression: str = "lz4") -> None:
    """Compress the normalised text (which strpos reads for every candidate of a word of three
    or more characters) with lz4, which decompresses several times faster than the default
    pglz, and rewrite the existing values so they use it."""
    from django.db import DatabaseError, transaction

    with connection.cursor() as c:
        c.execute("SHOW server_version_num")
        if int(c.fetchone()[0]) < 140000:
            return
        try:
            with transaction.atomic(using=connection.alias):
                c.execute(
                    f"ALTER TABLE search_entry ALTER COLUMN norm SET COMPRESSION {compression}"
                )
        except DatabaseError:  # a server built without lz4 keeps pglz
            return
        c.execute("UPDATE search_entry SET norm = norm || ''")


COLUMNS = (
    "id, agency_id, column_id, year, published_at, title, body_text, index_number,"
    " document_number, index_key, docno_key, title_norm, norm, ttsv, tsv"
)
# Binary COPY needs each column's type, in COLUMNS order.
TYPES = [
    "int8",
    "int8",
    "int8",
    "int4",
    "timestamptz",
    *["text"] * 8,
    "tsvector",
    "tsvector",
]
# The GIN indexes a bulk load drops and rebuilds (CREATE statements above).
GIN = {"search_entry_tsv": CREATE[1], "search_entry_ttsv": CREATE[2]}
# A GIN build sorts its entries in maintenance_work_mem; with the default 64 MB it spills.
BULK_MAINTENANCE_WORK_MEM = "1GB"
TSVECTOR_OID = 3614


class TsvectorBinaryDumper(Dumper):
    """Hands tsvector_binary()'s bytes to binary COPY as they are."""

    format = Format.BINARY
    oid = TSVECTOR_OID

    def dump(self, obj):
        return obj


@lru_cache(maxsize=1)
def _word_table():
    """Per code point: does it stay a letter/digit in the token text (text.index_tokens)? For
    text that normalisation leaves alone, this replaces the ``str.translate`` pass."""
    import numpy as np

    spaced = text._tables()[2]
    word = np.ones(0x110000, dtype=bool)  # beyond the BMP the tables leave characters alone
    word[: len(spaced)] = [spaced[i] == chr(i) and i != 32 for i in range(len(spaced))]
    return word


def _distinct(v):
    """Sorted distinct values (np.unique's hash-based path is ~2× slower on ~1,000 values)."""
    import numpy as np

    v = np.sort(v)
    if len(v) < 2:
        return v
    keep = np.empty(len(v), dtype=bool)
    keep[0] = True
    np.not_equal(v[1:], v[:-1], out=keep[1:])
    return v[keep]


def tsvector_binary(s: str) -> bytes:
    """The distinct tokens of text.index_tokens(s) (every character and adjacent pair) as the
    binary input of a tsvector: a count, then each lexeme NUL-terminated with zero positions.
    The server sorts them (tsvectorrecv). Built with numpy over UTF-32 code points: ~160 µs a
    document against ~320 µs for index_tokens, whose string splitting and set dominate."""
    import numpy as np

    s = s or ""
    if text._changes().search(s):
        a = np.frombuffer(s.translate(text._tables()[2]).encode("utf-32-le"), dtype=np.uint32)
        word = a != 32
    else:
        a = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
        word = _word_table()[a]
    chars = _distinct(a[word])
    both = word[:-1] & word[1:]
    pairs = _distinct((a[:-1][both].astype(np.uint64) << 32) | a[1:][both])
    # Each character lexeme is c NUL NUL NUL (the NUL ends the string, then npos = 0 as two
    # bytes); each pair c1 c2 NUL NUL NUL. UTF-32 zeros become those NULs in UTF-8.
    k = 4 * len(chars)
    out = np.zeros(k + 5 * len(pairs), dtype=np.uint32)
    out[0:k:4] = chars
    out[k::5] = pairs >> 32
    out[k + 1 :: 5] = pairs & 0xFFFFFFFF
    return struct.pack("!i", len(chars) + len(pairs)) + out.tobytes().decode("utf-32-le").encode(
        "utf-8"
    )


class PostgresBackend:
    vendor = "postgresql"

    def __init__(self, connection):
        self.connection = connection

    def index(self, docs) -> int:
        return self.write(self.prepare(docs))

    @staticmethod
    def prepare(docs):
        """Rows to write (pure Python, no database: may run in another thread); the tsvector
        columns in binary form (tsvector_binary)."""
        rows = []
        for d in docs:
            heading = text.normalise(d.heading)
            published = d.published_at
            if published is not None and published.tzinfo is None:
                published = published.replace(tzinfo=UTC)  # as base.epoch
            rows.append(
                (
                    d.id,
                    d.agency_id,
                    d.column_id,
                    d.year,
                    published,
                    d.title,
                    d.body_text,
                    d.index_number or "",
                    d.document_number or "",
                    text.lookup_key(d.index_number) if d.index_number else "",
                    text.lookup_key(d.document_number) if d.document_number else "",
                    heading,
                    heading + "\n" + text.normalise(d.body_text),
                    tsvector_binary(d.heading),
                    tsvector_binary(d.heading + "\n" + d.body_text),
                )
            )
        return rows

    def write(self, rows) -> int:
        """Replace by id: delete, then binary COPY (~2× the rate of a multi-row INSERT … ON
        CONFLICT, bench/README.md)."""
        if not rows:
            return 0
        with self.connection.cursor() as c:
            c.execute("DELETE FROM search_entry WHERE id = ANY(%s)", [[r[0] for r in rows]])
            cur = c.cursor  # psycopg's own cursor: its adapters are a copy of the connection's
            cur.adapters.register_dumper(None, TsvectorBinaryDumper)
            with cur.copy(f"COPY search_entry ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(TYPES)
                for r in rows:
                    copy.write_row(r)
        return len(rows)

    @contextmanager
    def bulk(self):
        """Loading many documents (a full rebuild): one transaction in which the GIN indexes
        are dropped, the rows written without them and the indexes built again at the end
        (CREATE INDEX sorts all entries at once instead of inserting each document's ~1,600
        lexemes into the tree). A failure rolls everything back, indexes included: the table
        is never left without them. DROP INDEX locks the table, so searches wait for the
        rebuild to commit."""
        from django.db import transaction

        with transaction.atomic(using=self.connection.alias):
            with self.connection.cursor() as c:
                c.execute(f"SET LOCAL maintenance_work_mem = '{BULK_MAINTENANCE_WORK_MEM}'")
                for name in GIN:
                    c.execute(f"DROP INDEX IF EXISTS {name}")
            yield
            with self.connection.cursor() as c:
                for sql in GIN.values():
                    c.execute(sql)

    def remove(self, ids) -> None:
        with self.connection.cursor() as c:
            for part in chunks(ids):
                c.execute("DELETE FROM search_entry WHERE id = ANY(%s)", [list(part)])

    def clear(self) -> None:
        with self.connection.cursor() as c:
            c.execute("DELETE FROM search_entry")

    def optimize(self) -> None:
        """After a (bulk) load: VACUUM sets the hint bits and the visibility map of the rows
        just written, so searches do not pay for that on first touch; ANALYZE refreshes the
        planner's statistics. VACUUM cannot run inside a transaction: there, ANALYZE only."""
        with self.connection.cursor() as c:
            if self.connection.in_atomic_block:
                c.execute("ANALYZE search_entry")
            else:
                c.execute("VACUUM (ANALYZE) search_entry")

    def count(self) -> int:
        with self.connection.cursor() as c:
            c.execute("SELECT count(*) FROM search_entry")
            return c.fetchone()[0]

    def _where(self, words, f: Filters, title: bool = False) -> tuple[str, list]:
        col, normcol = ("ttsv", "title_norm") if title else ("tsv", "norm")
        sql = f"{col} @@ %s::tsquery"
        params: list = [text.tsquery_literal(words)]
        for w in words:
            if len(w) > 2:
                sql += f" AND strpos({normcol}, %s) > 0"
                params.append(w)
        if f.agency_ids is not None:
            sql += " AND agency_id = ANY(%s)"
            params.append([int(a) for a in f.agency_ids])
        if f.column_id is not None:
            sql += " AND column_id = %s"
            params.append(f.column_id)
        if f.year is not None:
            sql += " AND year = %s"
            params.append(f.year)
        return sql, params

    def _title_cond(self, words) -> tuple[str, list]:
        sql = "(ttsv @@ %s::tsquery"
        params: list = [text.tsquery_literal(words)]
        for w in words:
            if len(w) > 2:
                sql += " AND strpos(title_norm, %s) > 0"
                params.append(w)
        return sql + ")", params

    def _count(self, c, where, params, cap) -> int:
        c.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM search_entry WHERE {where} LIMIT %s) s",
            [*params, cap],
        )
        return c.fetchone()[0]

    def _ids(self, c, where, params, limit, offset) -> list[int]:
        c.execute(
            f"SELECT id FROM search_entry WHERE {where}"
            " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [r[0] for r in c.fetchall()]

    def search(self, words, f: Filters, limit: int, offset: int):
        """Title matches first, then the others, newest first (base.RANK_CAP); the index on
        (published_at DESC, id DESC) answers broad queries without sorting."""
        from django.db import transaction

        where, params = self._where(words, f)
        tcond, tparams = self._title_cond(words)
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as c:
            # For a query matching most rows the planner picks a sequential scan, which
            # detoasts every tsvector to re-test it (11 ms per 1,000 rows); the GIN bitmap
            # needs no recheck for these queries and counts the same 1,000 in 0.4 ms.
            c.execute("SET LOCAL enable_seqscan = off")
            total = self._count(c, where, params, COUNT_CAP + 1)
            if not total:
                return [], 0, True
            twhere, twparams = self._where(words, f, title=True)
            # Exact when below offset + limit; otherwise the title tier fills this page.
            ntitle = self._count(c, twhere, twparams, offset + limit)
            out: list[tuple[int, float]] = []
            if offset < ntitle:
                out = [(i, 2.0) for i in self._ids(c, twhere, twparams, limit, offset)]
            if len(out) < limit:
                ids = self._ids(
                    c,
                    f"{where} AND NOT {tcond}",
                    [*params, *tparams],
                    limit - len(out),
                    max(0, offset - ntitle),
                )
                out += [(i, 1.0) for i in ids]
        return out, min(total, COUNT_CAP), total <= COUNT_CAP

    def match_ids(self, words, f: Filters) -> set[int]:
        """Every matching id, unranked (recall measurement, tests)."""
        where, params = self._where(words, f)
        with self.connection.cursor() as c:
            c.execute(f"SELECT id FROM search_entry WHERE {where}", params)
            return {r[0] for r in c.fetchall()}

    def exact(self, key: str, f: Filters) -> list[int]:
        sql = "SELECT id FROM search_entry WHERE (index_key = %s OR docno_key = %s)"
        params: list = [key, key]
        if f.agency_ids is not None:
            sql += " AND agency_id = ANY(%s)"
            params.append([int(a) for a in f.agency_ids])
        if f.column_id is not None:
            sql += " AND column_id = %s"
            params.append(f.column_id)
        if f.year is not None:
            sql += " AND year = %s"
            params.append(f.year)
        with self.connection.cursor() as c:
            c.execute(sql + " ORDER BY published_at DESC NULLS LAST LIMIT 20", params)
            return [r[0] for r in c.fetchall()]

    def fetch(self, ids) -> dict[int, Row]:
        out: dict[int, Row] = {}
        with self.connection.cursor() as c:
            for part in chunks(ids):
                c.execute(
                    "SELECT id, agency_id, column_id, published_at, title, body_text,"
                    " index_number, document_number FROM search_entry WHERE id = ANY(%s)",
                    [list(part)],
                )
                for r in c.fetchall():
                    out[r[0]] = Row(*r)
        return out

    def indexed_ids(self) -> set[int]:
        with self.connection.cursor() as c:
            c.execute("SELECT id FROM search_entry")
            return {r[0] for r in c.fetchall()}
