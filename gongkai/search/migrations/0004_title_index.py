"""SQLite: a title-only FTS5 table for the title tier of rankings, filled from search_entry."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from gongkai.search import text
    from gongkai.search.backends.sqlite import facets

    schema_editor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_title_fts USING fts5("
        "title, facets, tokenize='unicode61 remove_diacritics 0', detail=full)"
    )
    with schema_editor.connection.cursor() as c:
        c.execute("DELETE FROM search_title_fts")
        c.execute(
            "SELECT id, title, document_number, index_number, agency_id, column_id, year"
            " FROM search_entry"
        )
        rows = [
            (
                i,
                text.char_tokens("\n".join(x for x in (title, docno, index) if x)),
                facets(agency, column, year),
            )
            for i, title, docno, index, agency, column, year in c.fetchall()
        ]
        c.executemany(
            "INSERT INTO search_title_fts (rowid, title, facets) VALUES (%s, %s, %s)", rows
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_title_fts")


class Migration(migrations.Migration):
    dependencies = [("search", "0003_recent_index")]
    operations = [migrations.RunPython(forwards, backwards)]
