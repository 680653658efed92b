"""PostgreSQL: search_entry is laid out again when it differs from the declared layout
(backends/postgres.py): 16 partitions instead of 4 (a broad query's count builds the bitmap of
one partition, a quarter of the collection before), an index on (agency_id, year) instead of
(agency_id), and no second unique index on id per partition (the parent's primary key built
its own beside the partitions'). The rows are kept. SQLite: nothing to do."""

from django.db import migrations


def forwards(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    from gongkai.search.backends.postgres import PostgresBackend

    PostgresBackend(conn).relayout()


class Migration(migrations.Migration):
    dependencies = [("search", "0007_partitions")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
