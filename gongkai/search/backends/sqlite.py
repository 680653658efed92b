"""SQLite FTS5 backend.

Tables (migration 0006): ``search_entry`` holds the document's displayable fields (snippets are
cut from it), the exact-lookup keys and ``norm``, the normalised text of heading and body when
normalisation changes it (NULL for the ~98% of documents it leaves alone: their raw fields are
searched instead). ``search_fts`` (FTS5, rowid = document id) is the token index: every
character and every adjacent pair of heading and body (text.index_tokens) plus filter tokens
(``ag<agency>``, ``co<column>``, ``yr<year>``, never one or two characters long, so they cannot
collide with text tokens), ``detail=none`` (which documents hold a token, no positions) and
contentless (the token text is not stored; a row is deleted by handing FTS5 its tokens again,
rebuilt from search_entry). ``search_title_fts`` holds titles as character phrases with
positions, for the title tier of rankings.

A one- or two-character word is one token, so those queries are answered by the index alone.
A longer word asks for all its pairs and the candidates are confirmed with ``instr`` on the
normalised text (text.confirm_words): substring semantics, recall 1.0.
Why: the previous design (characters with positions plus a positional pair column) inserted
~1,300 documents/s on this machine; this one ~3,000/s (bench/README.md).
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from .. import text
from ..types import SearchDoc
from .base import (
    COUNT_CAP,
    RANK_CAP,
    Filters,
    Row,
    chunks,
    epoch,
    filter_sql,
    from_epoch,
    prepare_processes,
    write_batches,
)

# Facet filters with more agencies than this (a supervisor's whole subtree) use SQL instead.
MAX_FACET_AGENCIES = 200

FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(toks,"
    " tokenize='unicode61 remove_diacritics 0', detail=none, content='')"
)
CREATE = [
    """CREATE TABLE IF NOT EXISTS search_entry (
        id INTEGER PRIMARY KEY,
        agency_id INTEGER NOT NULL,
        column_id INTEGER,
        year INTEGER,
        published_at INTEGER,
        title TEXT NOT NULL,
        body_text TEXT NOT NULL,
        index_number TEXT NOT NULL DEFAULT '',
        document_number TEXT NOT NULL DEFAULT '',
        index_key TEXT NOT NULL DEFAULT '',
        docno_key TEXT NOT NULL DEFAULT '',
        norm TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS search_entry_index_key ON search_entry(index_key)",
    "CREATE INDEX IF NOT EXISTS search_entry_docno_key ON search_entry(docno_key)",
    "CREATE INDEX IF NOT EXISTS search_entry_agency ON search_entry(agency_id)",
    FTS,
    # Titles alone: the title tier of a query reads only title occurrences.
    """CREATE VIRTUAL TABLE IF NOT EXISTS search_title_fts USING fts5(
        title, facets, tokenize='unicode61 remove_diacritics 0', detail=full)""",
]
DROP = [
    "DROP TABLE IF EXISTS search_title_fts",
    "DROP TABLE IF EXISTS search_fts",
    "DROP TABLE IF EXISTS search_entry",
]
# Bulk loads (full rebuilds, bulk()): per-connection pragmas for the duration, and FTS5 options
# (persistent, restored at the end). Measured writing 20,000 documents (prepared beforehand):
# 2,119 docs/s as is, 2,722 with the cache and temp store, 3,041 with automerge 16, 3,579
# committing 10,000 documents at a time with a 64 MB pending-terms buffer (bench/README.md).
BULK_PRAGMAS = {"cache_size": -262144, "temp_store": 2}  # 256 MB page cache, temp in memory
BULK_FTS5 = {"automerge": 16, "hashsize": 64 * 1024 * 1024}
FTS5_DEFAULTS = {"automerge": 4, "hashsize": 1024 * 1024}
FTS5_TABLES = ("search_fts", "search_title_fts")
# What a search_entry row needs to rebuild its index tokens (deleting from search_fts).
OLD_COLUMNS = "id, agency_id, column_id, year, title, body_text, index_number, document_number"
# Confirms one word of three or more characters (five parameters, all the word).
CONFIRM = (
    " AND (CASE WHEN e.norm IS NULL THEN (instr(e.title, %s) OR instr(e.body_text, %s)"
    " OR instr(e.document_number, %s) OR instr(e.index_number, %s))"
    " ELSE instr(e.norm, %s) END)"
)


def facets(agency_id, column_id, year) -> str:
    out = [f"ag{agency_id}"]
    if column_id is not None:
        out.append(f"co{column_id}")
    if year is not None:
        out.append(f"yr{year}")
    return " ".join(out)


def fts_tokens(d: SearchDoc) -> str:
    """The search_fts text of a document (also what deleting it must hand back to FTS5)."""
    return (
        text.fts5_tokens(d.heading + "\n" + d.body_text)
        + " "
        + facets(d.agency_id, d.column_id, d.year)
    )


def norm_or_null(d: SearchDoc) -> str | None:
    return text.normalised_or_none(d.heading + "\n" + d.body_text)


class SQLiteBackend:
    vendor = "sqlite"

    def __init__(self, connection):
        self.connection = connection

    # -- writes ---------------------------------------------------------------------------
    def index(self, docs) -> int:
        return self.write(self.prepare(docs))

    @staticmethod
    def prepare(docs):
        """Rows to write (pure Python, no database: may run in another thread)."""
        entries, fts, titles = [], [], []
        for d in docs:
            facet = facets(d.agency_id, d.column_id, d.year)
            entries.append(
                (
                    d.id,
                    d.agency_id,
                    d.column_id,
                    d.year,
                    epoch(d.published_at),
                    d.title,
                    d.body_text,
                    d.index_number or "",
                    d.document_number or "",
                    text.lookup_key(d.index_number) if d.index_number else "",
                    text.lookup_key(d.document_number) if d.document_number else "",
                    norm_or_null(d),
                )
            )
            fts.append((d.id, fts_tokens(d)))
            titles.append((d.id, text.char_tokens(d.heading), facet))
        return entries, fts, titles

    def _forget(self, c, ids) -> list[int]:
        """Deletes the search_fts and search_title_fts rows of those ``ids`` that are indexed
        (contentless FTS5 needs the row's tokens back, rebuilt from search_entry); returns
        them."""
        found = []
        for part in chunks(ids):
            marks = ",".join(["%s"] * len(part))
            c.execute(f"SELECT {OLD_COLUMNS} FROM search_entry WHERE id IN ({marks})", part)
            old = [
                SearchDoc(
                    id=i,
                    agency_id=agency,
                    column_id=column,
                    year=year,
                    title=title,
                    body_text=body,
                    index_number=index,
                    document_number=docno,
                )
                for i, agency, column, year, title, body, index, docno in c.fetchall()
            ]
            if not old:
                continue
            c.executemany(
                "INSERT INTO search_fts (search_fts, rowid, toks) VALUES ('delete', %s, %s)",
                [(d.id, fts_tokens(d)) for d in old],
            )
            c.executemany("DELETE FROM search_title_fts WHERE rowid = %s", [(d.id,) for d in old])
            found += [d.id for d in old]
        return found

    def write(self, prepared) -> int:
        entries, fts, titles = prepared
        if not entries:
            return 0
        with self.connection.cursor() as c:
            self._forget(c, [e[0] for e in entries])
            c.executemany(
                "INSERT OR REPLACE INTO search_entry (id, agency_id, column_id, year, published_at,"
                " title, body_text, index_number, document_number, index_key, docno_key, norm)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                entries,
            )
            c.executemany("INSERT INTO search_fts (rowid, toks) VALUES (%s, %s)", fts)
            c.executemany(
                "INSERT INTO search_title_fts (rowid, title, facets) VALUES (%s, %s, %s)", titles
            )
        return len(entries)

    # Batches of search.BATCH documents per transaction during a bulk load: FTS5 writes its
    # pending terms out as a new segment at every commit.
    bulk_group = 20

    def bulk_load(self, batches, replace_all: bool = False) -> int:
        """Add or replace many documents in bulk mode (``bulk()``). ``replace_all`` changes
        nothing here: one database file has one writer, so the load goes into the live
        index and hooks.rebuild removes what it did not bring."""
        # Tokenising moves to worker processes (all cores but the writer's): in a thread it
        # shared the GIL with the writer, ~1,550 documents/s at 1,000,000 (bench/README.md).
        with self.bulk():
            return write_batches(self, batches, self.bulk_group, prepare_processes())

    def write_many(self, batches) -> int:
        """Many documents on the incremental path (search.index_documents): tokenised in
        worker processes beside this one writer, one batch a transaction (20,000 documents
        into 200,000: 1,750-1,820 -> 2,500 documents/s, bench/README.md)."""
        return write_batches(self, batches, 1, prepare_processes())

    @contextmanager
    def bulk(self):
        """Loading many documents (a full rebuild): a larger page cache and in-memory temp
        storage on this connection, and FTS5 merging segments less eagerly (automerge 16
        instead of 4: fewer, larger merges) with a bigger pending-terms buffer; the caller's
        ``optimize()`` merges everything at the end. The journal stays as configured (WAL,
        synchronous=NORMAL): readers keep seeing committed batches, a crash loses nothing
        committed. Everything is put back afterwards, also on failure."""
        pragmas = dict(BULK_PRAGMAS)
        if self.connection.in_atomic_block:  # SQLite refuses to change temp_store there
            pragmas.pop("temp_store")
        with self.connection.cursor() as c:
            saved = {}
            for name, value in pragmas.items():
                c.execute(f"PRAGMA {name}")
                saved[name] = c.fetchone()[0]
                c.execute(f"PRAGMA {name} = {int(value)}")
            for table in FTS5_TABLES:
                for key, value in BULK_FTS5.items():
                    c.execute(f"INSERT INTO {table} ({table}, rank) VALUES (%s, %s)", [key, value])
        try:
            yield
        finally:
            with self.connection.cursor() as c:
                for name, value in saved.items():
                    c.execute(f"PRAGMA {name} = {int(value)}")
                for table in FTS5_TABLES:
                    for key, value in FTS5_DEFAULTS.items():
                        c.execute(
                            f"INSERT INTO {table} ({table}, rank) VALUES (%s, %s)", [key, value]
                        )

    def remove(self, ids) -> None:
        with self.connection.cursor() as c:
            for part in chunks(self._forget(c, ids)):
                marks = ",".join(["%s"] * len(part))
                c.execute(f"DELETE FROM search_entry WHERE id IN ({marks})", part)

    def clear(self) -> None:
        with self.connection.cursor() as c:
            c.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
            c.execute("DELETE FROM search_title_fts")
            c.execute("DELETE FROM search_entry")

    def optimize(self) -> None:
        with self.connection.cursor() as c:
            c.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")
            c.execute("INSERT INTO search_title_fts (search_title_fts) VALUES ('optimize')")

    def count(self) -> int:
        with self.connection.cursor() as c:
            c.execute("SELECT count(*) FROM search_entry")
            return c.fetchone()[0]

    # -- reads ----------------------------------------------------------------------------
    def _match(self, words, f: Filters, title_only: bool = False) -> tuple[str, str, list]:
        """MATCH expression, extra SQL conditions on ``e`` (search_entry) and their params."""
        where, params = "", []
        if title_only:  # search_title_fts: character phrases, exact
            expr = "{title}: (" + text.fts5_expr(words) + ")"
            facet = "facets: "
        else:
            expr = text.fts5_token_expr(words)
            facet = ""
            for w in text.confirm_words(words):
                where += CONFIRM
                params += [w] * 5
        if f.agency_ids is not None:
            ids = sorted({int(a) for a in f.agency_ids})
            if len(ids) <= MAX_FACET_AGENCIES:
                expr += f" AND {facet}(" + " OR ".join(f"ag{a}" for a in ids) + ")"
            else:
                where += " AND e.agency_id IN (SELECT value FROM json_each(%s))"
                params.append("[" + ",".join(map(str, ids)) + "]")
        if f.column_id is not None:
            expr += f" AND {facet}co{int(f.column_id)}"
        if f.year is not None:
            expr += f" AND {facet}yr{int(f.year)}"
        return expr, where, params

    def _ids(
        self, c, expr, where, params, limit, offset, by_date: bool, table: str = "search_fts"
    ) -> list[int]:
        """Matching ids, newest first: by publication date (sorting at most RANK_CAP rows), or
        by rowid, which FTS5 streams, for broad queries."""
        if by_date or where:
            order = (
                "coalesce(e.published_at, 0) DESC, e.id DESC" if by_date else f"{table}.rowid DESC"
            )
            c.execute(
                f"SELECT e.id FROM {table} CROSS JOIN search_entry e"
                f" ON e.id = {table}.rowid WHERE {table} MATCH %s{where}"
                f" ORDER BY {order} LIMIT %s OFFSET %s",
                [expr, *params, limit, offset],
            )
        else:
            c.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH %s"
                " ORDER BY rowid DESC LIMIT %s OFFSET %s",
                [expr, limit, offset],
            )
        return [r[0] for r in c.fetchall()]

    def _count(self, c, expr, where, params, cap, table: str = "search_fts") -> int:
        join = f" CROSS JOIN search_entry e ON e.id = {table}.rowid" if where else ""
        c.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {table}{join}"
            f" WHERE {table} MATCH %s{where} LIMIT %s)",
            [expr, *params, cap],
        )
        return c.fetchone()[0]

    def search(self, words, f: Filters, limit: int, offset: int):
        """Documents whose title holds every word first, then the others; newest first within
        each tier (see base.RANK_CAP)."""
        expr, where, wparams = self._match(words, f)
        texpr, twhere, twparams = self._match(words, f, title_only=True)
        with self.connection.cursor() as c:
            if text.confirm_words(words):
                # Each candidate costs a read of its text (~6 µs): one pass collects up to
                # RANK_CAP + 1 confirmed matches with their dates, and that is also the count
                # (the portal then says "more than 1,000", as on PostgreSQL).
                cap = RANK_CAP
                c.execute(
                    "SELECT e.id, coalesce(e.published_at, 0) FROM search_fts CROSS JOIN"
                    " search_entry e ON e.id = search_fts.rowid"
                    f" WHERE search_fts MATCH %s{where} LIMIT %s",
                    [expr, *wparams, cap + 1],
                )
                found = c.fetchall()
                total = len(found)
                if not total:
                    return [], 0, True
                if total <= cap:
                    in_title = set(
                        self._ids(c, texpr, twhere, twparams, -1, 0, False, "search_title_fts")
                    )
                    found.sort(key=lambda r: (r[1], r[0]), reverse=True)
                    ranked = [(i, 2.0) for i, _ in found if i in in_title]
                    ranked += [(i, 1.0) for i, _ in found if i not in in_title]
                    return ranked[offset : offset + limit], total, True
            else:
                cap = COUNT_CAP
                total = self._count(c, expr, where, wparams, cap + 1)
                if not total:
                    return [], 0, True
            by_date = total <= RANK_CAP
            # Exact when below offset + limit; otherwise the title tier fills this page.
            ntitle = self._count(c, texpr, twhere, twparams, offset + limit, "search_title_fts")
            out: list[tuple[int, float]] = []
            if offset < ntitle:
                ids = self._ids(
                    c, texpr, twhere, twparams, limit, offset, by_date, "search_title_fts"
                )
                out = [(i, 2.0) for i in ids]
            if len(out) < limit:
                # The title tier is exhausted, so it has fewer than offset + limit documents:
                # the body tier leaves them out by id.
                bwhere, bparams = where, wparams
                if ntitle:
                    tids = self._ids(
                        c, texpr, twhere, twparams, ntitle, 0, False, "search_title_fts"
                    )
                    bwhere += " AND e.id NOT IN (SELECT value FROM json_each(%s))"
                    bparams = [*wparams, "[" + ",".join(map(str, tids)) + "]"]
                ids = self._ids(
                    c, expr, bwhere, bparams, limit - len(out), max(0, offset - ntitle), by_date
                )
                out += [(i, 1.0) for i in ids]
        return out, min(total, cap), total <= cap

    def match_ids(self, words, f: Filters) -> set[int]:
        """Every matching id, unranked (recall measurement, tests)."""
        expr, where, params = self._match(words, f)
        with self.connection.cursor() as c:
            c.execute(
                "SELECT e.id FROM search_fts CROSS JOIN search_entry e"
                f" ON e.id = search_fts.rowid WHERE search_fts MATCH %s{where}",
                [expr, *params],
            )
            return {r[0] for r in c.fetchall()}

    def exact(self, key: str, f: Filters) -> list[int]:
        fsql, fparams = filter_sql(f, "agency_id IN (SELECT value FROM json_each(%s))", json.dumps)
        with self.connection.cursor() as c:
            c.execute(
                "SELECT id FROM search_entry e WHERE (index_key = %s OR docno_key = %s)"
                f" AND {fsql} ORDER BY published_at DESC LIMIT 20",
                [key, key, *fparams],
            )
            return [r[0] for r in c.fetchall()]

    def fetch(self, ids) -> dict[int, Row]:
        out: dict[int, Row] = {}
        with self.connection.cursor() as c:
            for part in chunks(ids):
                marks = ",".join(["%s"] * len(part))
                c.execute(
                    "SELECT id, agency_id, column_id, published_at, title, body_text,"
                    f" index_number, document_number FROM search_entry WHERE id IN ({marks})",
                    part,
                )
                for r in c.fetchall():
                    out[r[0]] = Row(r[0], r[1], r[2], from_epoch(r[3]), *r[4:])
        return out

    def indexed_ids(self) -> set[int]:
        with self.connection.cursor() as c:
            c.execute("SELECT id FROM search_entry")
            return {r[0] for r in c.fetchall()}
