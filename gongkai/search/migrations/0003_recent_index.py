from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_published")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS search_entry_recent"
            " ON search_entry (published_at DESC NULLS LAST, id DESC)"
        )


class Migration(migrations.Migration):
    dependencies = [("search", "0002_character_index")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
