"""Database trigger: ``published_at`` of a published row cannot change (CONVENTIONS §6.2).

See ``gongkai/publications/dblock.py`` (SQLite and PostgreSQL variants)."""

from django.db import migrations


def install(apps, schema_editor):
    from gongkai.publications import dblock

    dblock.install(schema_editor.connection, ["published_at"])


def uninstall(apps, schema_editor):
    from gongkai.publications import dblock

    dblock.uninstall(schema_editor.connection, ["published_at"])


class Migration(migrations.Migration):
    dependencies = [("publications", "0002_republished_at")]

    operations = [migrations.RunPython(install, uninstall)]
