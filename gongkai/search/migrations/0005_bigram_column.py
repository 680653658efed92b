"""SQLite: search_fts gains a ``grams`` column (adjacent character pairs) so queries of two or
more characters look up bigram doclists; the table is rebuilt from search_entry."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from operator import add

    from gongkai.search import text
    from gongkai.search.backends import sqlite as b

    def bigram_tokens(s):  # the pair column of this design (replaced in 0006)
        s = text.char_tokens(s).replace(" ", "")
        return " ".join(map(add, s, s[1:]))

    schema_editor.execute("DROP TABLE IF EXISTS search_fts")
    schema_editor.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, grams, facets,"
        " tokenize='unicode61 remove_diacritics 0', detail=full)"
    )
    with schema_editor.connection.cursor() as c:
        c.execute(
            "SELECT id, title, body_text, document_number, index_number, agency_id, column_id,"
            " year FROM search_entry"
        )
        rows = []
        for i, title, body, docno, index, agency, column, year in c.fetchall():
            heading = "\n".join(x for x in (title, docno, index) if x)
            rows.append(
                (
                    i,
                    text.char_tokens(heading),
                    text.char_tokens(body),
                    bigram_tokens(heading + "\n" + body),
                    b.facets(agency, column, year),
                )
            )
        c.executemany(
            "INSERT INTO search_fts (rowid, title, body, grams, facets)"
            " VALUES (%s, %s, %s, %s, %s)",
            rows,
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0004_title_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
