"""PostgreSQL backend: one table with ``tsvector`` columns (GIN indexes) and normalised text.

``tsv`` holds each distinct character and bigram of title and body, ``ttsv`` those of the
title alone (title tier of broad queries), both without positions: PostgreSQL keeps at most
256 positions per lexeme and none past 16,383, so phrase operators would silently miss
matches in long documents. The GIN index finds the documents holding every character/bigram;
``strpos`` on the normalised text then confirms words of three or more characters (a bigram
or a character lexeme is already exact), so recall stays exact. The large columns are
lz4-compressed (migrations 0006, 0007): strpos decompresses it for every candidate.

Writes delete the ids and COPY the rows in PostgreSQL's binary format: the tsvector columns
are built in Python as the binary wire form of distinct tokens in the server's order
(tsvector_binary, numpy), which the server takes several times faster than parsing the text
form. Incremental writes then spend most server time on GIN insertion (~700 µs a document
into 200,000, fastupdate), which write_many spreads over several connections for an import.
Full rebuilds (``bulk_load``) fill a shadow table, partitioned like the live one,
from one process per core, build each partition's indexes in parallel and swap the table in
(bench/README.md has the figures).
"""

from __future__ import annotations

import logging
import os
import struct
import time
from contextlib import contextmanager
from datetime import UTC

from psycopg.adapt import Dumper
from psycopg.pq import Format

from .. import text
from .base import RANK_CAP, Filters, Row, chunks, filter_sql, fork_pool, prepared_batches

log = logging.getLogger(__name__)

# Each counted row costs a detoast of the text (~30 µs): PostgreSQL counts only as far as it
# must to choose between relevance ranking and the broad-query order; beyond that the portal
# says "more than 1,000".
COUNT_CAP = RANK_CAP
# Rows of the recency index a broad query tests before it falls back to sorting its GIN
# candidates (~5 µs a row: the lz4 text and strpos), see PostgresBackend._ids.
WALK_BUDGET = 5_000
# The first try at a broad query's title tier (search): newest rows whose titles it tests
# before counting title matches instead. ~1.5 µs a row (titles are stored inline).
TITLE_WALK_BUDGET = 500

TABLE = "search_entry"
# Shadow table a bulk load fills while searches keep reading TABLE (bulk_load).
LOAD = "search_entry_load"
# Hash partitions by id: a bulk load builds each partition's indexes in its own server process
# (PostgreSQL 15 builds one GIN index on one core; CREATE INDEX on a partition can run beside
# CREATE INDEX on another). Queries scan the partitions in turn, and a GIN scan builds its
# partition's whole bitmap before a LIMIT can stop it: the count of a common word (COUNT_CAP)
# costs ~140 ns per matching row of the first partition. At 1,000,000 documents, 4 partitions
# took 28–45 ms to count "高" or "政府信息公开", 16 took 8–15 ms (bench/README.md); planning
# and the probes of rare words grow with the number, which small collections do not repay.
# A bulk load, or relayout() (migration 0008), lays the table out anew with this number.
PARTITIONS = 16
COLUMNS_DDL = """
    id bigint NOT NULL,
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
"""
# Index name suffix → definition (the part after ON table). Each partition gets
# {table}_p{i}_{suffix}; the partitioned parent {table}_{suffix}, which attaches them.
INDEXES = {
    "tsv": "USING gin (tsv)",
    "ttsv": "USING gin (ttsv)",
    # Matches the ORDER BY of broad queries, so "newest first" stops after one page.
    "recent": "(published_at DESC NULLS LAST, id DESC)",
    "index_key": "(index_key)",
    "docno_key": "(docno_key)",
    # Filters by agency and year (the portal's year list, a supervisor's subtree) and the
    # count of a filter's rows (_scoped) are answered from this index alone.
    "agency_year": "(agency_id, year)",
    "column_year": "(column_id, year)",
}
# Large texts (TOASTed): lz4 compresses and decompresses several times faster than the
# default pglz; strpos reads norm, the GIN recheck and the bulk copy read the tsvectors.
LZ4_COLUMNS = ("body_text", "norm", "ttsv", "tsv")


def table_sql(name: str = TABLE, partitions: int | None = None) -> list[str]:
    """The partitioned table and its partitions, without indexes."""
    partitions = partitions or PARTITIONS
    out = [f"CREATE TABLE IF NOT EXISTS {name} ({COLUMNS_DDL}) PARTITION BY HASH (id)"]
    # A shadow table is vacuumed once, after its load (optimize()): autovacuum would start on
    # it while it fills (insert thresholds) and take CPU from the load. _swap resets this.
    options = " WITH (autovacuum_enabled = off)" if name == LOAD else ""
    out += [
        f"CREATE TABLE IF NOT EXISTS {name}_p{i} PARTITION OF {name}"
        f" FOR VALUES WITH (MODULUS {partitions}, REMAINDER {i}){options}"
        for i in range(partitions)
    ]
    return out


def partition_index_sql(name: str, i: int) -> list[str]:
    """One partition's indexes (a bulk load runs these per partition, in parallel)."""
    part = f"{name}_p{i}"
    # A constraint, not a bare unique index: the parent's PRIMARY KEY attaches only a
    # partition index that backs a constraint and would build a second one otherwise.
    out = [f"ALTER TABLE {part} ADD CONSTRAINT {part}_pkey PRIMARY KEY (id)"]
    out += [f"CREATE INDEX IF NOT EXISTS {part}_{k} ON {part} {v}" for k, v in INDEXES.items()]
    return out


def parent_index_sql(name: str = TABLE) -> list[str]:
    """The parent's indexes: each finds the partitions' equal indexes and attaches them
    instead of building anything."""
    out = [f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (id)"]
    out += [f"CREATE INDEX IF NOT EXISTS {name}_{k} ON {name} {v}" for k, v in INDEXES.items()]
    return out


CREATE = [
    *table_sql(),
    *(sql for i in range(PARTITIONS) for sql in partition_index_sql(TABLE, i)),
    *parent_index_sql(),
]
DROP = [f"DROP TABLE IF EXISTS {TABLE}", f"DROP TABLE IF EXISTS {LOAD}"]


def tune_storage(connection, table: str = TABLE, rewrite: bool = True) -> None:
    """Compress the large columns with lz4 (LZ4_COLUMNS; PostgreSQL ≥ 14 built with lz4,
    otherwise pglz stays) and, with ``rewrite``, rewrite the existing values so they use it."""
    from django.db import DatabaseError, transaction

    with connection.cursor() as c:
        c.execute("SHOW server_version_num")
        if int(c.fetchone()[0]) < 140000:
            return
        # ALTER on a partitioned table sets the default for partitions made later only.
        c.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass",
            [table],
        )
        tables = [table, *(r[0] for r in c.fetchall())]
        try:
            with transaction.atomic(using=connection.alias):
                for t in tables:
                    for col in LZ4_COLUMNS:
                        c.execute(f"ALTER TABLE {t} ALTER COLUMN {col} SET COMPRESSION lz4")
        except DatabaseError:  # a server built without lz4 keeps pglz
            return
        if rewrite:
            c.execute(f"UPDATE {table} SET norm = norm || '', body_text = body_text || ''")


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
# A GIN build sorts its entries in maintenance_work_mem (per building process); with the
# default 64 MB it spills.
BULK_MAINTENANCE_WORK_MEM = "512MB"
# Documents a bulk-load worker prepares and copies per transaction.
BULK_BATCH = 500
TSVECTOR_OID = 3614


class TsvectorBinaryDumper(Dumper):
    """Hands tsvector_binary()'s bytes to binary COPY as they are."""

    format = Format.BINARY
    oid = TSVECTOR_OID

    def dump(self, obj):
        return obj


# Texts up to this length (headings) are tokenised together (text.token_keys_many): one
# numpy pass for a batch's titles costs ~8 µs a title, against ~35 µs for a Python set each
# and ~45 µs of numpy's fixed costs per call.
SHORT = 80


def tsvectors_binary(texts: list[str]) -> list[bytes]:
    """The distinct tokens of text.index_tokens(t) (every character and adjacent pair) of
    each text as the binary input of a tsvector: a count, then each lexeme NUL-terminated
    with zero positions, in the server's order (bytewise, a prefix first). tsvectorrecv
    sorts lexemes that arrive out of order; sent sorted, COPY costs the server ~100 µs a
    document less (measured with 20,000 documents: 220–280 → 130–150 µs) for ~30 µs more
    here. Built with numpy over UTF-32 code points (text.token_keys): one sort of the keys
    gives UTF-8 byte order. Texts up to SHORT are tokenised and spelled out together, longer
    ones one by one (one pass over a whole batch of documents runs out of the CPU's cache:
    ~160 against ~140 µs a document)."""
    out: list[bytes | None] = [None] * len(texts)
    short = [i for i, t in enumerate(texts) if len(t or "") <= SHORT]
    if short:
        keys, counts = text.token_keys_many([texts[i] for i in short])
        for i, data in zip(short, _spell(keys, counts.tolist()), strict=True):
            out[i] = data
    for i, t in enumerate(texts):
        if out[i] is None:
            keys = text.token_keys(t)
            out[i] = _spell(keys, [len(keys)])[0]
    return out


def _spell(keys, counts: list[int]) -> list[bytes]:
    """tsvector binary input for consecutive runs of token keys (``counts`` keys each),
    spelled out in one pass."""
    import numpy as np

    # Each character lexeme is c NUL NUL NUL (the NUL ends the string, then npos = 0 as two
    # bytes); each pair c1 c2 NUL NUL NUL. UTF-32 zeros become those NULs in UTF-8.
    spelled = text.spell_keys(keys, 0, 3)
    if len(counts) == 1:
        return [struct.pack("!i", counts[0]) + spelled.encode("utf-8")]
    ends = np.cumsum(4 + ((keys & np.uint64(0xFFFFFFFF)) != 0)).tolist()
    out, pos, k = [], 0, 0
    for n in counts:
        k += n
        end = ends[k - 1] if n else pos
        out.append(struct.pack("!i", n) + spelled[pos:end].encode("utf-8"))
        pos = end
    return out


def tsvector_binary(s: str) -> bytes:
    """tsvectors_binary of one text."""
    return tsvectors_binary([s])[0]


def copy_rows(cursor, rows, table: str = TABLE) -> int:
    """Binary COPY of prepared rows (PostgresBackend.prepare) with a psycopg cursor."""
    cursor.adapters.register_dumper(None, TsvectorBinaryDumper)
    with cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(TYPES)
        for r in rows:
            copy.write_row(r)
    return len(rows)


def replace_rows(cursor, rows) -> int:
    """Replace prepared rows in the live table by id (a psycopg cursor): delete, then binary
    COPY (~2× the rate of a multi-row INSERT … ON CONFLICT, bench/README.md)."""
    cursor.execute(f"DELETE FROM {TABLE} WHERE id = ANY(%s)", [[r[0] for r in rows]])
    return copy_rows(cursor, rows)


def _unique_ids(batches):
    """Passes the batches on; a second occurrence of an id in one load is an error (two
    workers could otherwise write both versions)."""
    seen: set[int] = set()
    for batch in batches:
        ids = {d.id for d in batch}
        if len(ids) < len(batch) or not seen.isdisjoint(ids):
            raise ValueError("search: an id occurs twice in one bulk load")
        seen |= ids
        yield batch


# Bulk-load worker processes (PostgresBackend._load_parallel): one psycopg connection each.
_worker_conn = None


def _worker_start(params: dict) -> None:
    global _worker_conn
    import psycopg

    _worker_conn = psycopg.connect(**params)
    with _worker_conn.cursor() as c:
        c.execute(f"SET maintenance_work_mem = '{BULK_MAINTENANCE_WORK_MEM}'")
    _worker_conn.commit()


def _worker_load(docs) -> int:
    """Prepare and copy one batch into the shadow table (committed: nobody reads it yet)."""
    with _worker_conn.cursor() as cur:
        n = copy_rows(cur, PostgresBackend.prepare(docs), LOAD)
    _worker_conn.commit()
    return n


def _worker_write(docs) -> int:
    """Prepare and write one batch into the live table, in a transaction of its own."""
    with _worker_conn.cursor() as cur:
        n = replace_rows(cur, PostgresBackend.prepare(docs))
    _worker_conn.commit()
    return n


def _worker_execute(statements: list[str]) -> None:
    with _worker_conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    _worker_conn.commit()


class PostgresBackend:
    vendor = "postgresql"

    def __init__(self, connection):
        self.connection = connection

    def index(self, docs) -> int:
        return self.write(self.prepare(docs))

    @staticmethod
    def prepare(docs):
        """Rows to write (pure Python, no database: may run in another thread); the tsvector
        columns in binary form (tsvectors_binary, all of a batch in one pass)."""
        rows = []
        docs = list(docs)
        headings = [d.heading for d in docs]
        full = [h + "\n" + d.body_text for h, d in zip(headings, docs, strict=True)]
        tsv = tsvectors_binary(headings + full)
        tsv_title, tsv_full = tsv[: len(docs)], tsv[len(docs) :]
        for d, raw, ttsv, ftsv in zip(docs, headings, tsv_title, tsv_full, strict=True):
            heading = text.normalise(raw)
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
                    ttsv,
                    ftsv,
                )
            )
        return rows

    def write(self, rows) -> int:
        """Replace by id (replace_rows)."""
        if not rows:
            return 0
        with self.connection.cursor() as c:
            # psycopg's own cursor: its adapters are a copy of the connection's
            return replace_rows(c.cursor, rows)

    def write_many(self, batches) -> int:
        """Many documents on the incremental path (search.index_documents, outside a
        transaction): the server's GIN insertion (~700 µs a document, on one core per
        connection) is the limit, so one more worker process than cores prepares and writes
        batches on its own connection, a transaction each (20,000 documents into 200,000:
        ~1,050 -> ~2,000 documents/s, bench/README.md); at most one per partition, whose
        pending GIN list more writers would queue on. An id may occur once (two connections
        would otherwise race for it)."""
        workers = min((os.cpu_count() or 1) + 1, PARTITIONS)
        with self._worker_pool(workers) as pool:
            return sum(prepared_batches(_worker_write, _unique_ids(batches), workers, pool))

    @contextmanager
    def _worker_pool(self, workers: int):
        """Forked processes, each with its own psycopg connection to this database; ended
        when the block ends (terminated if it raised)."""
        params = {
            k: v
            for k, v in self.connection.get_connection_params().items()
            if k not in ("cursor_factory", "context")  # Django's, not picklable
        }
        pool = fork_pool(workers, _worker_start, (params,))
        try:
            yield pool
            pool.close()
        finally:
            pool.terminate()
            pool.join()

    def bulk_load(self, batches, replace_all: bool = False, workers: int | None = None) -> int:
        """Load many documents (a full rebuild; ``batches`` yields lists of SearchDoc) into a
        fresh shadow table and swap it in. Searches keep reading the current table until the
        swap; writers (publishing) wait for it on a SHARE lock, so nothing written meanwhile
        is lost; a failure drops the shadow table and leaves the current one as it was.

        Outside a transaction, ``workers`` processes (default: one per core, at most
        PARTITIONS) prepare and COPY batches on their own connections, then build each
        partition's indexes (bulk CREATE INDEX sorts all entries at once instead of inserting
        each document's ~1,600 lexemes into the GIN tree). Inside a transaction (tests,
        migrations) the same happens serially on this connection.

        Documents already indexed and not in ``batches`` are kept, unless ``replace_all``.
        An id may occur once per load."""
        from django.db import transaction

        conn = self.connection
        if workers is None:
            workers = min(os.cpu_count() or 1, PARTITIONS)
        parallel = workers > 1 and not conn.in_atomic_block
        self._create_load()
        try:
            with transaction.atomic(using=conn.alias):
                with conn.cursor() as c:
                    c.execute(f"LOCK TABLE {TABLE} IN SHARE MODE")
                batches = _unique_ids(batches)
                n = self._load_parallel(batches, workers) if parallel else self._load(batches)
                if not replace_all:
                    with conn.cursor() as c:
                        c.execute(
                            f"INSERT INTO {LOAD} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE} o"
                            f" WHERE NOT EXISTS (SELECT 1 FROM {LOAD} n WHERE n.id = o.id)"
                        )
                self._swap()
        finally:
            self._drop_load()  # after a swap there is nothing left to drop
        return n

    def _create_load(self) -> None:
        """An empty shadow table (LOAD) in the current layout, without indexes."""
        self._drop_load()
        with self.connection.cursor() as c:
            for sql in table_sql(LOAD):
                c.execute(sql)
        tune_storage(self.connection, LOAD, rewrite=False)

    def _index_load(self, c) -> None:
        """Build the shadow table's partition indexes on this connection (serially)."""
        c.execute(f"SET LOCAL maintenance_work_mem = '{BULK_MAINTENANCE_WORK_MEM}'")
        for i in range(PARTITIONS):
            for sql in partition_index_sql(LOAD, i):
                c.execute(sql)

    def _drop_load(self) -> None:
        from django.db import transaction

        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as c:
            c.execute(f"DROP TABLE IF EXISTS {LOAD}")

    def _load(self, batches) -> int:
        n = 0
        with self.connection.cursor() as c:
            for batch in batches:
                n += copy_rows(c.cursor, self.prepare(batch), LOAD)
            self._index_load(c)
        return n

    def _load_parallel(self, batches, workers: int) -> int:
        # Each worker has its own psycopg connection (_worker_start): prepare and COPY.
        with self._worker_pool(workers) as pool:
            started = time.perf_counter()
            n = sum(prepared_batches(_worker_load, batches, workers, pool))
            loaded = time.perf_counter()
            jobs = [partition_index_sql(LOAD, i) for i in range(PARTITIONS)]
            for _ in pool.imap_unordered(_worker_execute, jobs):
                pass
        log.info(
            "bulk load: %d documents copied in %.1f s, indexes built in %.1f s (%d workers)",
            n,
            loaded - started,
            time.perf_counter() - loaded,
            workers,
        )
        return n

    def _swap(self) -> None:
        """Attach the partitions' indexes to the shadow table's parent, drop the current table
        and give the shadow table, its partitions and indexes the current names."""
        with self.connection.cursor() as c:
            for sql in parent_index_sql(LOAD):
                c.execute(sql)
            c.execute(f"DROP TABLE {TABLE}")
            c.execute(
                "SELECT c.relname, c.relkind FROM pg_class c"
                " JOIN pg_namespace ns ON ns.oid = c.relnamespace"
                " WHERE ns.nspname = current_schema() AND starts_with(c.relname, %s)"
                " AND c.relkind IN ('r', 'p', 'i', 'I')",
                [LOAD],
            )
            for name, kind in c.fetchall():
                what = "INDEX" if kind in ("i", "I") else "TABLE"
                c.execute(f"ALTER {what} {name} RENAME TO {TABLE}{name[len(LOAD) :]}")
                if kind == "r":
                    c.execute(f"ALTER TABLE {TABLE}{name[len(LOAD) :]} RESET (autovacuum_enabled)")

    def layout_is_current(self) -> bool:
        """Whether the live table is laid out as declared here: partitioned into PARTITIONS
        partitions with exactly the indexes of partition_index_sql/parent_index_sql."""
        with self.connection.cursor() as c:
            c.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
            row = c.fetchone()
            if not row or row[0] != "p":
                return False
            c.execute("SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass(%s)", [TABLE])
            if c.fetchone()[0] != PARTITIONS:
                return False
            c.execute(
                "SELECT i.indexrelid::regclass::text FROM pg_index i"
                " JOIN pg_inherits p ON p.inhrelid = i.indrelid"
                " WHERE p.inhparent = to_regclass(%s)"
                " UNION ALL SELECT indexrelid::regclass::text FROM pg_index"
                " WHERE indrelid = to_regclass(%s)",
                [TABLE, TABLE],
            )
            found = sorted(r[0] for r in c.fetchall())
        suffixes = ["pkey", *INDEXES]
        expected = [f"{TABLE}_{k}" for k in suffixes]
        expected += [f"{TABLE}_p{i}_{k}" for k in suffixes for i in range(PARTITIONS)]
        return found == sorted(expected)

    def relayout(self) -> None:
        """Rewrite the table in the current layout (PARTITIONS, INDEXES), keeping its rows;
        does nothing when it is laid out so already (migrations 0007, 0008). Searches read
        the old table until the swap; writers wait (SHARE lock, as in bulk_load)."""
        from django.db import transaction

        if self.layout_is_current():
            return
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as c:
            c.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
            row = c.fetchone()
            self._create_load()
            if row:
                c.execute(f"LOCK {TABLE} IN SHARE MODE")
                c.execute(f"INSERT INTO {LOAD} ({COLUMNS}) SELECT {COLUMNS} FROM {TABLE}")
            else:
                c.execute(f"CREATE TABLE {TABLE} (id bigint)")  # for _swap to drop
            self._index_load(c)
            self._swap()

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
        fsql, fparams = self._filters(f)
        return f"{sql} AND {fsql}", params + fparams

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

    def _filters(self, f: Filters) -> tuple[str, list]:
        return filter_sql(f, "agency_id = ANY(%s)", list)

    @staticmethod
    def _contains(col, words) -> tuple[str, list]:
        """Every word is a substring of ``col`` (normalised text): exact for words of any
        length, as each is a run of letters/digits (text.parse_query)."""
        return " AND ".join(f"strpos({col}, %s) > 0" for w in words), list(words)

    def _walk(self, c, walk, limit, offset, budget=WALK_BUDGET) -> list[int]:
        """A broad query's page from the newest ``budget`` rows (the recency index, no sort):
        ``walk`` = (filters, params, condition on the normalised columns, params). Exact when
        it returns a full page (rows beyond those are all older); fewer: the caller goes on
        another way."""
        fsql, fparams, cond, cparams = walk
        c.execute(
            "SELECT id FROM (SELECT id, published_at, norm, title_norm FROM search_entry"
            f" WHERE {fsql} ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s) s"
            f" WHERE {cond} ORDER BY published_at DESC NULLS LAST, id DESC"
            " LIMIT %s OFFSET %s",
            [*fparams, budget, *cparams, limit, offset],
        )
        return [r[0] for r in c.fetchall()]

    def _ids(self, c, where, params, limit, offset, walk=None) -> list[int]:
        """A page of ids, newest first. ``walk`` (see _walk) for a broad query: the newest
        WALK_BUDGET rows are tested first, which answers when they hold a page of matches.
        Else the GIN candidates are confirmed and sorted: the planner estimates a conjunction
        of bigrams as if they were independent and, for a common word, chose that path over
        25,671 candidates (330 ms at 200,000 documents) where the walk reads ~80 rows."""
        if walk is not None:
            ids = self._walk(c, walk, limit, offset)
            if len(ids) == limit:
                return ids
        c.execute(
            f"SELECT id FROM search_entry WHERE {where}"
            " ORDER BY published_at DESC NULLS LAST, id DESC LIMIT %s OFFSET %s",
            [*params, limit, offset],
        )
        return [r[0] for r in c.fetchall()]

    def _scoped(self, c, fsql, fparams, body, bparams, title, tparams, limit, offset):
        """A filter that leaves at most WALK_BUDGET rows (an agency, a column, a year of
        them): every row of it is tested on the normalised text, in one query over the
        filter's btree indexes. The GIN plan, which the planner prefers as it takes the
        conjunction of bigrams for rare, read every candidate of the whole collection
        first (3.5 s for a common word with three agencies and a year at 1,000,000)."""
        c.execute(
            f"SELECT id, ({title}) AS in_title FROM search_entry WHERE {fsql} AND {body}"
            " ORDER BY in_title DESC, published_at DESC NULLS LAST, id DESC",
            [*tparams, *fparams, *bparams],
        )
        rows = c.fetchall()
        page = [(i, 2.0 if t else 1.0) for i, t in rows[offset : offset + limit]]
        return page, min(len(rows), COUNT_CAP), len(rows) <= COUNT_CAP

    def search(self, words, f: Filters, limit: int, offset: int):
        """Title matches first, then the others, newest first (base.RANK_CAP); the index on
        (published_at DESC, id DESC) answers broad queries without sorting (_ids)."""
        from django.db import transaction

        where, params = self._where(words, f)
        fsql, fparams = self._filters(f)
        tcond, tparams = self._title_cond(words)
        body, bparams = self._contains("norm", words)
        title, tiparams = self._contains("title_norm", words)
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as c:
            # For a query matching most rows the planner picks a sequential scan, which
            # detoasts every tsvector to re-test it (11 ms per 1,000 rows); the GIN bitmap
            # needs no recheck for these queries and counts the same 1,000 in 0.4 ms.
            c.execute("SET LOCAL enable_seqscan = off")
            if fparams:  # a filter is given
                c.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM search_entry WHERE {fsql} LIMIT %s) s",
                    [*fparams, WALK_BUDGET + 1],
                )
                if c.fetchone()[0] <= WALK_BUDGET:
                    return self._scoped(
                        c, fsql, fparams, body, bparams, title, tiparams, limit, offset
                    )
            total = self._count(c, where, params, COUNT_CAP + 1)
            if not total:
                return [], 0, True
            broad = total > COUNT_CAP
            title_walk = (fsql, fparams, title, tiparams)
            if broad:
                # The title tier of a broad query often fills the page from the newest rows
                # alone; its count would build a partition's whole GIN bitmap first (3–9 ms
                # for a common character at 1,000,000 documents).
                ids = self._walk(c, title_walk, limit, offset, TITLE_WALK_BUDGET)
                if len(ids) == limit:
                    return [(i, 2.0) for i in ids], COUNT_CAP, False
            twhere, twparams = self._where(words, f, title=True)
            # Exact when below offset + limit; otherwise the title tier fills this page.
            ntitle = self._count(c, twhere, twparams, offset + limit)
            out: list[tuple[int, float]] = []
            if offset < ntitle:
                walk = None
                if broad and ntitle >= offset + limit:  # beyond the first try's rows
                    walk = title_walk
                out = [(i, 2.0) for i in self._ids(c, twhere, twparams, limit, offset, walk)]
            if len(out) < limit:
                walk = None
                if broad:
                    walk = (fsql, fparams, f"{body} AND NOT ({title})", [*bparams, *tiparams])
                ids = self._ids(
                    c,
                    f"{where} AND NOT {tcond}",
                    [*params, *tparams],
                    limit - len(out),
                    max(0, offset - ntitle),
                    walk,
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
        fsql, fparams = self._filters(f)
        with self.connection.cursor() as c:
            c.execute(
                "SELECT id FROM search_entry WHERE (index_key = %s OR docno_key = %s)"
                f" AND {fsql} ORDER BY published_at DESC NULLS LAST LIMIT 20",
                [key, key, *fparams],
            )
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
