"""PostgreSQL: search_entry becomes a table partitioned by hash of id (backends/postgres.py,
PARTITIONS), so a bulk load builds the partitions' indexes in parallel; the large columns move
to lz4. The rows are kept. SQLite: nothing to do."""

from django.db import migrations


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    from gongkai.search.backends.postgres import PostgresBackend

    PostgresBackend(conn).relayout()  # the new table gets lz4 as it is created


class Migration(migrations.Migration):
    dependencies = [("search", "0006_token_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
