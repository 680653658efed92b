"""SQLite: search_fts becomes a contentless ``detail=none`` token index (every character and
adjacent pair, text.index_tokens) and search_entry gains ``norm`` (normalised text where it
differs), which confirms words of three or more characters. Both are rebuilt from search_entry.

PostgreSQL: the tsvector lexemes are unchanged (distinct characters and pairs); the normalised
text moves to lz4 compression (PostgreSQL ≥ 14) so the strpos confirmation decompresses it
faster, and existing rows are rewritten so the setting applies to them.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor == "postgresql":
        from gongkai.search.backends import postgres as b

        b.tune_storage(conn)
        return
    if conn.vendor != "sqlite":
        return
    from gongkai.search.backends import sqlite as b
    from gongkai.search.types import SearchDoc

    with conn.cursor() as c:
        c.execute("SELECT name FROM pragma_table_info('search_entry')")
        if "norm" not in {r[0] for r in c.fetchall()}:
            c.execute("ALTER TABLE search_entry ADD COLUMN norm TEXT")
        c.execute("DROP TABLE IF EXISTS search_fts")
        c.execute(b.FTS)
        c.execute("SELECT id FROM search_entry ORDER BY id")
        ids = [r[0] for r in c.fetchall()]
        for part in b.chunks(ids, 1000):
            marks = ",".join(["%s"] * len(part))
            c.execute(f"SELECT {b.OLD_COLUMNS} FROM search_entry WHERE id IN ({marks})", part)
            docs = [
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
            c.executemany(
                "UPDATE search_entry SET norm = %s WHERE id = %s",
                [(b.norm_or_null(d), d.id) for d in docs],
            )
            c.executemany(
                "INSERT INTO search_fts (rowid, toks) VALUES (%s, %s)",
                [(d.id, b.fts_tokens(d)) for d in docs],
            )


class Migration(migrations.Migration):
    dependencies = [("search", "0005_bigram_column")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
