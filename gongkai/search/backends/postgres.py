"""PostgreSQL backend: one table with a ``tsvector`` (GIN index) and the normalised text.

The tsvector holds each distinct character, bigram and segmented word of title (weight A,
the title boost) and body (weight D) without positions: PostgreSQL keeps at most 256
positions per lexeme and none past 16,383, so phrase operators would silently miss matches in
long documents. The GIN index finds candidates containing all the bigrams; ``strpos`` on the
normalised text then confirms the exact substring, so recall stays exact.
"""

from __future__ import annotations

from .. import text
from .base import COUNT_CAP, RECENCY, YEAR_SECONDS, Filters, Row, chunks

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
        norm text NOT NULL,
        tsv tsvector NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS search_entry_tsv ON search_entry USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS search_entry_index_key ON search_entry (index_key)",
    "CREATE INDEX IF NOT EXISTS search_entry_docno_key ON search_entry (docno_key)",
    "CREATE INDEX IF NOT EXISTS search_entry_agency ON search_entry (agency_id)",
    "CREATE INDEX IF NOT EXISTS search_entry_column_year ON search_entry (column_id, year)",
]
DROP = ["DROP TABLE IF EXISTS search_entry"]

# ts_rank weights {D, C, B, A}: title lexemes (A) count 10× body lexemes (D). The rank uses
# the OR of the lexemes: ts_rank's AND formula scores position distances, and positions here
# only mark title (1) versus body (2).
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"


class PostgresBackend:
    vendor = "postgresql"

    def __init__(self, connection):
        self.connection = connection

    def index(self, docs) -> int:
        rows = []
        for d in docs:
            rows.append(
                (
                    d.id,
                    d.agency_id,
                    d.column_id,
                    d.year,
                    d.published_at,
                    d.title,
                    d.body_text,
                    d.index_number or "",
                    d.document_number or "",
                    text.lookup_key(d.index_number) if d.index_number else "",
                    text.lookup_key(d.document_number) if d.document_number else "",
                    text.normalise(d.heading) + "\n" + text.normalise(d.body_text),
                    text.tsvector_literal(d.heading, d.body_text),
                )
            )
        if not rows:
            return 0
        with self.connection.cursor() as c:
            c.executemany(
                "INSERT INTO search_entry (id, agency_id, column_id, year, published_at, title,"
                " body_text, index_number, document_number, index_key, docno_key, norm, tsv)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector)"
                " ON CONFLICT (id) DO UPDATE SET agency_id = EXCLUDED.agency_id,"
                " column_id = EXCLUDED.column_id, year = EXCLUDED.year,"
                " published_at = EXCLUDED.published_at, title = EXCLUDED.title,"
                " body_text = EXCLUDED.body_text, index_number = EXCLUDED.index_number,"
                " document_number = EXCLUDED.document_number, index_key = EXCLUDED.index_key,"
                " docno_key = EXCLUDED.docno_key, norm = EXCLUDED.norm, tsv = EXCLUDED.tsv",
                rows,
            )
        return len(rows)

    def remove(self, ids) -> None:
        with self.connection.cursor() as c:
            for part in chunks(ids):
                c.execute("DELETE FROM search_entry WHERE id = ANY(%s)", [list(part)])

    def clear(self) -> None:
        with self.connection.cursor() as c:
            c.execute("DELETE FROM search_entry")

    def optimize(self) -> None:
        with self.connection.cursor() as c:
            c.execute("ANALYZE search_entry")

    def count(self) -> int:
        with self.connection.cursor() as c:
            c.execute("SELECT count(*) FROM search_entry")
            return c.fetchone()[0]

    def _where(self, words, f: Filters) -> tuple[str, list]:
        sql = "tsv @@ %s::tsquery"
        params: list = [text.tsquery_literal(words)]
        for w in words:
            if len(w) > 1:
                sql += " AND strpos(norm, %s) > 0"
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

    def search(self, words, f: Filters, limit: int, offset: int):
        where, params = self._where(words, f)
        with self.connection.cursor() as c:
            c.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM search_entry WHERE {where} LIMIT %s) s",
                [*params, COUNT_CAP + 1],
            )
            total = c.fetchone()[0]
            if not total:
                return [], 0, True
            c.execute(
                f"SELECT id, ts_rank('{WEIGHTS}', tsv, %s::tsquery) * (1.0 + {RECENCY} / (1.0 +"
                " greatest(0, extract(epoch FROM now() - coalesce(published_at, 'epoch')))"
                f" / {YEAR_SECONDS}.0)) AS score FROM search_entry WHERE {where}"
                " ORDER BY score DESC, id DESC LIMIT %s OFFSET %s",
                [text.tsquery_literal(words, " | "), *params, limit, offset],
            )
            ranked = [(r[0], float(r[1])) for r in c.fetchall()]
        return ranked, min(total, COUNT_CAP), total <= COUNT_CAP

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
